import type { Express } from 'express';
import { publicJwk } from '@centavo/auth-tokens';

export const JWKS_PATH = '/.well-known/jwks.json';
/** Clients may keep the key set this long; a rotation publishes the new key before it signs. */
const MAX_AGE_SECONDS = 300;

/** Centavo's public keys as a JWK Set (OKP/Ed25519, `kid` = RFC 7638 thumbprint, use sig, alg EdDSA). */
export async function centavoJwks(publicKeyPems: readonly string[]): Promise<{ keys: Awaited<ReturnType<typeof publicJwk>>[] }> {
  const keys = await Promise.all(publicKeyPems.map(publicJwk));
  // One entry per key, whatever the configuration repeats.
  return { keys: keys.filter((k, i) => keys.findIndex((o) => o.kid === k.kid) === i) };
}

/**
 * GET /.well-known/jwks.json: the keys other services verify Centavo's access tokens with
 * (issuer `centavo-auth`, audience `centavo`), e.g. with jose's createRemoteJWKSet.
 */
export function mountJwks(app: Express, jwks: object): void {
  const body = JSON.stringify(jwks);
  app.get(JWKS_PATH, (_req, res) => {
    res
      .status(200)
      .set('content-type', 'application/jwk-set+json; charset=utf-8')
      .set('cache-control', `public, max-age=${MAX_AGE_SECONDS}`)
      .set('access-control-allow-origin', '*')
      .send(body);
  });
}
