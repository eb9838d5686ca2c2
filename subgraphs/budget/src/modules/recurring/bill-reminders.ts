import type { Logger } from '@centavo/logger';
import { metrics } from '@centavo/metrics';
import { formatAmount } from '@centavo/money';
import type { Publisher } from '@centavo/pubsub';
import type { BudgetPrisma } from '../../db.js';
import { SEVERITY } from '../alerts/alert-rules.js';
import { AlertsRepository, type NewAlert, type PendingAlert } from '../alerts/alerts.repository.js';
import type { AlertEmailHook } from '../notifications/email-channel.js';
import { billOccurrenceId, dayOf, rollForward } from './detection.js';
import { RecurringRepository, type BillRecord } from './recurring.repository.js';

export interface BillRemindersDeps {
  prisma: BudgetPrisma;
  publisher: Pick<Publisher, 'publish' | 'invalidate'>;
  logger: Logger;
  now?: () => Date;
  /** Alerts by email, as LiveNotifier's. */
  emails?: AlertEmailHook;
  /** BILL_DUE reaches the user's webhooks too, like every other alert (live-notifier.ts). */
  webhooks?: (userId: string, alert: PendingAlert) => Promise<void>;
}

const PAGE = 500;

export const billDueMessage = (bill: BillRecord): string =>
  `Bill due: ${bill.name}, ${formatAmount(bill.amountMinor, bill.currency)} ${bill.currency} on ${bill.nextDate}`;

/**
 * One pass of the reminder scan over every user's confirmed bills:
 * 1. a due date that went by unpaid for longer than its period's grace days moves to the next
 *    occurrence (a bill paid in cash, or under another description, keeps its schedule);
 * 2. BILL_DUE for each bill whose nextDate − remindDaysBefore has come, once per bill and due
 *    date (the alert's subject is that occurrence: a restart, a second worker or the next pass
 *    raises nothing twice), then published to the user's live subscribers.
 */
export async function remindDueBills(deps: BillRemindersDeps): Promise<{ rolled: number; raised: number }> {
  const today = dayOf((deps.now ?? (() => new Date()))());
  const repo = new RecurringRepository(deps.prisma);
  const alerts = new AlertsRepository(deps.prisma);
  let rolled = 0;
  for (;;) {
    const late = await repo.pastGrace(today, PAGE);
    const users = new Set<string>();
    for (const bill of late) {
      await repo.update(bill.userId, bill.id, { nextDate: rollForward(bill.nextDate, bill.period, today) });
      users.add(bill.userId);
    }
    rolled += late.length;
    // Nobody is told of a moved date: their cached reads must still see it.
    if (users.size > 0) await deps.publisher.invalidate(users);
    if (late.length < PAGE) break;
  }
  let raised = 0;
  for (;;) {
    const due = await repo.dueForReminder(today, PAGE);
    const reminders: NewAlert[] = due.map((bill) => ({
      userId: bill.userId,
      type: 'BILL_DUE',
      severity: SEVERITY.BILL_DUE,
      message: billDueMessage(bill),
      transactionId: null,
      budgetId: null,
      month: null,
      billId: bill.id,
      subjectId: billOccurrenceId(bill.id, bill.nextDate),
    }));
    const users = await alerts.raiseReturningUsers(reminders);
    raised += reminders.length;
    for (const userId of users) await publishPending(deps, alerts, userId);
    if (due.length < PAGE) break;
  }
  return { rolled, raised };
}

async function publishPending(deps: BillRemindersDeps, alerts: AlertsRepository, userId: string): Promise<void> {
  for (;;) {
    const sent = await alerts.publishPending(
      userId,
      async (id, type, alert) => {
        await deps.publisher.publish(userId, { __typename: 'Alert', id, field: 'alertRaised' });
        await deps.webhooks?.(userId, alert);
        metrics.alertsRaised.inc({ type });
      },
      100,
      deps.emails && ((tx, rows) => deps.emails!.queue(tx, userId, rows)),
    );
    if (sent < 100) break;
  }
  await deps.emails?.afterCommit(userId);
}

/** Runs remindDueBills now and every `intervalMs` until stopped; a failed pass is logged and the next one tries again. */
export function startBillReminders(deps: BillRemindersDeps & { intervalMs: number }): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const pass = async () => {
    try {
      const { rolled, raised } = await remindDueBills(deps);
      if (rolled || raised) deps.logger.debug({ rolled, raised }, 'bill reminders');
    } catch (error) {
      deps.logger.error({ err: error }, 'bill reminder pass failed');
    }
  };
  const schedule = () => {
    if (stopped) return;
    running = pass().finally(() => {
      running = undefined;
      if (!stopped) timer = setTimeout(schedule, deps.intervalMs);
    });
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
