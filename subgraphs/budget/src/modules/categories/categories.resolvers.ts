import { notFound } from '@centavo/errors';
import { isUuid, requireUser, type ObjectResolvers } from '@centavo/server';
import type { CategoryResolvers, MutationResolvers, QueryResolvers } from '../../resolvers.generated.js';
import type { CategoryRecord } from './categories.repository.js';

const Query = {
  categories: (_, __, ctx) => ctx.categories.list(requireUser(ctx).id),
} satisfies QueryResolvers;

const Mutation = {
  createCategory: (_, { input }, ctx) => {
    const user = requireUser(ctx);
    const loadParent = async (id: string) => {
      if (!isUuid(id)) throw notFound('Parent category');
      return ctx.loaders.category.load(id);
    };
    // The request id travels in the event, so the consumers' logs join this request's.
    return ctx.categories.create(user.id, input, loadParent, ctx.requestId);
  },
} satisfies MutationResolvers;

const CategoryType = {
  __resolveReference: (ref, ctx) => {
    requireUser(ctx);
    return isUuid(ref.id) ? ctx.loaders.category.load(ref.id) : null;
  },
  parent: (category, _, ctx) => (category.parentId ? ctx.loaders.category.load(category.parentId) : null),
} satisfies ObjectResolvers<CategoryResolvers, CategoryRecord>;

export const categoriesResolvers = { Query, Mutation, Category: CategoryType };
