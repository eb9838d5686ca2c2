import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { unauthenticated } from '@centavo/errors';
import { JWT_ALG } from './keys.js';
import type { Denylist } from './denylist.js';

export const ISSUER = 'centavo-auth';
export const AUDIENCE = 'centavo';

export type Role = 'USER' | 'ADMIN';

/** The authenticated caller, as every subgraph and the gateway see it. */
export interface AuthUser {
  id: string;
  roles: Role[];
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
  claims: { userId: string; roles: Role[] },
  ttlSeconds: number,
  now = new Date(),
): Promise<SignedToken> {
  const jti = randomUUID();
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ttlSeconds;
  const token = await new SignJWT({ roles: claims.roles })
    .setProtectedHeader({ alg: JWT_ALG, typ: 'JWT' })
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

/** Verifies signature, issuer, audience, expiry and the logout denylist of an access token. */
export class TokenVerifier {
  constructor(
    private readonly publicKey: CryptoKey,
    private readonly denylist: Denylist,
  ) {}

  async verify(token: string): Promise<AuthUser> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey, {
        algorithms: [JWT_ALG],
        issuer: ISSUER,
        audience: AUDIENCE,
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('Access token expired');
      throw unauthenticated('Invalid access token');
    }
    const { sub, jti, exp, roles } = payload;
    if (!sub || !jti || !exp || !Array.isArray(roles)) throw unauthenticated('Invalid access token');
    if (await this.denylist.has(jti)) throw unauthenticated('Access token revoked');
    return { id: sub, jti, exp, roles: roles.filter((r): r is Role => r === 'USER' || r === 'ADMIN'), token };
  }
}
