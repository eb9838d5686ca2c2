import { advisoryXactLock, retryOnConflict } from '@centavo/db';
import { rootClient, type BudgetDb } from '../../db.js';
import { Prisma } from '../../generated/prisma/client.js';

export interface BudgetRecord {
  id: string;
  userId: string;
  categoryId: string;
  month: string;
  limitMinor: bigint;
  currency: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Where a transaction's spending lands: its category (null when uncategorized), month and currency. */
export interface SpendingKey {
  categoryId: string | null;
  /** "YYYY-MM" */
  month: string;
  currency: string;
}

/** What the worker needs of a budget to tell its subscribers and check its thresholds. */
export interface CoveringBudget {
  id: string;
  categoryId: string;
  month: string;
  limitMinor: bigint;
  currency: string;
}

export class BudgetsRepository {
  constructor(private readonly prisma: BudgetDb) {}

  /**
   * Replaces the budget of (user, category, month), keeping its id, or creates it unless the
   * user already has `max` budgets; null then. Under the user's advisory lock, so concurrent
   * writes neither overshoot the cap nor race to insert the same budget twice.
   */
  upsertWithin(max: number, data: { userId: string; categoryId: string; month: string; limitMinor: bigint; currency: string }): Promise<BudgetRecord | null> {
    const db = rootClient(this.prisma);
    return retryOnConflict(() =>
      db.$transaction(async (tx) => {
        await advisoryXactLock(tx, 'budgets-quota', data.userId);
        const key = { userId_categoryId_month: { userId: data.userId, categoryId: data.categoryId, month: data.month } };
        if (await tx.budget.findUnique({ where: key, select: { id: true } })) {
          return tx.budget.update({ where: key, data: { limitMinor: data.limitMinor, currency: data.currency } });
        }
        if ((await tx.budget.count({ where: { userId: data.userId } })) >= max) return null;
        return tx.budget.create({ data });
      }),
    );
  }

  findManyForUser(userId: string, ids: readonly string[]): Promise<BudgetRecord[]> {
    return this.prisma.budget.findMany({ where: { userId, id: { in: [...ids] } } });
  }

  listByMonth(userId: string, month: string): Promise<BudgetRecord[]> {
    return this.prisma.budget.findMany({ where: { userId, month }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  async deleteForUser(userId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.budget.deleteMany({ where: { id, userId } });
    return count > 0;
  }

  /**
   * Net money out (expenses − incomes, may be negative) of many budgets in one query: the
   * budget's category and its direct children, in the budget's currency and month.
   */
  async netSpentFor(userId: string, ids: readonly string[]): Promise<Map<string, bigint>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.$queryRaw<{ id: string; net: bigint | string }[]>`
      SELECT b.id::text AS id, COALESCE(SUM(s.expense_minor - s.income_minor), 0)::bigint AS net
      FROM budgets b
      LEFT JOIN categories c ON c.user_id = b.user_id AND (c.id = b.category_id OR c.parent_id = b.category_id)
      LEFT JOIN daily_spending s ON s.user_id = b.user_id AND s.category_key = c.id AND s.currency = b.currency
        AND s.day >= to_date(b.month, 'YYYY-MM') AND s.day < (to_date(b.month, 'YYYY-MM') + interval '1 month')
      WHERE b.user_id = ${userId}::uuid AND b.id IN (${Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`))})
      GROUP BY b.id`;
    return new Map(rows.map((r) => [r.id, BigInt(r.net)]));
  }

  /**
   * The budgets spending at these keys counts in: of the key's month and currency, on its
   * category or on the category's parent (subcategories roll up). With `lock`, the rows are
   * locked in id order, so changes that move the same budget run one after the other.
   */
  async covering(userId: string, keys: readonly SpendingKey[], options: { lock?: boolean } = {}): Promise<CoveringBudget[]> {
    const known = keys.filter((k): k is SpendingKey & { categoryId: string } => k.categoryId !== null);
    if (known.length === 0) return [];
    const match = Prisma.join(
      known.map((k) => Prisma.sql`(c.id = ${k.categoryId}::uuid AND b.month = ${k.month} AND b.currency = ${k.currency})`),
      ' OR ',
    );
    const rows = await this.prisma.$queryRaw<{ id: string; category_id: string; month: string; limit_minor: bigint | string; currency: string }[]>`
      SELECT id::text, category_id::text, month, limit_minor, currency FROM budgets
      WHERE id IN (
        SELECT b.id FROM budgets b
        JOIN categories c ON c.user_id = b.user_id AND (c.id = b.category_id OR c.parent_id = b.category_id)
        WHERE b.user_id = ${userId}::uuid AND (${match}))
      ORDER BY id ${options.lock ? Prisma.sql`FOR UPDATE` : Prisma.empty}`;
    return rows.map((r) => ({ id: r.id, categoryId: r.category_id, month: r.month, limitMinor: BigInt(r.limit_minor), currency: r.currency }));
  }
}
