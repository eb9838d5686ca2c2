import { isUniqueViolation } from '@centavo/db';
import { inTransaction, type BudgetDb, type BudgetTx } from '../../db.js';
import type { AlertType, Severity } from '../../generated/prisma/client.js';

export interface AlertRecord {
  id: string;
  userId: string;
  type: AlertType;
  severity: Severity;
  message: string;
  subjectId: string;
  transactionId: string | null;
  budgetId: string | null;
  month: string | null;
  billId: string | null;
  createdAt: Date;
  readAt: Date | null;
  publishedAt: Date | null;
}

export interface NewAlert {
  userId: string;
  type: AlertType;
  severity: Severity;
  message: string;
  transactionId: string | null;
  budgetId: string | null;
  month: string | null;
  /** The recurring bill of BILL_DUE and RECURRING_AMOUNT_CHANGED. */
  billId?: string | null;
  /**
   * BILL_DUE: the bill's occurrence (billOccurrenceId); WEBHOOK_DISABLED: the endpoint's disabling;
   * the others derive it from their budget or transaction.
   */
  subjectId?: string;
}

export interface ThresholdRecord {
  currency: string;
  minMinor: bigint;
}

const BUDGET_TYPES = new Set<AlertType>(['BUDGET_WARNING', 'BUDGET_EXCEEDED']);

/** What makes an alert unique with its type: its budget, its transaction, or its bill's due date. */
export function subjectOf(alert: NewAlert): string {
  if (alert.type === 'BILL_DUE') {
    if (!alert.subjectId || !alert.billId) throw new Error('BILL_DUE alert without its bill occurrence');
    return alert.subjectId;
  }
  if (alert.type === 'WEBHOOK_DISABLED') {
    if (!alert.subjectId) throw new Error('WEBHOOK_DISABLED alert without its disabling');
    return alert.subjectId;
  }
  const subject = BUDGET_TYPES.has(alert.type) ? alert.budgetId : alert.transactionId;
  if (!subject) throw new Error(`${alert.type} alert without its ${BUDGET_TYPES.has(alert.type) ? 'budget' : 'transaction'}`);
  return subject;
}

/** An alert not yet published, as its live notice and webhook event need it. */
export interface PendingAlert {
  id: string;
  type: string;
  severity: string;
  message: string;
  transactionId: string | null;
  budgetId: string | null;
  month: string | null;
  createdAt: Date;
}

export class AlertsRepository {
  constructor(private readonly db: BudgetDb) {}

  /** Stores the alerts not raised yet: the unique (subject, type) skips any raised before or concurrently. */
  async raise(alerts: readonly NewAlert[]): Promise<number> {
    if (alerts.length === 0) return 0;
    const { count } = await this.db.alert.createMany({
      data: alerts.map((a) => ({ ...a, subjectId: subjectOf(a) })),
      skipDuplicates: true,
    });
    return count;
  }

  /** As raise, saying which users got a new alert (to publish them). */
  async raiseReturningUsers(alerts: readonly NewAlert[]): Promise<Set<string>> {
    if (alerts.length === 0) return new Set();
    const rows = await this.db.alert.createManyAndReturn({
      data: alerts.map((a) => ({ ...a, subjectId: subjectOf(a) })),
      skipDuplicates: true,
      select: { userId: true },
    });
    return new Set(rows.map((r) => r.userId));
  }

  /** Newest first. */
  list(userId: string, options: { unreadOnly: boolean; take: number }): Promise<AlertRecord[]> {
    return this.db.alert.findMany({
      where: { userId, ...(options.unreadOnly ? { readAt: null } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: options.take,
    });
  }

  findManyForUser(userId: string, ids: readonly string[]): Promise<AlertRecord[]> {
    return this.db.alert.findMany({ where: { userId, id: { in: [...ids] } } });
  }

  /** Sets readAt once: marking a read alert again keeps the first time. Null for another user's id. */
  async markRead(userId: string, id: string): Promise<AlertRecord | null> {
    // The database's clock, like created_at: readAt never comes before createdAt.
    await this.db.$executeRaw`
      UPDATE alerts SET read_at = now() WHERE id = ${id}::uuid AND user_id = ${userId}::uuid AND read_at IS NULL`;
    return this.db.alert.findFirst({ where: { id, userId } });
  }

  /**
   * Publishes up to `batch` of the user's alerts not yet published, oldest first, then marks
   * them. Rows another worker is publishing are skipped (SKIP LOCKED); a crash before the
   * commit leaves them pending for the next try: delivery is at least once.
   */
  async publishPending(
    userId: string,
    publish: (alertId: string, type: string, alert: PendingAlert) => Promise<void>,
    batch = 100,
    /** In the same transaction, before the rows are marked: what else their publication does (queue their emails). */
    onPublished?: (tx: BudgetTx, alerts: { id: string; type: string }[]) => Promise<void>,
  ): Promise<number> {
    // Most events find nothing pending: check without opening a transaction.
    const pending = await this.db.alert.findFirst({ where: { userId, publishedAt: null }, select: { id: true } });
    if (!pending) return 0;
    return inTransaction(this.db, async (tx) => {
      const rows = await tx.$queryRaw<PendingAlert[]>`
        SELECT id::text, type::text, severity::text, message, transaction_id::text AS "transactionId", budget_id::text AS "budgetId", month, created_at AS "createdAt"
        FROM alerts WHERE user_id = ${userId}::uuid AND published_at IS NULL
        ORDER BY created_at, id LIMIT ${batch}::int FOR UPDATE SKIP LOCKED`;
      for (const row of rows) await publish(row.id, row.type, row);
      if (rows.length > 0) {
        await onPublished?.(tx, rows);
        await tx.alert.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { publishedAt: new Date() } });
      }
      return rows.length;
    });
  }

  /**
   * The user's money-out transactions (amounts in positive minor units) of these categories dated
   * from..to, transfers and deletions left out, from the budget domain's ledger.
   */
  async threshold(userId: string, currency: string): Promise<bigint | null> {
    const row = await this.db.largeTransactionThreshold.findUnique({ where: { userId_currency: { userId, currency } } });
    return row?.minMinor ?? null;
  }

  listThresholds(userId: string): Promise<ThresholdRecord[]> {
    return this.db.largeTransactionThreshold.findMany({
      where: { userId },
      select: { currency: true, minMinor: true },
      orderBy: { currency: 'asc' },
    });
  }

  async setThreshold(userId: string, currency: string, minMinor: bigint): Promise<void> {
    const write = () =>
      this.db.largeTransactionThreshold.upsert({
        where: { userId_currency: { userId, currency } },
        create: { userId, currency, minMinor },
        update: { minMinor },
      });
    try {
      await write();
    } catch (error) {
      // Two concurrent first writes: the loser finds the winner's row and updates it.
      if (isUniqueViolation(error)) await write();
      else throw error;
    }
  }
}
