import { notFound } from '@centavo/errors';
import { money } from '@centavo/money';
import { isUuid, requireUser } from '@centavo/server';
import type { TransactionsContext } from '../../context.js';
import type { AccountRecord } from '../accounts/accounts.repository.js';
import { isoDay } from '../outbox/outbox.events.js';
import { connection, decodeCursor, pageSize } from './pagination.js';
import { optionalText, parseDate } from './transaction-input.js';
import type { TransactionFilter, TransactionRecord } from './transactions.repository.js';
import type { CreateTransactionInput, CreateTransferInput, UpdateTransactionInput } from './transactions.service.js';

interface FilterInput {
  accountId?: string | null;
  categoryId?: string | null;
  from?: string | null;
  to?: string | null;
  search?: string | null;
  uncategorized?: boolean | null;
}

const NONE = '00000000-0000-0000-0000-000000000000';
// Searched with ILIKE over three columns: a bounded pattern keeps the query cheap.
const MAX_SEARCH_LENGTH = 200;

function toFilter(input: FilterInput | null | undefined): TransactionFilter {
  const f = input ?? {};
  return {
    // An id that is no UUID matches nothing, like another user's id.
    accountId: f.accountId ? (isUuid(f.accountId) ? f.accountId : NONE) : null,
    categoryId: f.categoryId ? (isUuid(f.categoryId) ? f.categoryId : NONE) : null,
    from: f.from ? parseDate(f.from, 'from') : null,
    to: f.to ? parseDate(f.to, 'to') : null,
    search: optionalText(f.search, 'search', MAX_SEARCH_LENGTH),
    uncategorized: f.uncategorized ?? null,
  };
}

const txId = (id: string) => {
  if (!isUuid(id)) throw notFound('Transaction');
  return id;
};

async function list(ctx: TransactionsContext, filter: TransactionFilter, first: number | null | undefined, after: string | null | undefined) {
  const user = requireUser(ctx);
  const size = pageSize(first);
  const rows = size === 0 ? [] : await ctx.transactionsRepo.page(user.id, filter, size, decodeCursor(after));
  return connection(rows, size, () => ctx.transactionsRepo.count(user.id, filter));
}

export const transactionsResolvers = {
  Query: {
    transaction: async (_: unknown, args: { id: string }, ctx: TransactionsContext) => {
      requireUser(ctx);
      const row = await ctx.loaders.transaction.load(txId(args.id));
      if (!row) throw notFound('Transaction');
      return row;
    },
    transactions: (_: unknown, args: { filter?: FilterInput | null; first?: number | null; after?: string | null }, ctx: TransactionsContext) =>
      list(ctx, toFilter(args.filter), args.first, args.after),
  },
  Mutation: {
    createTransaction: (_: unknown, args: { input: CreateTransactionInput }, ctx: TransactionsContext) => {
      const user = requireUser(ctx);
      if (!isUuid(args.input.accountId)) throw notFound('Account');
      if (args.input.categoryId && !isUuid(args.input.categoryId)) throw notFound('Category');
      return ctx.transactions.create(user, args.input, ctx.requestId);
    },
    updateTransaction: (_: unknown, args: { id: string; input: UpdateTransactionInput }, ctx: TransactionsContext) =>
      ctx.transactions.update(requireUser(ctx), txId(args.id), args.input, ctx.requestId),
    deleteTransaction: (_: unknown, args: { id: string }, ctx: TransactionsContext) =>
      ctx.transactions.delete(requireUser(ctx), txId(args.id), ctx.requestId),
    createTransfer: (_: unknown, args: { input: CreateTransferInput }, ctx: TransactionsContext) => {
      const user = requireUser(ctx);
      if (!isUuid(args.input.fromAccountId) || !isUuid(args.input.toAccountId)) throw notFound('Account');
      return ctx.transactions.transfer(user, args.input, ctx.requestId);
    },
    categorizeTransaction: (_: unknown, args: { id: string; categoryId: string }, ctx: TransactionsContext) => {
      const user = requireUser(ctx);
      if (!isUuid(args.categoryId)) throw notFound('Category');
      return ctx.transactions.categorize(user, txId(args.id), args.categoryId, ctx.requestId);
    },
  },
  Transaction: {
    __resolveReference: (ref: { id: string }, ctx: TransactionsContext) => {
      requireUser(ctx);
      return isUuid(ref.id) ? ctx.loaders.transaction.load(ref.id) : null;
    },
    account: (t: TransactionRecord, _: unknown, ctx: TransactionsContext) => ctx.loaders.account.load(t.accountId),
    amount: (t: TransactionRecord) => money(t.amountMinor, t.currency),
    date: (t: TransactionRecord) => isoDay(t.date),
    category: (t: TransactionRecord) => (t.categoryId ? { __typename: 'Category', id: t.categoryId } : null),
    transferPeer: (t: TransactionRecord, _: unknown, ctx: TransactionsContext) =>
      t.transferPeerId ? ctx.loaders.transaction.load(t.transferPeerId) : null,
    createdAt: (t: TransactionRecord) => t.createdAt.toISOString(),
    updatedAt: (t: TransactionRecord) => t.updatedAt.toISOString(),
  },
  Account: {
    balance: async (a: AccountRecord, _: unknown, ctx: TransactionsContext) =>
      money(a.openingBalanceMinor + (await ctx.loaders.accountSum.load(a.id)), a.currency),
    transactions: (a: AccountRecord, args: { first?: number | null; after?: string | null }, ctx: TransactionsContext) =>
      list(ctx, { accountId: a.id }, args.first, args.after),
  },
};
