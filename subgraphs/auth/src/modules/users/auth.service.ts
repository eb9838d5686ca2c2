import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { signAccessToken, type AuthUser, type Denylist, type Role } from '@centavo/auth-tokens';
import { conflict, unauthenticated } from '@centavo/errors';
import type { Logger } from '@centavo/logger';
import { metrics } from '@centavo/metrics';
import {
  hashPassword,
  normalizeEmail,
  normalizeName,
  timingDummyHash,
  validatePassword,
  verifyPassword,
} from './credentials.js';
import type { RefreshTokensRepository } from './refresh-tokens.repository.js';
import { EmailTakenError, type UserRecord, type UsersRepository } from './users.repository.js';

export interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  user: UserRecord;
}

export interface AuthServiceOptions {
  users: UsersRepository;
  refreshTokens: RefreshTokensRepository;
  denylist: Denylist;
  privateKey: CryptoKey;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  logger: Logger;
}

const INVALID_CREDENTIALS = 'Invalid email or password';
const INVALID_REFRESH = 'Invalid refresh token';

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

export class AuthService {
  constructor(private readonly o: AuthServiceOptions) {}

  async register(input: { email: string; password: string; name: string }): Promise<AuthPayload> {
    const email = normalizeEmail(input.email);
    validatePassword(input.password);
    const name = normalizeName(input.name);
    let user: UserRecord;
    try {
      user = await this.o.users.create({ email, name, passwordHash: await hashPassword(input.password) });
    } catch (error) {
      if (error instanceof EmailTakenError) throw conflict('An account with this email already exists', 'email');
      throw error;
    }
    this.o.logger.info({ userId: user.id }, 'user registered');
    metrics.userRegistrations.inc();
    return this.issue(user, randomUUID());
  }

  async login(input: { email: string; password: string }): Promise<AuthPayload> {
    const email = input.email.trim().toLowerCase();
    const user = email ? await this.o.users.findByEmail(email) : null;
    const ok = await verifyPassword(user?.passwordHash ?? (await timingDummyHash()), input.password);
    if (!user || !ok) throw unauthenticated(INVALID_CREDENTIALS);
    return this.issue(user, randomUUID());
  }

  /**
   * Rotates a refresh token. A token works once; presenting one that was already used means
   * it leaked, so the whole family (including the token issued in its place) is revoked.
   */
  async refresh(refreshToken: string): Promise<AuthPayload> {
    const now = new Date();
    const record = refreshToken ? await this.o.refreshTokens.findByHash(sha256(refreshToken)) : null;
    if (!record || record.revokedAt) throw unauthenticated(INVALID_REFRESH);
    if (record.usedAt || !(await this.o.refreshTokens.markUsed(record.id, now))) {
      await this.o.refreshTokens.revokeFamily(record.familyId, now);
      this.o.logger.warn({ userId: record.userId, familyId: record.familyId }, 'refresh token reuse; family revoked');
      throw unauthenticated(INVALID_REFRESH);
    }
    if (record.expiresAt <= now) throw unauthenticated('Refresh token expired');
    const [user] = await this.o.users.findManyByIds([record.userId]);
    if (!user) throw unauthenticated(INVALID_REFRESH);
    return this.issue(user, record.familyId);
  }

  /** Denylists the access token until it expires, and revokes the refresh token's family if given. */
  async logout(caller: AuthUser, refreshToken?: string | null): Promise<boolean> {
    await this.o.denylist.add(caller.jti, caller.exp);
    if (refreshToken) {
      const record = await this.o.refreshTokens.findByHash(sha256(refreshToken));
      if (record && record.userId === caller.id) await this.o.refreshTokens.revokeFamily(record.familyId, new Date());
    }
    return true;
  }

  private async issue(user: UserRecord, familyId: string): Promise<AuthPayload> {
    const access = await signAccessToken(
      this.o.privateKey,
      { userId: user.id, roles: user.roles as Role[] },
      this.o.accessTokenTtlSeconds,
    );
    const refreshToken = randomBytes(32).toString('base64url');
    await this.o.refreshTokens.create({
      userId: user.id,
      familyId,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + this.o.refreshTokenTtlDays * 86_400_000),
    });
    return { accessToken: access.token, refreshToken, expiresAt: access.expiresAt, user };
  }
}
