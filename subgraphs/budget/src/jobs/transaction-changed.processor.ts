import type { TransactionEvent } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import type { Publisher } from '@centavo/pubsub';
import type { BudgetDomain } from '../domain.js';
import { raiseAlerts } from '../modules/alerts/alert-raiser.js';
import { LiveNotifier } from '../modules/alerts/live-notifier.js';
import type { ApplyEffects, ApplyResult, SpendingService } from '../modules/spending/spending.service.js';

export interface JobInfo {
  id?: string | undefined;
  attemptsMade?: number;
}

/** Alerts and subscriptions; tests of the aggregates alone leave them out. */
export interface LiveUpdates {
  /** Raises alerts in the ledger transaction, atomically with the change. */
  raise: ApplyEffects;
  /** After the commit, also on replays: publishes budgetUpdated and every pending alertRaised. */
  notify(result: ApplyResult, transactionId: string): Promise<{ budgets: number; alerts: number }>;
}

export function createLiveUpdates(domain: BudgetDomain, publisher: Pick<Publisher, 'publish'>): LiveUpdates {
  const { alerts, budgets } = domain.repos;
  const notifier = new LiveNotifier({ alerts, budgets, spending: domain.spending, publisher });
  return { raise: raiseAlerts, notify: (result, transactionId) => notifier.afterApply(result, transactionId) };
}

/** Applies a transaction change to the spending aggregates; replays and stale versions are no-ops. */
export function createTransactionChangedProcessor(
  spending: Pick<SpendingService, 'applySnapshot'>,
  logger: Logger,
  live?: LiveUpdates,
) {
  return async (event: TransactionEvent, job: JobInfo = {}): Promise<ApplyResult> => {
    const { transaction } = event;
    const log = logger.child({ requestId: event.requestId, jobId: job.id, eventId: event.eventId });
    const result = await spending.applySnapshot(transaction, live?.raise);
    if (result.unknownCategory) {
      log.warn({ transactionId: transaction.id, categoryId: transaction.categoryId }, 'category is not the user\'s; counted as uncategorized');
    }
    log.debug(
      { transactionId: transaction.id, version: transaction.version, type: event.type, applied: result.applied },
      result.applied ? 'transaction change applied to spending' : 'stale or replayed transaction event skipped',
    );
    if (live) {
      const published = await live.notify(result, transaction.id);
      if (published.budgets || published.alerts) log.debug({ transactionId: transaction.id, ...published }, 'live updates published');
    }
    return result;
  };
}
