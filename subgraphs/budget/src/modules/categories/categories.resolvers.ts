import { notFound } from '@centavo/errors';
import { isUuid, requireUser } from '@centavo/server';
import type { BudgetContext } from '../../context.js';
import type { CategoryKind } from '../../generated/prisma/client.js';
import type { CategoryRecord } from './categories.repository.js';

export const categoriesResolvers = {
  Query: {
    categories: (_: unknown, __: unknown, ctx: BudgetContext) => ctx.categories.list(requireUser(ctx).id),
  },
  Mutation: {
    createCategory: (
      _: unknown,
      args: { input: { name: string; kind: CategoryKind; parentId?: string | null } },
      ctx: BudgetContext,
    ) => {
      const user = requireUser(ctx);
      return ctx.categories.create(user.id, args.input, async (id) => {
        if (!isUuid(id)) throw notFound('Parent category');
        return ctx.loaders.category.load(id);
      });
    },
  },
  Category: {
    __resolveReference: (ref: { id: string }, ctx: BudgetContext) => {
      requireUser(ctx);
      return isUuid(ref.id) ? ctx.loaders.category.load(ref.id) : null;
    },
    parent: (category: CategoryRecord, _: unknown, ctx: BudgetContext) =>
      category.parentId ? ctx.loaders.category.load(category.parentId) : null,
  },
};
