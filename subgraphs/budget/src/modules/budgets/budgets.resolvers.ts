import { notFound } from '@centavo/errors';
import { money } from '@centavo/money';
import { isUuid, requireUser } from '@centavo/server';
import type { BudgetContext } from '../../context.js';
import { budgetProgress, budgetStatus } from './budget-status.js';
import type { BudgetRecord } from './budgets.repository.js';
import type { SetBudgetInput } from './budgets.service.js';

const spentOf = (budget: BudgetRecord, ctx: BudgetContext) => ctx.loaders.budgetSpent.load(budget.id);

export const budgetsResolvers = {
  Query: {
    budgets: (_: unknown, args: { month: string }, ctx: BudgetContext) => ctx.budgets.list(requireUser(ctx).id, args.month),
    budget: async (_: unknown, args: { id: string }, ctx: BudgetContext) => {
      requireUser(ctx);
      const budget = isUuid(args.id) ? await ctx.loaders.budget.load(args.id) : null;
      if (!budget) throw notFound('Budget');
      return budget;
    },
  },
  Mutation: {
    setBudget: (_: unknown, args: { input: SetBudgetInput }, ctx: BudgetContext) => {
      const user = requireUser(ctx);
      return ctx.budgets.set(user.id, args.input, async (id) => (isUuid(id) ? ctx.loaders.category.load(id) : null));
    },
    deleteBudget: (_: unknown, args: { id: string }, ctx: BudgetContext) => {
      const user = requireUser(ctx);
      if (!isUuid(args.id)) throw notFound('Budget');
      return ctx.budgets.delete(user.id, args.id);
    },
  },
  Budget: {
    __resolveReference: (ref: { id: string }, ctx: BudgetContext) => {
      requireUser(ctx);
      return isUuid(ref.id) ? ctx.loaders.budget.load(ref.id) : null;
    },
    category: (budget: BudgetRecord, _: unknown, ctx: BudgetContext) => ctx.loaders.category.load(budget.categoryId),
    limit: (budget: BudgetRecord) => money(budget.limitMinor, budget.currency),
    spent: async (budget: BudgetRecord, _: unknown, ctx: BudgetContext) => money(await spentOf(budget, ctx), budget.currency),
    remaining: async (budget: BudgetRecord, _: unknown, ctx: BudgetContext) =>
      money(budget.limitMinor - (await spentOf(budget, ctx)), budget.currency),
    progress: async (budget: BudgetRecord, _: unknown, ctx: BudgetContext) => budgetProgress(await spentOf(budget, ctx), budget.limitMinor),
    status: async (budget: BudgetRecord, _: unknown, ctx: BudgetContext) => budgetStatus(await spentOf(budget, ctx), budget.limitMinor),
  },
};
