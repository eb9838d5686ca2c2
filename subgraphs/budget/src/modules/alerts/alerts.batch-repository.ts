import { randomUUID } from 'node:crypto';
import type { BudgetBatchTx } from '../../db.js';
import { subjectOf, type NewAlert } from './alerts.repository.js';

export type ExpenseDay = { categoryId: string; currency: string; day: string; amounts: bigint[]; mine: { transactionId: string; amountMinor: bigint }[] };

/**
 * AlertsRepository's work for a batch of transaction events (alert-raiser.ts), in plain pg
 * inside the batch's transaction (BudgetBatchTx): the same rows, one statement each.
 */
export class AlertsBatchRepository {
  constructor(private readonly tx: BudgetBatchTx) {}

  /** As AlertsRepository.raise: a (subject, type) the user already has is skipped. */
  async raise(alerts: readonly NewAlert[]): Promise<number> {
    if (alerts.length === 0) return 0;
    const column = <T>(of: (a: NewAlert) => T) => alerts.map(of);
    const { rowCount } = await this.tx.query(
      `INSERT INTO alerts (id, user_id, type, severity, message, subject_id, transaction_id, budget_id, month, bill_id)
      SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::"AlertType"[], $4::"Severity"[], $5::text[], $6::uuid[], $7::uuid[], $8::uuid[],
        $9::text[], $10::uuid[])
      ON CONFLICT DO NOTHING`,
      [
        column(() => randomUUID()), column((a) => a.userId), column((a) => a.type), column((a) => a.severity), column((a) => a.message),
        column(subjectOf), column((a) => a.transactionId), column((a) => a.budgetId), column((a) => a.month), column((a) => a.billId ?? null),
      ],
    );
    return rowCount ?? 0;
  }

  /**
   * The user's expenses (positive minor units) in these categories and days, one row per
   * category, currency and day with its amounts, so a batch spanning a year reads a few thousand
   * rows, not every expense. `mine` lists which of `transactionIds` are among them (and their
   * amounts, in the same order), so each can leave itself out of its own history.
   */
  async expenseDays(userId: string, filter: { categoryIds: readonly string[]; from: string; to: string; transactionIds: readonly string[] }): Promise<ExpenseDay[]> {
    const { rows } = await this.tx.query<{ category_id: string; currency: string; day: string; amounts: string; mine: string | null }>(
      `SELECT category_id::text, currency, to_char(day, 'YYYY-MM-DD') AS day,
        string_agg((-amount_minor)::text, ',') AS amounts,
        string_agg(transaction_id::text || ':' || (-amount_minor)::text, ',') FILTER (WHERE transaction_id = ANY($5::uuid[])) AS mine
      FROM transaction_ledger
      WHERE user_id = $1::uuid AND category_id = ANY($2::uuid[])
        AND day BETWEEN $3::date AND $4::date AND amount_minor < 0 AND NOT deleted AND NOT is_transfer
      GROUP BY category_id, currency, day`,
      [userId, filter.categoryIds, filter.from, filter.to, filter.transactionIds],
    );
    return rows.map((r) => ({
      categoryId: r.category_id,
      currency: r.currency,
      day: r.day,
      amounts: r.amounts.split(',').map(BigInt),
      mine: (r.mine?.split(',') ?? []).map((pair) => {
        const [transactionId, amount] = pair.split(':');
        return { transactionId: transactionId!, amountMinor: BigInt(amount!) };
      }),
    }));
  }
}
