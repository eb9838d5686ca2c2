import { money } from '@centavo/money';
import { requireUser } from '@centavo/server';
import type { BudgetContext } from '../../context.js';
import type { Interval } from './periods.js';

interface RangeArgs {
  from: string;
  to: string;
  currency: string;
}

interface CategorySpendingView {
  categoryId: string | null;
  total: { amount: string; currency: string };
  count: number;
}

export const spendingResolvers = {
  Query: {
    spendingByCategory: async (_: unknown, args: RangeArgs, ctx: BudgetContext): Promise<CategorySpendingView[]> => {
      const { currency, totals } = await ctx.spending.spendingByCategory(requireUser(ctx).id, args);
      return totals.map((t) => ({ categoryId: t.categoryId, total: money(t.netMinor, currency), count: t.count }));
    },
    cashFlow: async (_: unknown, args: RangeArgs & { interval?: Interval | null }, ctx: BudgetContext) => {
      const { currency, points } = await ctx.spending.cashFlow(requireUser(ctx).id, { ...args, interval: args.interval ?? 'MONTH' });
      return points.map((p) => ({
        periodStart: p.periodStart,
        income: money(p.incomeMinor, currency),
        expenses: money(p.expenseMinor, currency),
        net: money(p.incomeMinor - p.expenseMinor, currency),
      }));
    },
  },
  CategorySpending: {
    category: (row: CategorySpendingView, _: unknown, ctx: BudgetContext) =>
      row.categoryId ? ctx.loaders.category.load(row.categoryId) : null,
  },
};
