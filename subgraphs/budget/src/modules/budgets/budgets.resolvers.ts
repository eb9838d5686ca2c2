import { notFound } from '@centavo/errors';
import { money } from '@centavo/money';
import { isUuid, requireUser, type ObjectResolvers } from '@centavo/server';
import type { BudgetContext } from '../../context.js';
import type { BudgetResolvers, MutationResolvers, QueryResolvers } from '../../resolvers.generated.js';
import { budgetProgress, budgetStatus } from './budget-status.js';
import type { BudgetRecord } from './budgets.repository.js';

const spentOf = (budget: BudgetRecord, ctx: BudgetContext) => ctx.loaders.budgetSpent.load(budget.id);

const Query = {
  budgets: (_, { month }, ctx) => ctx.budgets.list(requireUser(ctx).id, month),
  budget: async (_, { id }, ctx) => {
    requireUser(ctx);
    const budget = isUuid(id) ? await ctx.loaders.budget.load(id) : null;
    if (!budget) throw notFound('Budget');
    return budget;
  },
} satisfies QueryResolvers;

const Mutation = {
  setBudget: (_, { input }, ctx) => {
    const user = requireUser(ctx);
    return ctx.budgets.set(user.id, input, async (id) => (isUuid(id) ? ctx.loaders.category.load(id) : null));
  },
  deleteBudget: (_, { id }, ctx) => {
    const user = requireUser(ctx);
    if (!isUuid(id)) throw notFound('Budget');
    return ctx.budgets.delete(user.id, id);
  },
} satisfies MutationResolvers;

const BudgetType = {
  __resolveReference: (ref, ctx) => {
    requireUser(ctx);
    return isUuid(ref.id) ? ctx.loaders.budget.load(ref.id) : null;
  },
  category: async (budget, _, ctx) => {
    // The foreign key (cascade) keeps a budget's category; none would be a broken database.
    const category = await ctx.loaders.category.load(budget.categoryId);
    if (!category) throw new Error(`budget ${budget.id} has no category ${budget.categoryId}`);
    return category;
  },
  limit: (budget) => money(budget.limitMinor, budget.currency),
  spent: async (budget, _, ctx) => money(await spentOf(budget, ctx), budget.currency),
  remaining: async (budget, _, ctx) => money(budget.limitMinor - (await spentOf(budget, ctx)), budget.currency),
  progress: async (budget, _, ctx) => budgetProgress(await spentOf(budget, ctx), budget.limitMinor),
  status: async (budget, _, ctx) => budgetStatus(await spentOf(budget, ctx), budget.limitMinor),
} satisfies ObjectResolvers<BudgetResolvers, BudgetRecord>;

export const budgetsResolvers = { Query, Mutation, Budget: BudgetType };
