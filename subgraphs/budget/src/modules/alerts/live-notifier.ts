import { metrics } from '@centavo/metrics';
import type { Publisher } from '@centavo/pubsub';
import type { BudgetsRepository, SpendingKey } from '../budgets/budgets.repository.js';
import type { ApplyResult, SpendingService } from '../spending/spending.service.js';
import type { AlertsRepository } from './alerts.repository.js';

export interface NotifierDeps {
  alerts: Pick<AlertsRepository, 'publishPending'>;
  budgets: Pick<BudgetsRepository, 'covering'>;
  spending: Pick<SpendingService, 'findEntry'>;
  publisher: Pick<Publisher, 'publish'>;
}

const BATCH = 100;

/**
 * Tells a user's live subscribers what a transaction change did, after it committed. Runs for
 * replays too, so a crash between the commit and the publish delays events but never loses
 * them: delivery is at least once.
 */
export class LiveNotifier {
  constructor(private readonly d: NotifierDeps) {}

  async afterApply(result: ApplyResult, transactionId: string): Promise<{ budgets: number; alerts: number }> {
    const keys = result.applied ? result.affected : await this.currentKeys(transactionId);
    const budgets = await this.d.budgets.covering(result.userId, keys);
    for (const budget of budgets) {
      await this.d.publisher.publish(result.userId, { __typename: 'Budget', id: budget.id, field: 'budgetUpdated' });
    }
    let alerts = 0;
    for (;;) {
      const sent = await this.d.alerts.publishPending(
        result.userId,
        async (id, type) => {
          await this.d.publisher.publish(result.userId, { __typename: 'Alert', id, field: 'alertRaised' });
          // Counted when first published: alerts are stored once, published (normally) once.
          metrics.alertsRaised.inc({ type });
        },
        BATCH,
      );
      alerts += sent;
      if (sent < BATCH) break;
    }
    return { budgets: budgets.length, alerts };
  }

  /** A replay cannot know what the first run moved: the ledger's current entry names it. */
  private async currentKeys(transactionId: string): Promise<SpendingKey[]> {
    const entry = await this.d.spending.findEntry(transactionId);
    if (!entry?.categoryId) return [];
    return [{ categoryId: entry.categoryId, month: entry.day.slice(0, 7), currency: entry.currency }];
  }
}
