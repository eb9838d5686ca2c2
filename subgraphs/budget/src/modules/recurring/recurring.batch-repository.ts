import type { BudgetBatchTx } from '../../db.js';
import type { RecurringBillSource, RecurringBillStatus } from '../../generated/prisma/client.js';
import type { RecurringPeriod } from './detection.js';
import type { BillRecord, PayeePaymentRecord } from './recurring.repository.js';

interface BillRow {
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
  created_at: Date;
}

const BILL_COLUMNS = `id::text, user_id::text, name, payee, period, amount_minor, currency, category_id::text,
  to_char(last_date, 'YYYY-MM-DD') AS last_date, to_char(next_date, 'YYYY-MM-DD') AS next_date, status, source, remind_days_before, created_at`;

const toRecord = (r: BillRow): BillRecord => ({
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
  createdAt: r.created_at,
});

/**
 * RecurringRepository's work for a batch of transaction events (bill-tracker.ts inBatch), in
 * plain pg inside the batch's transaction (BudgetBatchTx): the same rows, one statement each.
 */
export class RecurringBatchRepository {
  constructor(private readonly tx: BudgetBatchTx) {}

  /** As RecurringRepository.recordPayments: writes these payees (insert or replace), forgets those of `removed`. */
  async recordPayments(upserts: readonly PayeePaymentRecord[], removed: readonly string[]): Promise<void> {
    if (removed.length > 0) await this.tx.query('DELETE FROM payee_payments WHERE transaction_id = ANY($1::uuid[])', [removed]);
    if (upserts.length === 0) return;
    const column = <T>(of: (p: PayeePaymentRecord) => T) => upserts.map(of);
    await this.tx.query(
      `INSERT INTO payee_payments (transaction_id, user_id, payee, description, category_id, day, currency, amount_minor)
      SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::date[], $7::text[], $8::bigint[])
      ON CONFLICT (transaction_id) DO UPDATE SET payee = EXCLUDED.payee, description = EXCLUDED.description,
        category_id = EXCLUDED.category_id, day = EXCLUDED.day, currency = EXCLUDED.currency, amount_minor = EXCLUDED.amount_minor`,
      [
        column((p) => p.transactionId), column((p) => p.userId), column((p) => p.payee), column((p) => p.description),
        column((p) => p.categoryId), column((p) => p.day), column((p) => p.currency), column((p) => p.amountMinor.toString()),
      ],
    );
  }

  /** The user's confirmed bills, in RecurringRepository.list's order. */
  async listConfirmed(userId: string): Promise<BillRecord[]> {
    const { rows } = await this.tx.query<BillRow>(
      `SELECT ${BILL_COLUMNS} FROM recurring_bills WHERE user_id = $1::uuid AND status = 'CONFIRMED' ORDER BY next_date, name, id`,
      [userId],
    );
    return rows.map(toRecord);
  }

  /** As RecurringRepository.lockForUser: the user's bills of these ids, locked in id order until the transaction ends. */
  async lockForUser(userId: string, ids: readonly string[]): Promise<BillRecord[]> {
    const { rows } = await this.tx.query<BillRow>(
      `SELECT ${BILL_COLUMNS} FROM (
        SELECT * FROM recurring_bills WHERE user_id = $1::uuid AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE
      ) b ORDER BY next_date, id`,
      [userId, ids],
    );
    return rows.map(toRecord);
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
