import { notFound } from '@centavo/errors';
import { money } from '@centavo/money';
import { isUuid, requireUser, type ObjectResolvers } from '@centavo/server';
import type { MutationResolvers, TransactionSplitResolvers } from '../../resolvers.generated.js';
import { partsOf, type SplitPartView } from '../transactions/splits.js';
import type { TransactionRecord } from '../transactions/transactions.repository.js';

const txId = (id: string) => {
  if (!isUuid(id)) throw notFound('Transaction');
  return id;
};

const Mutation = {
  splitTransaction: (_, { id, parts }, ctx) => ctx.transactions.split(requireUser(ctx), txId(id), parts, ctx.requestId),
  clearSplit: (_, { id }, ctx) => ctx.transactions.clearSplit(requireUser(ctx), txId(id), ctx.requestId),
  tagTransaction: (_, { id, tags }, ctx) => ctx.transactions.retag(requireUser(ctx), txId(id), tags, 'add', ctx.requestId),
  untagTransaction: (_, { id, tags }, ctx) => ctx.transactions.retag(requireUser(ctx), txId(id), tags, 'remove', ctx.requestId),
} satisfies Pick<Required<MutationResolvers>, 'splitTransaction' | 'clearSplit' | 'tagTransaction' | 'untagTransaction'>;

/** The fields of Transaction this module adds (splits.graphql extends the type); served with the others. */
export const splitFieldsOfTransaction = {
  splits: (t: TransactionRecord): SplitPartView[] => (partsOf(t.splits) ?? []).map((p) => ({ ...p, currency: t.currency })),
  tags: (t: TransactionRecord): string[] => t.tags ?? [],
};

const TransactionSplitType = {
  amount: (p) => money(BigInt(p.amountMinor), p.currency),
  category: (p) => ({ __typename: 'Category', id: p.categoryId }),
} satisfies ObjectResolvers<TransactionSplitResolvers, SplitPartView>;

export const splitsResolvers = { Mutation, TransactionSplit: TransactionSplitType };
