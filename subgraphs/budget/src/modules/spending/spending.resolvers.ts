import { money } from '@centavo/money';
import { requireUser, type ObjectResolvers } from '@centavo/server';
import type { CashFlowPointResolvers, CategorySpendingResolvers, QueryResolvers, TagSpendingResolvers } from '../../resolvers.generated.js';
import { conversionView, currencyConversionViews } from '../rates/rates.resolvers.js';
import type { CashFlowPointView, CategorySpendingView, TagSpendingView } from './spending.service.js';

const Query = {
  spendingByCategory: async (_, args, ctx) => {
    const { currency, totals } = await ctx.spending.spendingByCategory(requireUser(ctx).id, args);
    return totals.map((t): CategorySpendingView => ({
      categoryId: t.categoryId,
      total: money(t.netMinor, currency),
      count: t.count,
      conversions: async () => (await t.conversions()).map((c) => conversionView(c, ([net]) => net!)),
      conversionTotals: currencyConversionViews(t.conversionTotals, currency, ([net]) => net!),
    }));
  },
  spendingByTag: async (_, args, ctx) => {
    const { currency, totals } = await ctx.spending.spendingByTag(requireUser(ctx).id, args);
    return totals.map((t): TagSpendingView => ({
      tag: t.tag,
      total: money(t.expenseMinor - t.incomeMinor, currency),
      expenses: money(t.expenseMinor, currency),
      income: money(t.incomeMinor, currency),
      count: t.count,
      conversions: async () => (await t.conversions()).map((c) => conversionView(c, ([expense, income]) => expense! - income!)),
      conversionTotals: currencyConversionViews(t.conversionTotals, currency, ([expense, income]) => expense! - income!),
    }));
  },
  cashFlow: async (_, args, ctx) => {
    const { currency, points } = await ctx.spending.cashFlow(requireUser(ctx).id, { ...args, interval: args.interval ?? 'MONTH' });
    return points.map((p): CashFlowPointView => ({
      periodStart: p.periodStart,
      income: money(p.incomeMinor, currency),
      expenses: money(p.expenseMinor, currency),
      net: money(p.incomeMinor - p.expenseMinor, currency),
      conversions: async () => (await p.conversions()).map((c) => conversionView(c, ([income, expense]) => income! - expense!)),
      conversionTotals: currencyConversionViews(p.conversionTotals, currency, ([income, expense]) => income! - expense!),
    }));
  },
} satisfies QueryResolvers;

const CategorySpendingType = {
  category: (row, _, ctx) => (row.categoryId ? ctx.loaders.category.load(row.categoryId) : null),
  conversions: (row) => row.conversions(),
} satisfies ObjectResolvers<CategorySpendingResolvers, CategorySpendingView>;

const TagSpendingType = {
  conversions: (row) => row.conversions(),
} satisfies ObjectResolvers<TagSpendingResolvers, TagSpendingView>;

const CashFlowPointType = {
  conversions: (row) => row.conversions(),
} satisfies ObjectResolvers<CashFlowPointResolvers, CashFlowPointView>;

export const spendingResolvers = { Query, CategorySpending: CategorySpendingType, TagSpending: TagSpendingType, CashFlowPoint: CashFlowPointType };
