import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** One signing key of the test provider. */
interface ProviderKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  jwk: JWK;
}

export interface TokenOptions {
  sub?: string;
  aud?: string;
  iss?: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
  /** Seconds from now (negative: already expired). */
  expiresIn?: number;
  /** Sign with this key (a kid) instead of the current one. */
  kid?: string;
}

/**
 * A tiny OpenID Connect provider on 127.0.0.1 for tests: a discovery document, a JWKS that
 * can rotate, and tokens signed with jose. Counts JWKS fetches; `jwksDown` makes the JWKS 503.
 */
export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  /** The kid tokens are signed with now. */
  currentKid: string;
  jwksFetches: number;
  jwksDown: boolean;
  token(options?: TokenOptions): Promise<string>;
  /** A new current key; the previous one stays published unless `dropOld`. */
  rotate(options?: { dropOld?: boolean; alg?: 'RS256' | 'ES256' }): Promise<string>;
  /** An unsigned token (`alg: none`) with otherwise valid claims. */
  unsignedToken(options?: TokenOptions): string;
  stop(): Promise<void>;
}

async function newKey(alg: 'RS256' | 'ES256'): Promise<ProviderKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function startOidcProvider(clientId = 'centavo-test-client'): Promise<TestOidcProvider> {
  let keys: ProviderKey[] = [await newKey('RS256')];
  const provider: TestOidcProvider = {
    issuer: '',
    clientId,
    currentKid: keys[0]!.kid,
    jwksFetches: 0,
    jwksDown: false,
    async token(options = {}) {
      const key = keys.find((k) => k.kid === (options.kid ?? provider.currentKid)) ?? retired.get(options.kid ?? '');
      if (!key) throw new Error(`no key ${options.kid}`);
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT(claims(options))
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
        .setIssuedAt(now)
        .setExpirationTime(now + (options.expiresIn ?? 600))
        .sign(key.privateKey);
    },
    async rotate({ dropOld = false, alg = 'RS256' } = {}) {
      const key = await newKey(alg);
      if (dropOld) for (const old of keys) retired.set(old.kid, old);
      keys = dropOld ? [key] : [...keys, key];
      provider.currentKid = key.kid;
      return key.kid;
    },
    unsignedToken(options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims(options), iat: now, exp: now + (options.expiresIn ?? 600) })}.`;
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  // Keys no longer published can still sign, as a leaked or retired key would.
  const retired = new Map<string, ProviderKey>();
  const claims = (options: TokenOptions) => ({
    iss: options.iss ?? provider.issuer,
    aud: options.aud ?? clientId,
    sub: options.sub ?? randomUUID(),
    // Two tokens signed within one second would otherwise be the same string (RS256 is deterministic).
    jti: randomUUID(),
    ...(options.email ? { email: options.email, email_verified: options.emailVerified ?? true } : {}),
    ...(options.name ? { name: options.name } : {}),
  });

  const server = createServer((req, res) => {
    const send = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      return send(200, {
        issuer: provider.issuer,
        jwks_uri: `${provider.issuer}/jwks`,
        authorization_endpoint: `${provider.issuer}/authorize`,
        token_endpoint: `${provider.issuer}/token`,
        id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      });
    }
    if (req.url === '/jwks') {
      provider.jwksFetches++;
      if (provider.jwksDown) return send(503, { error: 'down' });
      return send(200, { keys: keys.map((k) => k.jwk) });
    }
    send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  provider.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return provider;
}
