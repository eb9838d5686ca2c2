import { metrics } from '@centavo/metrics';
import type { Publisher } from '@centavo/pubsub';
import type { BudgetsRepository, CoveringBudget, SpendingKey } from '../budgets/budgets.repository.js';
import type { AlertEmailHook } from '../notifications/email-channel.js';
import type { SpendingService } from '../spending/spending.service.js';
import type { AlertsRepository, PendingAlert } from './alerts.repository.js';

export interface NotifierDeps {
  alerts: Pick<AlertsRepository, 'publishPending'>;
  budgets: Pick<BudgetsRepository, 'covering'>;
  spending: Pick<SpendingService, 'findEntries'>;
  publisher: Pick<Publisher, 'publish'>;
  /** Alerts by email (when SMTP is configured): queued with the publication, enqueued after it. */
  emails?: AlertEmailHook;
  /** The user's webhooks (transactions domain) hear of each alert too; at least once, keyed by the alert's id. */
  webhooks?: (userId: string, alert: PendingAlert) => Promise<void>;
}

const BATCH = 100;

/** What a batch's transaction already knows, so the live updates need not ask the database again. */
export interface KnownAfterBatch {
  /** The budgets its applied changes moved (null: not looked up). */
  budgets: CoveringBudget[] | null;
  /** Whether an alert of the user may be unpublished: one was before the batch, or the batch raised one. */
  alertsMayBePending: boolean;
}

/**
 * Tells a user's live subscribers what a transaction change did, after it committed. Runs for
 * replays too, so a crash between the commit and the publish delays events but never loses
 * them: delivery is at least once.
 */
export class LiveNotifier {
  constructor(private readonly d: NotifierDeps) {}

  /**
   * After a batch of one user's changes committed: one budgetUpdated per budget any of them
   * moved, then every pending alertRaised. `replayed`: the transactions of changes that did not
   * apply (a replay cannot know what the first run moved: the ledger's current entry names it).
   * With `known` and no replay, the budgets are those the batch's transaction found, and pending
   * alerts are looked for only when it said there may be some.
   */
  async afterBatch(
    userId: string,
    affected: readonly SpendingKey[],
    replayed: readonly string[],
    known?: KnownAfterBatch,
  ): Promise<{ budgets: number; alerts: number }> {
    const fresh = known !== undefined && replayed.length === 0;
    const budgets = fresh && known.budgets ? known.budgets : await this.d.budgets.covering(userId, [...affected, ...(await this.currentKeys(replayed))]);
    for (const budget of budgets) {
      await this.d.publisher.publish(userId, { __typename: 'Budget', id: budget.id, field: 'budgetUpdated' });
    }
    if (fresh && !known.alertsMayBePending) return { budgets: budgets.length, alerts: 0 };
    let alerts = 0;
    for (;;) {
      const sent = await this.d.alerts.publishPending(
        userId,
        async (id, type, alert) => {
          await this.d.publisher.publish(userId, { __typename: 'Alert', id, field: 'alertRaised' });
          await this.d.webhooks?.(userId, alert);
          // Counted when first published: alerts are stored once, published (normally) once.
          metrics.alertsRaised.inc({ type });
        },
        BATCH,
        this.d.emails && ((tx, rows) => this.d.emails!.queue(tx, userId, rows)),
      );
      alerts += sent;
      if (sent < BATCH) break;
    }
    if (alerts > 0) await this.d.emails?.afterCommit(userId);
    return { budgets: budgets.length, alerts };
  }

  private async currentKeys(transactionIds: readonly string[]): Promise<SpendingKey[]> {
    if (transactionIds.length === 0) return [];
    const entries = await this.d.spending.findEntries(transactionIds);
    return entries.flatMap((e) => (e.categoryId ? [{ categoryId: e.categoryId, month: e.day.slice(0, 7), currency: e.currency }] : []));
  }
}
