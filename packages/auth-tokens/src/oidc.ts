import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { OidcSettings } from '@centavo/config';
import { unauthenticated } from '@centavo/errors';
import type { Logger } from '@centavo/logger';

/** Who an OpenID Connect provider's verified token says the caller is. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  /** The `email` claim, only when the provider says it is verified (`email_verified: true`). */
  email?: string;
  name?: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const DISCOVERY_TIMEOUT_MS = 5_000;
/** After a failed discovery, how long requests are refused at once before it is tried again. */
const DISCOVERY_RETRY_MS = 5_000;
const UNREACHABLE = 'Cannot verify the sign-in token now: the identity provider cannot be reached; try again shortly';

/**
 * Verifies tokens of one OpenID Connect provider: discovers its `jwks_uri` from
 * `<issuer>/.well-known/openid-configuration` on first use, then checks signature (keys from
 * the JWKS, fetched again for an unknown `kid` after a cooldown, and when they are older than
 * the max age — so the provider's key rotation needs nothing here), `iss`, `aud`, `exp`/`nbf`
 * with a small clock tolerance and an allow-list of algorithms (never `none` or HS*).
 *
 * Every failure is UNAUTHENTICATED: a bad token with what is wrong with it, an unreachable
 * provider (discovery or JWKS) with a message saying so, logged for operators.
 */
export class OidcVerifier {
  private keys: Promise<JWTVerifyGetKey> | undefined;
  private discoveryFailedAt = 0;

  constructor(
    readonly settings: OidcSettings,
    private readonly logger: Logger,
  ) {}

  /** Whether the token claims to come from this provider (unverified: only picks the verifier). */
  isIssuedBy(token: string): boolean {
    try {
      return decodeJwt(token).iss === this.settings.issuer;
    } catch {
      return false;
    }
  }

  async verify(token: string): Promise<OidcIdentity> {
    const keys = await this.jwks();
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: this.settings.algorithms,
        clockTolerance: this.settings.clockToleranceSeconds,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      throw this.refusal(error);
    }
    const { sub, exp, email, email_verified: emailVerified, name, preferred_username: username } = payload;
    if (!sub || typeof exp !== 'number') throw unauthenticated('Invalid sign-in token: no subject or expiry');
    return {
      issuer: this.settings.issuer,
      subject: sub,
      exp,
      ...(typeof email === 'string' && emailVerified === true ? { email } : {}),
      ...(typeof name === 'string' ? { name } : typeof username === 'string' ? { name: username } : {}),
    };
  }

  private refusal(error: unknown): Error {
    if (error instanceof joseErrors.JWTExpired) return unauthenticated('Sign-in token expired');
    if (error instanceof joseErrors.JWTClaimValidationFailed) return unauthenticated(`Invalid sign-in token: ${error.message}`);
    if (error instanceof joseErrors.JOSEAlgNotAllowed) return unauthenticated('Invalid sign-in token: its signature algorithm is not allowed');
    if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) {
      return unauthenticated('Invalid sign-in token: signed with a key the identity provider does not publish');
    }
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) return unauthenticated('Invalid sign-in token: bad signature');
    if (error instanceof joseErrors.JWTInvalid || error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JOSENotSupported) {
      return unauthenticated('Invalid sign-in token');
    }
    // The JWKS could not be fetched (network, timeout, not JSON, not a key set).
    this.logger.error({ err: error, issuer: this.settings.issuer }, 'could not fetch the identity provider keys');
    return unauthenticated(UNREACHABLE);
  }

  /** The provider's key set, discovered once; a failed discovery is tried again a few seconds later. */
  private async jwks(): Promise<JWTVerifyGetKey> {
    if (!this.keys) {
      if (Date.now() - this.discoveryFailedAt < DISCOVERY_RETRY_MS) throw unauthenticated(UNREACHABLE);
      this.keys = this.discover();
    }
    try {
      return await this.keys;
    } catch (err) {
      this.keys = undefined;
      this.discoveryFailedAt = Date.now();
      this.logger.error({ err, issuer: this.settings.issuer }, 'OpenID Connect discovery failed');
      throw unauthenticated(UNREACHABLE);
    }
  }

  private async discover(): Promise<JWTVerifyGetKey> {
    const { issuer } = this.settings;
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), redirect: 'error', headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
    const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (doc.issuer !== issuer) throw new Error(`${url} names issuer ${String(doc.issuer)}, not ${issuer}`);
    if (typeof doc.jwks_uri !== 'string') throw new Error(`${url} has no jwks_uri`);
    const jwksUri = new URL(doc.jwks_uri);
    // The keys travel as securely as the issuer's own documents (https in production, see oidcSettings).
    if (jwksUri.protocol !== 'https:' && jwksUri.protocol !== new URL(issuer).protocol) throw new Error(`jwks_uri ${jwksUri} is not https`);
    this.logger.info({ issuer, jwksUri: jwksUri.toString() }, 'OpenID Connect provider discovered');
    return createRemoteJWKSet(jwksUri, {
      cooldownDuration: this.settings.jwksCooldownMs,
      cacheMaxAge: this.settings.jwksMaxAgeMs,
      timeoutDuration: DISCOVERY_TIMEOUT_MS,
    });
  }
}
