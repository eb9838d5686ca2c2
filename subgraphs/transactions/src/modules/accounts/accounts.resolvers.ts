import { notFound } from '@centavo/errors';
import { money } from '@centavo/money';
import { isUuid, requireUser, selectsField, type ObjectResolvers } from '@centavo/server';
import type { AccountResolvers, MutationResolvers, NetWorthMonthResolvers, QueryResolvers } from '../../resolvers.generated.js';
import type { AccountRecord } from './accounts.repository.js';
import type { NetWorthMonthRecord } from './net-worth.js';

const uuidOrNotFound = (id: string) => {
  if (!isUuid(id)) throw notFound('Account');
  return id;
};

const Query = {
  accounts: (_, { includeArchived }, ctx, info) => {
    const userId = requireUser(ctx).id;
    const archived = includeArchived ?? false;
    // The balances with the listing (one statement); the account loader serves the listed rows too.
    const listing = selectsField(info, 'balance')
      ? ctx.accounts.listWithSums(userId, archived).then(({ accounts, sums }) => {
          for (const [id, sum] of sums ?? []) ctx.loaders.accountSum.prime(id, sum);
          return accounts;
        })
      : ctx.accounts.list(userId, archived);
    ctx.loaders.listedAccounts(listing);
    return listing;
  },
  netWorthByMonth: (_, { from, to }, ctx) => ctx.accounts.netWorthByMonth(requireUser(ctx).id, from, to),
  account: async (_, { id }, ctx) => {
    requireUser(ctx);
    const account = await ctx.loaders.account.load(uuidOrNotFound(id));
    if (!account) throw notFound('Account');
    return account;
  },
} satisfies QueryResolvers;

const Mutation = {
  createAccount: (_, { input }, ctx) => ctx.accounts.create(requireUser(ctx).id, input),
  updateAccount: (_, { id, input }, ctx) => ctx.accounts.update(requireUser(ctx).id, uuidOrNotFound(id), input),
} satisfies MutationResolvers;

// Account.transactions is served by the transactions module, role and shares by the shares module.
const AccountType = {
  __resolveReference: (ref, ctx) => {
    requireUser(ctx);
    return isUuid(ref.id) ? ctx.loaders.account.load(ref.id) : null;
  },
  // A member reading a shared account may then see its owner's profile (auth asks for the grant).
  owner: async (account, _, ctx) => {
    if (ctx.user && account.userId !== ctx.user.id) await ctx.loaders.ownerProfile.load(account.userId);
    return { __typename: 'User' as const, id: account.userId };
  },
  balance: async (a, _, ctx) => money(a.openingBalanceMinor + (await ctx.loaders.accountSum.load(a.id)), a.currency),
  createdAt: (account) => account.createdAt.toISOString(),
} satisfies ObjectResolvers<Omit<AccountResolvers, 'transactions' | 'role' | 'shares'>, AccountRecord>;

const NetWorthMonthType = {
  __resolveReference: async (ref, ctx) => {
    const [month] = await ctx.accounts.netWorthByMonth(requireUser(ctx).id, ref.id, ref.id);
    return month ?? null;
  },
  id: (m) => m.month,
  balances: (m) => m.balances.map((b) => money(b.minor, b.currency)),
} satisfies ObjectResolvers<NetWorthMonthResolvers, NetWorthMonthRecord>;

export const accountsResolvers = { Query, Mutation, Account: AccountType, NetWorthMonth: NetWorthMonthType };
