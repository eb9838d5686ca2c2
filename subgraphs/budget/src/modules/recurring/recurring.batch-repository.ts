import type { BudgetBatchTx } from '../../db.js';
import type { RecurringBillSource, RecurringBillStatus } from '../../generated/prisma/client.js';
import type { RecurringPeriod } from './detection.js';
import type { BillRecord } from './recurring.repository.js';

/** A recurring_bills row as BILL_COLUMNS reads it (created_at: a Date from pg, an ISO string from JSON). */
export interface BillRow {
  id: string;
  user_id: string;
  name: string;
  payee: string;
  period: RecurringPeriod;
  amount_minor: string;
  currency: string;
  category_id: string | null;
  last_date: string | null;
  next_date: string;
  status: RecurringBillStatus;
  source: RecurringBillSource;
  remind_days_before: number;
  created_at: Date | string;
}

export const BILL_COLUMNS = `id::text, user_id::text, name, payee, period, amount_minor, currency, category_id::text,
  to_char(last_date, 'YYYY-MM-DD') AS last_date, to_char(next_date, 'YYYY-MM-DD') AS next_date, status, source, remind_days_before, created_at`;

export const toBillRecord = (r: BillRow): BillRecord => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  payee: r.payee,
  period: r.period,
  amountMinor: BigInt(r.amount_minor),
  currency: r.currency,
  categoryId: r.category_id,
  lastDate: r.last_date,
  nextDate: r.next_date,
  status: r.status,
  source: r.source,
  remindDaysBefore: r.remind_days_before,
  createdAt: new Date(r.created_at),
});

/**
 * RecurringRepository's work for a batch of transaction events (bill-tracker.ts inBatch), in
 * plain pg inside the batch's transaction (BudgetBatchTx): the same rows, one statement each. The
 * payee rows are written by the batch's write statement (spending/batch-write.ts), the bills read
 * by its first (spending/batch-context.ts).
 */
export class RecurringBatchRepository {
  constructor(private readonly tx: BudgetBatchTx) {}

  /** As RecurringRepository.lockForUser: the user's bills of these ids, locked in id order until the transaction ends. */
  async lockForUser(userId: string, ids: readonly string[]): Promise<BillRecord[]> {
    const { rows } = await this.tx.query<BillRow>(
      `SELECT ${BILL_COLUMNS} FROM (
        SELECT * FROM recurring_bills WHERE user_id = $1::uuid AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE
      ) b ORDER BY next_date, id`,
      [userId, ids],
    );
    return rows.map(toBillRecord);
  }

  /** A payment's move of a bill: its last and next dates, and the amount it now expects when that changed. */
  async advance(userId: string, id: string, change: { lastDate?: string | null; nextDate?: string; amountMinor?: bigint }): Promise<void> {
    await this.tx.query(
      `UPDATE recurring_bills SET last_date = COALESCE($3::date, last_date), next_date = COALESCE($4::date, next_date),
        amount_minor = COALESCE($5::bigint, amount_minor), updated_at = now()
      WHERE id = $1::uuid AND user_id = $2::uuid`,
      [id, userId, change.lastDate ?? null, change.nextDate ?? null, change.amountMinor?.toString() ?? null],
    );
  }
}
