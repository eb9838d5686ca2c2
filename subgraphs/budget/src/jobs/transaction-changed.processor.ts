import {
  budgetTransactionBatch,
  processor,
  rowEvents,
  type JobProcessor,
  type JobRun,
  type TransactionEvent,
  type TransactionEventBatch,
  type TransactionSnapshot,
} from '@centavo/jobs';
import type { Publisher } from '@centavo/pubsub';
import { raiseAlerts } from '../modules/alerts/alert-raiser.js';
import { LiveNotifier, type KnownAfterBatch, type NotifierDeps } from '../modules/alerts/live-notifier.js';
import type { SpendingKey } from '../modules/budgets/budgets.repository.js';
import { suggestionOf, type BillTracker } from '../modules/recurring/bill-tracker.js';
import type { ApplyEffects, ApplyResult, SpendingService } from '../modules/spending/spending.service.js';

/** Alerts and subscriptions; tests of the aggregates alone leave them out. */
export interface LiveUpdates {
  /** Raises alerts in the batch's transaction, atomically with the changes. */
  raise: ApplyEffects;
  /** After the commit, also on replays, before notify: work that reads what other batches committed (recurring bills' detection). */
  afterCommit?(userId: string, snapshots: readonly TransactionSnapshot[]): Promise<void>;
  /**
   * After the commit, also on replays: publishes budgetUpdated and every pending alertRaised.
   * `known`: what the batch's transaction already knows (LiveNotifier.afterBatch).
   */
  notify(userId: string, affected: readonly SpendingKey[], replayed: readonly string[], known?: KnownAfterBatch): Promise<{ budgets: number; alerts: number }>;
}

export function createLiveUpdates(deps: Omit<NotifierDeps, 'publisher'>, publisher: Pick<Publisher, 'publish'>, bills?: BillTracker): LiveUpdates {
  const notifier = new LiveNotifier({ ...deps, publisher });
  const notify: LiveUpdates['notify'] = (userId, affected, replayed, known) => notifier.afterBatch(userId, affected, replayed, known);
  if (!bills) return { raise: raiseAlerts, notify };
  return {
    // Bills first: their statements then run before the alerts lock budgets and move the sums.
    raise: async (tx, changes, moveAggregates, context) => {
      await bills.inBatch(tx, changes, context);
      await raiseAlerts(tx, changes, moveAggregates, context);
    },
    afterCommit: (userId, snapshots) => bills.afterBatch(userId, snapshots),
    notify,
  };
}

/** The processor of transaction event batches, saying what it did (tests check replays with it). */
export interface TransactionChangedProcessor extends JobProcessor<typeof budgetTransactionBatch.schema> {
  /** One result per row event of the batch (a bulk event counts its rows), in order. */
  handle(batch: TransactionEventBatch, run: JobRun): Promise<ApplyResult[]>;
  /** A batch of one event. */
  handleEvent(event: TransactionEvent, run: JobRun): Promise<ApplyResult>;
}

/**
 * Applies one user's batch of transaction changes to the spending aggregates in one database
 * transaction (replays and stale versions are no-ops), raising the alerts they cause with them,
 * then tells live subscribers once per batch.
 */
export function createTransactionChangedProcessor(
  spending: Pick<SpendingService, 'applyBatch'>,
  live?: LiveUpdates,
): TransactionChangedProcessor {
  const handle = async (batch: TransactionEventBatch, run: JobRun): Promise<ApplyResult[]> => {
    const { userId } = batch;
    const events = batch.events.flatMap(rowEvents);
    const { results, context } = await spending.applyBatch(userId, events.map((e) => e.transaction), live?.raise);
    const unknown = events.filter((_, i) => results[i]!.unknownCategory);
    if (unknown.length > 0) {
      run.logger.warn(
        { transactions: unknown.map((e) => ({ id: e.transaction.id, categoryId: e.transaction.categoryId })) },
        'category is not the user\'s; counted as uncategorized',
      );
    }
    const applied = results.filter((r) => r.applied).length;
    run.logger.debug({ userId, events: events.length, applied }, 'transaction changes applied to spending');
    if (live) {
      // A row that only got a category needs no detection unless its payee has a suggestion (which carries a category).
      const detect = events.filter((e, i) => !(context && e.type === 'transaction.categorized' && results[i]!.sameMoney && !suggestionOf(context.bills, e.transaction)));
      if (detect.length > 0) await live.afterCommit?.(userId, detect.map((e) => e.transaction));
      const affected = results.flatMap((r) => r.affected);
      const replayed = [...new Set(events.filter((_, i) => !results[i]!.applied).map((e) => e.transaction.id))];
      const known: KnownAfterBatch | undefined = context
        ? { budgets: context.budgetsMoved, alertsMayBePending: context.alertsPending || context.alertsRaised > 0 }
        : undefined;
      const published = await live.notify(userId, affected, replayed, known);
      if (published.budgets || published.alerts) run.logger.debug({ userId, ...published }, 'live updates published');
    }
    return results;
  };
  const handleEvent = async (event: TransactionEvent, run: JobRun): Promise<ApplyResult> =>
    (await handle({ userId: event.transaction.userId, events: [event] }, run))[0]!;
  return { ...processor(budgetTransactionBatch, handle), handle, handleEvent };
}
