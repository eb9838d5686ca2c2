import type { BudgetBatchTx } from '../../db.js';
import type { CoveringBudget, SpendingKey } from './budgets.repository.js';

/**
 * BudgetsRepository's reads of a batch of transaction events (the alerts), in plain pg inside
 * the batch's transaction (BudgetBatchTx): the same rows, one statement each.
 */
export class BudgetsBatchRepository {
  constructor(private readonly tx: BudgetBatchTx) {}

  /** As BudgetsRepository.covering with `lock`: rows locked in id order. */
  async coveringLocked(userId: string, keys: readonly SpendingKey[]): Promise<CoveringBudget[]> {
    const known = keys.filter((k): k is SpendingKey & { categoryId: string } => k.categoryId !== null);
    if (known.length === 0) return [];
    const { rows } = await this.tx.query<{ id: string; category_id: string; month: string; limit_minor: string; currency: string }>(
      `SELECT id::text, category_id::text, month, limit_minor, currency FROM budgets
      WHERE id IN (
        SELECT b.id FROM budgets b
        JOIN categories c ON c.user_id = b.user_id AND (c.id = b.category_id OR c.parent_id = b.category_id)
        JOIN unnest($2::uuid[], $3::text[], $4::text[]) AS k(category_id, month, currency)
          ON c.id = k.category_id AND b.month = k.month AND b.currency = k.currency
        WHERE b.user_id = $1::uuid)
      ORDER BY id FOR UPDATE`,
      [userId, known.map((k) => k.categoryId), known.map((k) => k.month), known.map((k) => k.currency)],
    );
    return rows.map((r) => ({ id: r.id, categoryId: r.category_id, month: r.month, limitMinor: BigInt(r.limit_minor), currency: r.currency }));
  }

  /** As BudgetsRepository.netSpentFor: each budget's net spending in its month, subcategories included. */
  async netSpentFor(userId: string, ids: readonly string[]): Promise<Map<string, bigint>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.tx.query<{ id: string; net: string }>(
      `SELECT b.id::text AS id, COALESCE(SUM(s.expense_minor - s.income_minor), 0)::bigint AS net
      FROM budgets b
      LEFT JOIN categories c ON c.user_id = b.user_id AND (c.id = b.category_id OR c.parent_id = b.category_id)
      LEFT JOIN daily_spending s ON s.user_id = b.user_id AND s.category_key = c.id AND s.currency = b.currency
        AND s.day >= to_date(b.month, 'YYYY-MM') AND s.day < (to_date(b.month, 'YYYY-MM') + interval '1 month')
      WHERE b.user_id = $1::uuid AND b.id = ANY($2::uuid[])
      GROUP BY b.id`,
      [userId, ids],
    );
    return new Map(rows.map((r) => [r.id, BigInt(r.net)]));
  }
}
