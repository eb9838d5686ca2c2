import { metrics } from '@centavo/metrics';
import type { Publisher } from '@centavo/pubsub';
import type { BudgetsRepository, SpendingKey } from '../budgets/budgets.repository.js';
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
   */
  async afterBatch(userId: string, affected: readonly SpendingKey[], replayed: readonly string[]): Promise<{ budgets: number; alerts: number }> {
    const keys = [...affected, ...(await this.currentKeys(replayed))];
    const budgets = await this.d.budgets.covering(userId, keys);
    for (const budget of budgets) {
      await this.d.publisher.publish(userId, { __typename: 'Budget', id: budget.id, field: 'budgetUpdated' });
    }
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
