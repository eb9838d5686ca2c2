import { notFound } from '@centavo/errors';
import { isUuid, requireUser } from '@centavo/server';
import type { AiContext } from '../../context.js';
import type { RuleRecord } from './rules.repository.js';
import type { RuleInput } from './rules.service.js';

export const rulesResolvers = {
  Query: {
    rules: (_: unknown, __: unknown, ctx: AiContext) => ctx.rulesRepo.listByUser(requireUser(ctx).id),
  },
  Mutation: {
    createRule: (_: unknown, args: { input: RuleInput }, ctx: AiContext) => {
      const user = requireUser(ctx);
      if (!isUuid(args.input.categoryId)) throw notFound('Category');
      return ctx.rules.create(user, args.input, ctx.requestId);
    },
    deleteRule: (_: unknown, args: { id: string }, ctx: AiContext) => {
      const user = requireUser(ctx);
      if (!isUuid(args.id)) throw notFound('Rule');
      return ctx.rules.delete(user.id, args.id);
    },
  },
  Rule: {
    __resolveReference: (ref: { id: string }, ctx: AiContext) => {
      requireUser(ctx);
      return isUuid(ref.id) ? ctx.loaders.rule.load(ref.id) : null;
    },
    minAmount: (rule: RuleRecord) => rule.minAmount?.toString() ?? null,
    maxAmount: (rule: RuleRecord) => rule.maxAmount?.toString() ?? null,
    category: (rule: RuleRecord) => ({ __typename: 'Category', id: rule.categoryId }),
  },
};
