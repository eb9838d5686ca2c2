import { isUniqueViolation } from '@centavo/db';
import type { BudgetPrisma } from '../../db.js';
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

export class BudgetsRepository {
  constructor(private readonly prisma: BudgetPrisma) {}

  /** Creates or replaces the budget of (user, category, month); the id survives a replace. */
  async upsert(data: { userId: string; categoryId: string; month: string; limitMinor: bigint; currency: string }): Promise<BudgetRecord> {
    const write = () =>
      this.prisma.budget.upsert({
        where: { userId_categoryId_month: { userId: data.userId, categoryId: data.categoryId, month: data.month } },
        create: data,
        update: { limitMinor: data.limitMinor, currency: data.currency },
      });
    try {
      return await write();
    } catch (error) {
      // Two concurrent first writes: the loser finds the winner's row and updates it.
      if (isUniqueViolation(error)) return write();
      throw error;
    }
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
}
