import { requireUser } from '@centavo/server';
import type { AuthContext } from '../../context.js';
import type { UserRecord } from './users.repository.js';

interface Credentials {
  input: { email: string; password: string; name: string };
}

const toUser = (u: UserRecord) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  roles: u.roles,
  createdAt: u.createdAt.toISOString(),
});

const toPayload = (p: { accessToken: string; refreshToken: string; expiresAt: Date; user: UserRecord }) => ({
  accessToken: p.accessToken,
  refreshToken: p.refreshToken,
  expiresAt: p.expiresAt.toISOString(),
  user: toUser(p.user),
});

export const usersResolvers = {
  Query: {
    me: async (_: unknown, __: unknown, ctx: AuthContext) => {
      const user = await ctx.loaders.user.load(requireUser(ctx).id);
      return user ? toUser(user) : null;
    },
  },
  Mutation: {
    register: async (_: unknown, { input }: Credentials, ctx: AuthContext) =>
      toPayload(await ctx.auth.register(input)),
    login: async (_: unknown, { input }: Credentials, ctx: AuthContext) => toPayload(await ctx.auth.login(input)),
    refreshToken: async (_: unknown, args: { refreshToken: string }, ctx: AuthContext) =>
      toPayload(await ctx.auth.refresh(args.refreshToken)),
    logout: (_: unknown, args: { refreshToken?: string | null }, ctx: AuthContext) =>
      ctx.auth.logout(requireUser(ctx), args.refreshToken),
  },
  User: {
    // Another user's id resolves to null: a user's profile is visible to that user only.
    __resolveReference: async (ref: { id: string }, ctx: AuthContext) => {
      const caller = requireUser(ctx);
      if (ref.id !== caller.id && !caller.roles.includes('ADMIN')) return null;
      const user = await ctx.loaders.user.load(ref.id);
      return user ? toUser(user) : null;
    },
  },
};
