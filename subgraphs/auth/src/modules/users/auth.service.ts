import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { signAccessToken, type AuthUser, type Denylist, type OidcIdentity, type Role } from '@centavo/auth-tokens';
import { conflict, rateLimited, unauthenticated } from '@centavo/errors';
import type { Logger } from '@centavo/logger';
import { metrics } from '@centavo/metrics';
import {
  hashPassword,
  loginEmail,
  loginPassword,
  normalizeEmail,
  normalizeName,
  timingDummyHash,
  validatePassword,
  verifyPassword,
} from './credentials.js';
import type { RefreshTokensRepository } from './refresh-tokens.repository.js';
import { EmailTakenError, IdentityTakenError, type UserRecord, type UsersRepository } from './users.repository.js';

export interface IssuedTokens {
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
  /** The `kid` of issued access tokens (the thumbprint of the public key, as /.well-known/jwks.json lists it). */
  keyId?: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  logger: Logger;
  /** Counts a login attempt for a normalized email (shared by every auth process). */
  loginAttempt(email: string): Promise<{ allowed: boolean; retryAfter: number }>;
}

const INVALID_CREDENTIALS = 'Invalid email or password';
const INVALID_REFRESH = 'Invalid refresh token';

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
// Issued tokens have 43 characters: anything much longer is not one, and is not even hashed.
const MAX_REFRESH_TOKEN_LENGTH = 128;
const isTokenShaped = (token: string | null | undefined): token is string => !!token && token.length <= MAX_REFRESH_TOKEN_LENGTH;

/** The longest an access token exchanged for a provider's token lives (its own expiry caps it first). */
export const MAX_EXCHANGED_TOKEN_TTL_SECONDS = 86_400;
// No password verifies against it (not an Argon2 hash): users created through a provider sign in there.
const NO_PASSWORD = '!external';
const DEFAULT_EXTERNAL_NAME = 'Centavo user';

export interface ExchangedToken {
  accessToken: string;
  expiresAt: Date;
  user: UserRecord;
  /** Whether this exchange created the user (the subject's first sign-in). */
  created: boolean;
}

function usableEmail(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    return normalizeEmail(raw);
  } catch {
    return undefined;
  }
}

type Rotation = 'rotated' | 'reused' | 'expired' | 'invalid';

export class AuthService {
  constructor(private readonly o: AuthServiceOptions) {}

  async register(input: { email: string; password: string; name: string }): Promise<IssuedTokens> {
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

  async login(input: { email: string; password: string }): Promise<IssuedTokens> {
    // Lengths first: nothing over-long is hashed, counted in Redis or looked up.
    const email = loginEmail(input.email);
    loginPassword(input.password);
    if (email) {
      const attempt = await this.o.loginAttempt(email);
      if (!attempt.allowed) throw rateLimited(`Too many login attempts; retry in ${attempt.retryAfter}s`, attempt.retryAfter);
    }
    const user = email ? await this.o.users.findByEmail(email) : null;
    const ok = await verifyPassword(user?.passwordHash ?? (await timingDummyHash()), input.password);
    if (!user || !ok) throw unauthenticated(INVALID_CREDENTIALS);
    return this.issue(user, randomUUID());
  }

  /**
   * Rotates a refresh token. A token works once; presenting one that was already used means
   * it leaked, so the whole family (including the token issued in its place) is revoked.
   * Checking, marking used and issuing the next token happen under the family's lock.
   */
  async refresh(refreshToken: string): Promise<IssuedTokens> {
    const found = isTokenShaped(refreshToken) ? await this.o.refreshTokens.findByHash(sha256(refreshToken)) : null;
    if (!found || found.revokedAt) throw unauthenticated(INVALID_REFRESH);
    const [user] = await this.o.users.findManyByIds([found.userId]);
    const next = this.newRefreshToken();
    const now = new Date();
    const outcome = await this.o.refreshTokens.inFamily(found.familyId, async (tokens): Promise<Rotation> => {
      // Read again under the lock: a rotation or revocation that raced with this one has committed.
      const record = await tokens.findById(found.id);
      if (!record || record.revokedAt) return 'invalid';
      if (record.usedAt) {
        await tokens.revokeFamily(record.familyId, now);
        return 'reused';
      }
      if (record.expiresAt <= now) return 'expired';
      if (!user) return 'invalid';
      await tokens.markUsed(record.id, now);
      await tokens.create({ userId: user.id, familyId: record.familyId, tokenHash: sha256(next.token), expiresAt: next.expiresAt });
      return 'rotated';
    });
    if (outcome === 'reused') this.o.logger.warn({ userId: found.userId, familyId: found.familyId }, 'refresh token reuse; family revoked');
    if (outcome === 'expired') throw unauthenticated('Refresh token expired');
    if (outcome !== 'rotated' || !user) throw unauthenticated(INVALID_REFRESH);
    return this.payload(user, next.token);
  }

  /** Denylists the access token until it expires, and revokes the refresh token's family if given. */
  async logout(caller: AuthUser, refreshToken?: string | null): Promise<boolean> {
    await this.o.denylist.add(caller.jti, caller.exp);
    if (isTokenShaped(refreshToken)) {
      const record = await this.o.refreshTokens.findByHash(sha256(refreshToken));
      if (record && record.userId === caller.id) {
        // Under the family's lock, so a rotation racing with the logout cannot leave a live token.
        await this.o.refreshTokens.inFamily(record.familyId, (tokens) => tokens.revokeFamily(record.familyId, new Date()));
      }
    }
    return true;
  }

  /**
   * A Centavo access token for an OpenID Connect provider's verified token: the user linked to
   * (issuer, subject), created on first sight. The access token expires with the provider's
   * token and its id derives from it, so exchanging the same token again (another gateway
   * process, after a restart) gives the same id: `logout` with it denylists that id, and the
   * provider's token stays refused until it expires.
   */
  async exchangeExternalToken(identity: OidcIdentity, externalToken: string, now = new Date()): Promise<ExchangedToken> {
    const jti = `oidc-${sha256(`${identity.issuer}\n${externalToken}`)}`;
    const ttl = Math.min(identity.exp - Math.floor(now.getTime() / 1000), MAX_EXCHANGED_TOKEN_TTL_SECONDS);
    if (ttl <= 0) throw unauthenticated('Sign-in token expired');
    if (await this.o.denylist.has(jti)) throw unauthenticated('Access token revoked');
    let user = await this.o.users.findByExternalIdentity(identity.issuer, identity.subject);
    let created = false;
    if (!user) {
      ({ user, created } = await this.createExternalUser(identity));
    }
    const access = await signAccessToken(this.o.privateKey, { userId: user.id, roles: user.roles as Role[], email: user.email, jti, ...this.keyIdClaim() }, ttl, now);
    return { accessToken: access.token, expiresAt: access.expiresAt, user, created };
  }

  /** The user of a subject's first sign-in: the provider's verified email unless another user has it. */
  private async createExternalUser(identity: OidcIdentity): Promise<{ user: UserRecord; created: boolean }> {
    const placeholder = `oidc-${createHash('sha256').update(`${identity.issuer}\n${identity.subject}`).digest('hex').slice(0, 24)}@users.invalid`;
    const email = usableEmail(identity.email) ?? placeholder;
    let name = DEFAULT_EXTERNAL_NAME;
    try {
      if (identity.name) name = normalizeName(identity.name);
    } catch {
      // Keep the default: a provider's odd display name must not block sign-in.
    }
    const link = { issuer: identity.issuer, subject: identity.subject };
    for (const candidate of email === placeholder ? [placeholder] : [email, placeholder]) {
      try {
        const user = await this.o.users.createWithExternalIdentity({ email: candidate, name, passwordHash: NO_PASSWORD }, link);
        this.o.logger.info({ userId: user.id, issuer: identity.issuer, placeholderEmail: candidate === placeholder }, 'user created from an OpenID Connect sign-in');
        metrics.userRegistrations.inc();
        return { user, created: true };
      } catch (error) {
        if (error instanceof IdentityTakenError) {
          // Another request signed the same subject in first: use its user.
          const user = await this.o.users.findByExternalIdentity(identity.issuer, identity.subject);
          if (user) return { user, created: false };
        }
        // An existing account owns this email: it is not taken over; the new user gets the placeholder.
        if (!(error instanceof EmailTakenError)) throw error;
      }
    }
    throw new Error('could not create the user of an OpenID Connect sign-in');
  }

  private keyIdClaim(): { keyId?: string } {
    return this.o.keyId ? { keyId: this.o.keyId } : {};
  }

  private newRefreshToken(): { token: string; expiresAt: Date } {
    return { token: randomBytes(32).toString('base64url'), expiresAt: new Date(Date.now() + this.o.refreshTokenTtlDays * 86_400_000) };
  }

  /** Tokens of a new family (register, login). */
  private async issue(user: UserRecord, familyId: string): Promise<IssuedTokens> {
    const next = this.newRefreshToken();
    await this.o.refreshTokens.create({ userId: user.id, familyId, tokenHash: sha256(next.token), expiresAt: next.expiresAt });
    return this.payload(user, next.token);
  }

  private async payload(user: UserRecord, refreshToken: string): Promise<IssuedTokens> {
    const access = await signAccessToken(
      this.o.privateKey,
      { userId: user.id, roles: user.roles as Role[], email: user.email, ...this.keyIdClaim() },
      this.o.accessTokenTtlSeconds,
    );
    return { accessToken: access.token, refreshToken, expiresAt: access.expiresAt, user };
  }
}
