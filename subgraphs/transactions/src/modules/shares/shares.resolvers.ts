import { notFound } from '@centavo/errors';
import { isUuid, requireUser, type ObjectResolvers } from '@centavo/server';
import type { AccountResolvers, AccountShareResolvers, MutationResolvers, QueryResolvers } from '../../resolvers.generated.js';
import type { AccountRecord } from '../accounts/accounts.repository.js';
import type { AccountShareRecord } from './shares.repository.js';

const shareId = (id: string) => {
  if (!isUuid(id)) throw notFound('AccountShare');
  return id;
};

const Query = {
  accountSharesReceived: (_, __, ctx) => ctx.shares.received(requireUser(ctx)),
  accountSharesSent: (_, __, ctx) => ctx.shares.sent(requireUser(ctx)),
} satisfies QueryResolvers;

const Mutation = {
  shareAccount: (_, { accountId, email, role }, ctx) => {
    const user = requireUser(ctx);
    if (!isUuid(accountId)) throw notFound('Account');
    return ctx.shares.share(user, accountId, email, role);
  },
  acceptAccountShare: (_, { id }, ctx) => ctx.shares.accept(requireUser(ctx), shareId(id)),
  revokeAccountShare: (_, { id }, ctx) => ctx.shares.revoke(requireUser(ctx), shareId(id)),
  leaveAccountShare: (_, { id }, ctx) => ctx.shares.leave(requireUser(ctx), shareId(id)),
} satisfies MutationResolvers;

const AccountShare = {
  // Readable by the owner and an accepted member; an invitee sees null until accepting.
  account: (s, _, ctx) => ctx.loaders.account.load(s.accountId),
  createdAt: (s) => s.createdAt.toISOString(),
  acceptedAt: (s) => s.acceptedAt?.toISOString() ?? null,
} satisfies ObjectResolvers<AccountShareResolvers, AccountShareRecord>;

/** The fields of Account this module adds (shares.graphql extends the type). */
const AccountType = {
  role: (a) => a.role ?? 'OWNER',
  // The owner's list: a member's loader finds no shares of an account it does not own.
  shares: (a, _, ctx) => ctx.loaders.accountShares.load(a.id),
} satisfies ObjectResolvers<Required<Pick<AccountResolvers, 'role' | 'shares'>>, AccountRecord>;

export const sharesResolvers = { Query, Mutation, AccountShare, Account: AccountType };
