import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { unauthenticated, type DomainError } from '@centavo/errors';
import { JWT_ALG } from './keys.js';
import type { Denylist, DenylistWatch } from './denylist.js';

export const ISSUER = 'centavo-auth';
export const AUDIENCE = 'centavo';

export type Role = 'USER' | 'ADMIN';

/** The authenticated caller, as every subgraph and the gateway see it. */
export interface AuthUser {
  id: string;
  roles: Role[];
  /**
   * The user's email (normalized, lower case) when the token carries it: what an account share
   * invited (households). Tokens signed before the claim existed have none.
   */
  email?: string;
  /** Token id, the key of the logout denylist. */
  jti: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  token: string;
}

export interface SignedToken {
  token: string;
  jti: string;
  expiresAt: Date;
}

export async function signAccessToken(
  key: CryptoKey,
  claims: {
    userId: string;
    roles: Role[];
    /** The `email` claim: the user's normalized email (auth never changes it once registered). */
    email?: string;
    /** The token id; default a new UUID. A fixed one ties logout to something else (see the auth subgraph's OIDC exchange). */
    jti?: string;
    /** The `kid` header: the thumbprint of the public key (keyIdOf), so verifiers using /.well-known/jwks.json pick it. */
    keyId?: string;
  },
  ttlSeconds: number,
  now = new Date(),
): Promise<SignedToken> {
  const jti = claims.jti ?? randomUUID();
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ttlSeconds;
  const token = await new SignJWT({ roles: claims.roles, ...(claims.email ? { email: claims.email } : {}) })
    .setProtectedHeader({ alg: JWT_ALG, typ: 'JWT', ...(claims.keyId ? { kid: claims.keyId } : {}) })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key);
  return { token, jti, expiresAt: new Date(exp * 1000) };
}

/** Extracts the token of an `Authorization: Bearer <token>` header; undefined when absent. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
  return match[1];
}

/** Verified tokens kept by default: a few per active user of one process. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

type VerifiedClaims = Omit<AuthUser, 'token'>;

/**
 * Verifies signature, issuer, audience, expiry and the logout denylist of an access token.
 *
 * The signature and claims of a token that verified are kept (by the exact token string, at
 * most `cacheSize` tokens, each only until it expires), so a client's next requests cost no
 * signature check. The denylist is asked once per call, so a logged-out token is refused on the
 * very next request, in every process; with a DenylistWatch (`watch`) a token found not revoked
 * is asked about again only after its logout is published or the watch lost its subscription.
 */
export class TokenVerifier {
  private readonly verified = new Map<string, VerifiedClaims>();

  private readonly publicKeys: readonly CryptoKey[];

  private denylistWatch: DenylistWatch | undefined;

  constructor(
    /** The current key, or the current one first and then a rotation's previous ones. */
    publicKey: CryptoKey | readonly CryptoKey[],
    private readonly denylist: Denylist,
    private readonly cacheSize = VERIFIED_TOKEN_CACHE_SIZE,
  ) {
    this.publicKeys = Array.isArray(publicKey) ? publicKey : [publicKey as CryptoKey];
  }

  /** How many verified tokens are kept now. */
  get cachedTokens(): number {
    return this.verified.size;
  }

  /** Remembers tokens found not revoked through `watch` (subgraphs: no Redis round trip for a known token). */
  watch(watch: DenylistWatch): this {
    this.denylistWatch = watch;
    return this;
  }

  async verify(token: string): Promise<AuthUser> {
    const user = await this.verifySigned(token);
    const watch = this.denylistWatch;
    if (!watch) {
      if (await this.denylist.has(user.jti)) throw this.revoked(user);
      return user;
    }
    if (await watch.cleared(user.jti)) return user;
    const ticket = watch.ticket();
    if (await this.denylist.has(user.jti)) throw this.revoked(user);
    watch.remember(ticket, user.jti, user.exp);
    return user;
  }

  /**
   * Signature, issuer, audience and expiry only (cached), not the logout denylist: for a caller
   * that asks Redis about `denylistKey(user)` in a round trip of its own (the gateway's request
   * meter) and then refuses a listed token with `revoked(user)`.
   */
  async verifySigned(token: string): Promise<AuthUser> {
    const claims = this.cached(token) ?? (await this.verifySignature(token));
    return { ...claims, roles: [...claims.roles], token };
  }

  /** The Redis key of the denylist entry of a verified user's token. */
  denylistKey(user: AuthUser): string {
    return this.denylist.key(user.jti);
  }

  /** The error of a token found on the denylist; its verification is no longer kept. */
  revoked(user: AuthUser): DomainError {
    this.verified.delete(user.token);
    return unauthenticated('Access token revoked');
  }

  /** The claims of a token verified before and not expired since, if any. */
  private cached(token: string): VerifiedClaims | undefined {
    const claims = this.verified.get(token);
    if (!claims) return undefined;
    // Expired: verified again below, which refuses it with "Access token expired".
    if (claims.exp * 1000 <= Date.now()) {
      this.verified.delete(token);
      return undefined;
    }
    return claims;
  }

  private async verifySignature(token: string): Promise<VerifiedClaims> {
    let payload;
    for (const [index, publicKey] of this.publicKeys.entries()) {
      try {
        ({ payload } = await jwtVerify(token, publicKey, {
          algorithms: [JWT_ALG],
          issuer: ISSUER,
          audience: AUDIENCE,
        }));
        break;
      } catch (error) {
        // Signed by another key: maybe a previous key of a rotation, tried next.
        if (error instanceof joseErrors.JWSSignatureVerificationFailed && index < this.publicKeys.length - 1) continue;
        if (error instanceof joseErrors.JWTExpired) throw unauthenticated('Access token expired');
        throw unauthenticated('Invalid access token');
      }
    }
    if (!payload) throw unauthenticated('Invalid access token');
    const { sub, jti, exp, roles, email } = payload;
    if (!sub || !jti || !exp || !Array.isArray(roles)) throw unauthenticated('Invalid access token');
    const claims: VerifiedClaims = {
      id: sub,
      jti,
      exp,
      roles: roles.filter((r): r is Role => r === 'USER' || r === 'ADMIN'),
      ...(typeof email === 'string' && email ? { email } : {}),
    };
    if (this.cacheSize > 0) {
      // Oldest first out (a Map keeps insertion order): the bound holds under any number of tokens.
      if (this.verified.size >= this.cacheSize) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, claims);
    }
    return claims;
  }
}
