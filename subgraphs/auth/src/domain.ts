import DataLoader from 'dataloader';
import type { CryptoKey } from 'jose';
import type { Denylist, ProfileGrants } from '@centavo/auth-tokens';
import type { Logger } from '@centavo/logger';
import { isUuid } from '@centavo/server';
import type { AuthConfig } from './config.js';
import type { AuthPrisma } from './db.js';
import { AuthService } from './modules/users/auth.service.js';
import { RefreshTokensRepository } from './modules/users/refresh-tokens.repository.js';
import { UsersRepository, type UserRecord } from './modules/users/users.repository.js';

/** Per-request loaders: one batched query per tick for every entity reference of a request. */
export interface AuthLoaders {
  user: DataLoader<string, UserRecord | null>;
  /** Whether the caller may see another user's profile (a household member, the owner's): one Redis round trip per request. */
  profileGrant: DataLoader<string, boolean>;
}

/** The auth domain, built once per process: its services, and the loaders each request gets. */
export interface AuthDomain {
  auth: AuthService;
  loaders(callerId?: string): AuthLoaders;
}

export interface AuthDomainDeps {
  prisma: AuthPrisma;
  config: Pick<AuthConfig, 'ACCESS_TOKEN_TTL_SECONDS' | 'REFRESH_TOKEN_TTL_DAYS'>;
  denylist: Denylist;
  /** Grants the transactions domain gives household members to see an owner's profile; none: nobody sees another's. */
  profiles?: Pick<ProfileGrants, 'allowed'>;
  privateKey: CryptoKey;
  /** The `kid` of issued access tokens. */
  keyId: string;
  /** Counts a login attempt for a normalized email (shared by every auth process). */
  loginAttempt(email: string): Promise<{ allowed: boolean; retryAfter: number }>;
  logger: Logger;
}

/** The composition root of the auth subgraph: repositories and services, built once. */
export function createAuthDomain(deps: AuthDomainDeps): AuthDomain {
  const users = new UsersRepository(deps.prisma);
  const auth = new AuthService({
    users,
    refreshTokens: new RefreshTokensRepository(deps.prisma),
    denylist: deps.denylist,
    privateKey: deps.privateKey,
    keyId: deps.keyId,
    accessTokenTtlSeconds: deps.config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: deps.config.REFRESH_TOKEN_TTL_DAYS,
    logger: deps.logger,
    loginAttempt: deps.loginAttempt,
  });
  return {
    auth,
    loaders: (callerId) => ({
      profileGrant: new DataLoader(async (ids: readonly string[]) => (callerId && deps.profiles ? deps.profiles.allowed(callerId, ids) : ids.map(() => false))),
      user: new DataLoader(async (ids: readonly string[]) => {
        const rows = await users.findManyByIds(ids.filter(isUuid));
        const byId = new Map(rows.map((u) => [u.id, u]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
    }),
  };
}
