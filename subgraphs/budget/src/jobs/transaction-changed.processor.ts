import { budgetTransactionChanged, processor, type JobProcessor, type JobRun, type TransactionEvent } from '@centavo/jobs';
import type { Publisher } from '@centavo/pubsub';
import { raiseAlerts } from '../modules/alerts/alert-raiser.js';
import { LiveNotifier, type NotifierDeps } from '../modules/alerts/live-notifier.js';
import type { ApplyEffects, ApplyResult, SpendingService } from '../modules/spending/spending.service.js';

/** Alerts and subscriptions; tests of the aggregates alone leave them out. */
export interface LiveUpdates {
  /** Raises alerts in the ledger transaction, atomically with the change. */
  raise: ApplyEffects;
  /** After the commit, also on replays: publishes budgetUpdated and every pending alertRaised. */
  notify(result: ApplyResult, transactionId: string): Promise<{ budgets: number; alerts: number }>;
}

export function createLiveUpdates(deps: Omit<NotifierDeps, 'publisher'>, publisher: Pick<Publisher, 'publish'>): LiveUpdates {
  const notifier = new LiveNotifier({ ...deps, publisher });
  return { raise: raiseAlerts, notify: (result, transactionId) => notifier.afterApply(result, transactionId) };
}

/** The processor of transaction events, saying what it did (tests check replays with it). */
export interface TransactionChangedProcessor extends JobProcessor<typeof budgetTransactionChanged.schema> {
  handle(event: TransactionEvent, run: JobRun): Promise<ApplyResult>;
}

/** Applies a transaction change to the spending aggregates; replays and stale versions are no-ops. */
export function createTransactionChangedProcessor(
  spending: Pick<SpendingService, 'applySnapshot'>,
  live?: LiveUpdates,
): TransactionChangedProcessor {
  const handle = async (event: TransactionEvent, run: JobRun): Promise<ApplyResult> => {
    const { transaction } = event;
    const log = run.logger.child({ eventId: event.eventId });
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
  return { ...processor(budgetTransactionChanged, handle), handle };
}
