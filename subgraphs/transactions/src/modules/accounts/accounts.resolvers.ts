import { notFound } from '@centavo/errors';
import { isUuid, requireUser } from '@centavo/server';
import type { TransactionsContext } from '../../context.js';
import type { AccountRecord } from './accounts.repository.js';
import type { CreateAccountInput, UpdateAccountInput } from './accounts.service.js';

const uuidOrNotFound = (id: string) => {
  if (!isUuid(id)) throw notFound('Account');
  return id;
};

export const accountsResolvers = {
  Query: {
    accounts: (_: unknown, args: { includeArchived?: boolean | null }, ctx: TransactionsContext) =>
      ctx.accountsRepo.listByUser(requireUser(ctx).id, args.includeArchived ?? false),
    account: async (_: unknown, args: { id: string }, ctx: TransactionsContext) => {
      requireUser(ctx);
      const account = await ctx.loaders.account.load(uuidOrNotFound(args.id));
      if (!account) throw notFound('Account');
      return account;
    },
  },
  Mutation: {
    createAccount: (_: unknown, args: { input: CreateAccountInput }, ctx: TransactionsContext) =>
      ctx.accounts.create(requireUser(ctx).id, args.input),
    updateAccount: (_: unknown, args: { id: string; input: UpdateAccountInput }, ctx: TransactionsContext) =>
      ctx.accounts.update(requireUser(ctx).id, uuidOrNotFound(args.id), args.input),
  },
  Account: {
    __resolveReference: (ref: { id: string }, ctx: TransactionsContext) => {
      requireUser(ctx);
      return isUuid(ref.id) ? ctx.loaders.account.load(ref.id) : null;
    },
    owner: (account: AccountRecord) => ({ __typename: 'User', id: account.userId }),
    createdAt: (account: AccountRecord) => account.createdAt.toISOString(),
  },
};
