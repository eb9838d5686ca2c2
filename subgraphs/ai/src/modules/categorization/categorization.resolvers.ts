import { badInput } from '@centavo/errors';
import { MoneyError, parseScaled } from '@centavo/money';
import { isUuid, requireUser } from '@centavo/server';
import type { AiContext } from '../../context.js';
import { RULE_AMOUNT_SCALE } from '../rules/rules.service.js';
import type { CategorizationRecord } from './categorization.repository.js';

const category = (id: string) => ({ __typename: 'Category', id });

export const categorizationResolvers = {
  Query: {
    suggestCategories: async (
      _: unknown,
      args: { description: string; amount: string; limit?: number | null },
      ctx: AiContext,
    ) => {
      const user = requireUser(ctx);
      const limit = args.limit ?? 3;
      if (!Number.isInteger(limit) || limit < 1 || limit > 29) throw badInput('limit', 'limit must be between 1 and 29');
      if (!args.description.trim()) throw badInput('description', 'description must not be empty');
      if (args.description.length > 500) throw badInput('description', 'description must have at most 500 characters');
      let scaled: bigint;
      try {
        scaled = parseScaled(args.amount, RULE_AMOUNT_SCALE);
      } catch (error) {
        if (error instanceof MoneyError) throw badInput('amount', `amount: ${error.message}`);
        throw error;
      }
      const suggestions = await ctx.categorization.suggest(
        user.id,
        { description: args.description, cents: scaled / 100n, absScaled: scaled < 0n ? -scaled : scaled },
        limit,
      );
      return suggestions.map((s) => ({ category: category(s.categoryId), confidence: s.confidence }));
    },
  },
  Transaction: {
    __resolveReference: async (ref: { id: string }, ctx: AiContext) => {
      requireUser(ctx);
      return { id: ref.id, decision: isUuid(ref.id) ? await ctx.loaders.categorization.load(ref.id) : null };
    },
    categorization: (t: { decision: CategorizationRecord | null }) =>
      t.decision?.categoryId
        ? {
            category: category(t.decision.categoryId),
            confidence: t.decision.confidence,
            source: t.decision.source,
            explanation: t.decision.explanation,
            modelVersion: t.decision.modelVersion,
          }
        : null,
    suggestions: (t: { decision: CategorizationRecord | null }) =>
      (t.decision?.suggestions ?? []).map((s) => ({ category: category(s.categoryId), confidence: s.confidence })),
  },
};
