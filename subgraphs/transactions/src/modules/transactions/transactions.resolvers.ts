import { notFound } from '@centavo/errors';
import { money } from '@centavo/money';
import { isUuid, requireUser, selectsField, type ObjectResolvers } from '@centavo/server';
import type {
  AccountResolvers,
  MutationResolvers,
  QueryResolvers,
  TransactionConnectionResolvers,
  TransactionResolvers,
} from '../../resolvers.generated.js';
import { isoDay } from '../outbox/outbox.events.js';
import { splitFieldsOfTransaction } from '../splits/splits.resolvers.js';
import type { TransactionPage } from './pagination.js';
import { toFilter } from './transaction-filter.js';
import type { TransactionRecord } from './transactions.repository.js';

const txId = (id: string) => {
  if (!isUuid(id)) throw notFound('Transaction');
  return id;
};

const Query = {
  transaction: async (_, { id }, ctx) => {
    requireUser(ctx);
    const row = await ctx.loaders.transaction.load(txId(id));
    if (!row) throw notFound('Transaction');
    return row;
  },
  transactions: (_, { filter, first, after }, ctx, info) =>
    ctx.transactions.list(requireUser(ctx), toFilter(filter), first, after, selectsField(info, 'totalCount')),
} satisfies QueryResolvers;

const Mutation = {
  createTransaction: (_, { input }, ctx) => {
    const user = requireUser(ctx);
    if (!isUuid(input.accountId)) throw notFound('Account');
    if (input.categoryId && !isUuid(input.categoryId)) throw notFound('Category');
    return ctx.transactions.create(user, input, ctx.requestId);
  },
  updateTransaction: (_, { id, input }, ctx) => ctx.transactions.update(requireUser(ctx), txId(id), input, ctx.requestId),
  deleteTransaction: (_, { id }, ctx) => ctx.transactions.delete(requireUser(ctx), txId(id), ctx.requestId),
  createTransfer: (_, { input }, ctx) => {
    const user = requireUser(ctx);
    if (!isUuid(input.fromAccountId) || !isUuid(input.toAccountId)) throw notFound('Account');
    return ctx.transactions.transfer(user, input, ctx.requestId);
  },
  categorizeTransaction: (_, { id, categoryId }, ctx) => {
    const user = requireUser(ctx);
    if (!isUuid(categoryId)) throw notFound('Category');
    return ctx.transactions.categorize(user, txId(id), categoryId, ctx.requestId);
  },
} satisfies MutationResolvers;

const TransactionType = {
  __resolveReference: (ref, ctx) => {
    requireUser(ctx);
    return isUuid(ref.id) ? ctx.loaders.transaction.load(ref.id) : null;
  },
  account: async (t, _, ctx) => {
    const account = await ctx.loaders.account.load(t.accountId);
    // The account of a transaction the caller can read is the caller's: it cannot be missing.
    if (!account) throw notFound('Account');
    return account;
  },
  amount: (t) => money(t.amountMinor, t.currency),
  date: (t) => isoDay(t.date),
  category: (t) => (t.categoryId ? { __typename: 'Category', id: t.categoryId } : null),
  transferPeer: (t, _, ctx) => (t.transferPeerId ? ctx.loaders.transaction.load(t.transferPeerId) : null),
  createdAt: (t) => t.createdAt.toISOString(),
  updatedAt: (t) => t.updatedAt.toISOString(),
  ...splitFieldsOfTransaction,
} satisfies ObjectResolvers<TransactionResolvers, TransactionRecord>;

const TransactionConnectionType = {
  totalCount: (page) => page.totalCount(),
} satisfies ObjectResolvers<TransactionConnectionResolvers, TransactionPage>;

/** The field of Account this module adds (transactions.graphql extends the type). */
const AccountType = {
  transactions: (a, { first, after }, ctx, info) => ctx.transactions.list(requireUser(ctx), { accountId: a.id }, first, after, selectsField(info, 'totalCount')),
} satisfies Required<Pick<AccountResolvers, 'transactions'>>;

export const transactionsResolvers = {
  Query,
  Mutation,
  Transaction: TransactionType,
  TransactionConnection: TransactionConnectionType,
  Account: AccountType,
};
