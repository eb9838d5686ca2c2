import { requireUser, type ObjectResolvers } from '@centavo/server';
import type { AuthPayloadResolvers, MutationResolvers, QueryResolvers, UserResolvers } from '../../resolvers.generated.js';
import type { IssuedTokens } from './auth.service.js';
import type { UserRecord } from './users.repository.js';

const Query = {
  me: (_, __, ctx) => ctx.loaders.user.load(requireUser(ctx).id),
} satisfies QueryResolvers;

const Mutation = {
  register: (_, { input }, ctx) => ctx.auth.register(input),
  login: (_, { input }, ctx) => ctx.auth.login(input),
  refreshToken: (_, { refreshToken }, ctx) => ctx.auth.refresh(refreshToken),
  logout: (_, { refreshToken }, ctx) => ctx.auth.logout(requireUser(ctx), refreshToken),
} satisfies MutationResolvers;

const UserType = {
  // Another user's id resolves to null: a user's profile is visible to that user only, to an
  // ADMIN, and to a household member the owner shared an account with (the transactions domain
  // grants that while the share lasts), who does not see the owner's roles.
  __resolveReference: async (ref, ctx) => {
    const caller = requireUser(ctx);
    if (ref.id === caller.id || caller.roles.includes('ADMIN')) return ctx.loaders.user.load(ref.id);
    if (!(await ctx.loaders.profileGrant.load(ref.id))) return null;
    const user = await ctx.loaders.user.load(ref.id);
    return user && { ...user, roles: [] };
  },
  createdAt: (user) => user.createdAt.toISOString(),
} satisfies ObjectResolvers<UserResolvers, UserRecord>;

const AuthPayloadType = {
  expiresAt: (payload) => payload.expiresAt.toISOString(),
} satisfies ObjectResolvers<AuthPayloadResolvers, IssuedTokens>;

export const usersResolvers = { Query, Mutation, User: UserType, AuthPayload: AuthPayloadType };
