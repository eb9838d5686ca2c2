import { notFound } from '@centavo/errors';
import { isUuid, requireUser, type ObjectResolvers } from '@centavo/server';
import type { MutationResolvers, QueryResolvers, RuleResolvers } from '../../resolvers.generated.js';
import type { RuleRecord } from './rules.repository.js';

const Query = {
  rules: (_, __, ctx) => ctx.rules.list(requireUser(ctx).id),
} satisfies QueryResolvers;

const Mutation = {
  createRule: (_, { input }, ctx) => {
    const user = requireUser(ctx);
    if (!isUuid(input.categoryId)) throw notFound('Category');
    return ctx.rules.create(user.id, input);
  },
  deleteRule: (_, { id }, ctx) => {
    const user = requireUser(ctx);
    if (!isUuid(id)) throw notFound('Rule');
    return ctx.rules.delete(user.id, id);
  },
} satisfies MutationResolvers;

const RuleType = {
  __resolveReference: (ref, ctx) => {
    requireUser(ctx);
    return isUuid(ref.id) ? ctx.loaders.rule.load(ref.id) : null;
  },
  minAmount: (rule) => rule.minAmount?.toString() ?? null,
  maxAmount: (rule) => rule.maxAmount?.toString() ?? null,
  category: (rule) => ({ __typename: 'Category', id: rule.categoryId }),
} satisfies ObjectResolvers<RuleResolvers, RuleRecord>;

export const rulesResolvers = { Query, Mutation, Rule: RuleType };
