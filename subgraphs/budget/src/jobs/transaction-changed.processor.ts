import type { TransactionEvent } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import type { ApplyResult, SpendingService } from '../modules/spending/spending.service.js';

export interface JobInfo {
  id?: string | undefined;
  attemptsMade?: number;
}

/** Applies a transaction change to the spending aggregates; replays and stale versions are no-ops. */
export function createTransactionChangedProcessor(spending: Pick<SpendingService, 'applySnapshot'>, logger: Logger) {
  return async (event: TransactionEvent, job: JobInfo = {}): Promise<ApplyResult> => {
    const { transaction } = event;
    const log = logger.child({ requestId: event.requestId, jobId: job.id, eventId: event.eventId });
    const result = await spending.applySnapshot(transaction);
    if (result.unknownCategory) {
      log.warn({ transactionId: transaction.id, categoryId: transaction.categoryId }, 'category is not the user\'s; counted as uncategorized');
    }
    log.debug(
      { transactionId: transaction.id, version: transaction.version, type: event.type, applied: result.applied },
      result.applied ? 'transaction change applied to spending' : 'stale or replayed transaction event skipped',
    );
    return result;
  };
}
