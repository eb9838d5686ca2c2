import { badInput } from '@centavo/errors';
import { MoneyError, parseScaled } from '@centavo/money';
import { isUuid, requireUser, type ObjectResolvers } from '@centavo/server';
import type {
  Category,
  CategorizationResolvers,
  CategorySuggestionResolvers,
  QueryResolvers,
  TransactionResolvers,
} from '../../resolvers.generated.js';
import { RULE_AMOUNT_SCALE } from '../rules/rules.service.js';
import type { SuggestionRecord, SureDecision, TransactionDecision } from './categorization.repository.js';

const category = (id: string): Category => ({ __typename: 'Category', id });

/** A signed amount with up to RULE_AMOUNT_SCALE decimals, scaled; anything else is BAD_USER_INPUT on amount. */
function scaledAmount(amount: string): bigint {
  try {
    return parseScaled(amount, RULE_AMOUNT_SCALE);
  } catch (error) {
    if (error instanceof MoneyError) throw badInput('amount', `amount: ${error.message}`);
    throw error;
  }
}

const Query = {
  suggestCategories: (_, { description, amount, limit: given }, ctx) => {
    const user = requireUser(ctx);
    const limit = given ?? 3;
    if (!Number.isInteger(limit) || limit < 1 || limit > 29) throw badInput('limit', 'limit must be between 1 and 29');
    if (!description.trim()) throw badInput('description', 'description must not be empty');
    if (description.length > 500) throw badInput('description', 'description must have at most 500 characters');
    const scaled = scaledAmount(amount);
    return ctx.categorization.suggest(user.id, { description, cents: scaled / 100n, absScaled: scaled < 0n ? -scaled : scaled }, limit);
  },
} satisfies QueryResolvers;

const TransactionType = {
  __resolveReference: async (ref, ctx) => {
    requireUser(ctx);
    return { id: ref.id, decision: isUuid(ref.id) ? await ctx.loaders.categorization.load(ref.id) : null };
  },
  // An unsure decision (no category) is served as no categorization, with its suggestions.
  categorization: (t) => (t.decision?.categoryId ? { ...t.decision, categoryId: t.decision.categoryId } : null),
  suggestions: (t) => t.decision?.suggestions ?? [],
} satisfies ObjectResolvers<TransactionResolvers, TransactionDecision>;

const CategorizationType = {
  category: (d) => category(d.categoryId),
} satisfies ObjectResolvers<CategorizationResolvers, SureDecision>;

const CategorySuggestionType = {
  category: (s) => category(s.categoryId),
} satisfies ObjectResolvers<CategorySuggestionResolvers, SuggestionRecord>;

export const categorizationResolvers = {
  Query,
  Transaction: TransactionType,
  Categorization: CategorizationType,
  CategorySuggestion: CategorySuggestionType,
};
