import { generateKeyPairSync } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DomainError } from '@centavo/errors';
import { Denylist, DenylistWatch } from './denylist.js';
import { importPrivateKey, importPublicKey, keyIdOf, publicJwk, resolveKeyPems } from './keys.js';
import { bearerToken, signAccessToken, TokenVerifier } from './tokens.js';

const pair = () =>
  generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
afterAll(() => redis.quit());

async function setup() {
  const keys = pair();
  const denylist = new Denylist(redis, `centavo-test:${Math.random()}:`);
  const verifier = new TokenVerifier(await importPublicKey(keys.publicKey), denylist);
  return { privateKey: await importPrivateKey(keys.privateKey), verifier, denylist };
}

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (error) {
    return error instanceof DomainError ? `${error.code}: ${error.message}` : String(error);
  }
};

describe('access tokens', () => {
  it('round-trips the user id and roles', async () => {
    const { privateKey, verifier } = await setup();
    const signed = await signAccessToken(privateKey, { userId: 'u1', roles: ['USER', 'ADMIN'] }, 60);
    const user = await verifier.verify(signed.token);
    expect(user).toMatchObject({ id: 'u1', roles: ['USER', 'ADMIN'], jti: signed.jti });
    expect(signed.expiresAt.getTime()).toBeGreaterThan(Date.now() + 55_000);
  });

  it('carries the email claim when given (households match invitations by it), and none otherwise', async () => {
    const { privateKey, verifier } = await setup();
    const withEmail = await verifier.verify((await signAccessToken(privateKey, { userId: 'u1', roles: ['USER'], email: 'ana@example.com' }, 60)).token);
    expect(withEmail.email).toBe('ana@example.com');
    const without = await verifier.verify((await signAccessToken(privateKey, { userId: 'u2', roles: ['USER'] }, 60)).token);
    expect(without).not.toHaveProperty('email');
  });

  it('rejects tokens signed by another key, malformed or expired', async () => {
    const { privateKey, verifier } = await setup();
    const other = await importPrivateKey(pair().privateKey);
    const foreign = await signAccessToken(other, { userId: 'u1', roles: ['USER'] }, 60);
    expect(await code(verifier.verify(foreign.token))).toBe('UNAUTHENTICATED: Invalid access token');
    expect(await code(verifier.verify('a.b.c'))).toBe('UNAUTHENTICATED: Invalid access token');
    const expired = await signAccessToken(privateKey, { userId: 'u1', roles: ['USER'] }, 60, new Date(Date.now() - 120_000));
    expect(await code(verifier.verify(expired.token))).toBe('UNAUTHENTICATED: Access token expired');
  });

  it("accepts a rotation's previous key after the current one, and no other", async () => {
    const [current, previous, stranger] = [pair(), pair(), pair()];
    const denylist = new Denylist(redis, `centavo-test:${Math.random()}:`);
    const verifier = new TokenVerifier([await importPublicKey(current.publicKey), await importPublicKey(previous.publicKey)], denylist);
    const sign = async (pem: string) => (await signAccessToken(await importPrivateKey(pem), { userId: 'u1', roles: ['USER'] }, 60)).token;
    expect(await code(verifier.verify(await sign(current.privateKey)))).toBe('ok');
    expect(await code(verifier.verify(await sign(previous.privateKey)))).toBe('ok');
    expect(await code(verifier.verify(await sign(stranger.privateKey)))).toBe('UNAUTHENTICATED: Invalid access token');
    const expired = await signAccessToken(await importPrivateKey(previous.privateKey), { userId: 'u1', roles: ['USER'] }, 60, new Date(Date.now() - 120_000));
    expect(await code(verifier.verify(expired.token))).toBe('UNAUTHENTICATED: Access token expired');
  });

  it('reads several previous public keys from one PEM text, and gives them a stable kid', async () => {
    const [current, a, b] = [pair(), pair(), pair()];
    const keys = resolveKeyPems({ publicKeyPem: current.publicKey, previousPublicKeyPem: `${a.publicKey}${b.publicKey}`.replace(/\n/g, '\\n'), keyDir: '/nonexistent', generate: false });
    expect(keys.previousPublicKeyPems).toEqual([a.publicKey, b.publicKey]);
    const jwk = await publicJwk(a.publicKey);
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(jwk).not.toHaveProperty('d');
    expect(await keyIdOf(a.publicKey)).toBe(jwk.kid);
    expect(await keyIdOf(b.publicKey)).not.toBe(jwk.kid);
  });

  it('rejects a denylisted (logged out) token at once', async () => {
    const { privateKey, verifier, denylist } = await setup();
    const signed = await signAccessToken(privateKey, { userId: 'u1', roles: ['USER'] }, 60);
    expect(await code(verifier.verify(signed.token))).toBe('ok');
    await denylist.add(signed.jti, Math.floor(signed.expiresAt.getTime() / 1000));
    expect(await code(verifier.verify(signed.token))).toBe('UNAUTHENTICATED: Access token revoked');
  });

  it('keeps verified tokens, bounded, and still asks the denylist once per request', async () => {
    const keys = pair();
    let denylistCalls = 0;
    const denylist = new (class extends Denylist {
      override async has(jti: string) {
        denylistCalls++;
        return super.has(jti);
      }
    })(redis, `centavo-test:${Math.random()}:`);
    const verifier = new TokenVerifier(await importPublicKey(keys.publicKey), denylist, 2);
    const privateKey = await importPrivateKey(keys.privateKey);
    const [a, b, c] = await Promise.all([1, 2, 3].map((n) => signAccessToken(privateKey, { userId: `u${n}`, roles: ['USER'] }, 60)));
    expect((await verifier.verify(a!.token)).id).toBe('u1');
    expect((await verifier.verify(a!.token)).id).toBe('u1');
    expect(verifier.cachedTokens).toBe(1);
    expect(denylistCalls).toBe(2);
    await verifier.verify(b!.token);
    await verifier.verify(c!.token);
    expect(verifier.cachedTokens).toBe(2);
    // A cached token logged out is refused on its next request, and leaves the cache.
    expect(await code(verifier.verify(c!.token))).toBe('ok');
    await denylist.add(c!.jti, Math.floor(c!.expiresAt.getTime() / 1000));
    expect(await code(verifier.verify(c!.token))).toBe('UNAUTHENTICATED: Access token revoked');
    expect(verifier.cachedTokens).toBe(1);
    // The answer is the caller's own copy: changing it changes nothing for the next request.
    const user = await verifier.verify(b!.token);
    user.roles.push('ADMIN');
    expect((await verifier.verify(b!.token)).roles).toEqual(['USER']);
  });

  it('refuses a cached token once it expires', async () => {
    const { privateKey, verifier } = await setup();
    // 3 s: exp counts whole seconds, so a 1 s token could expire before a loaded machine verifies it.
    const signed = await signAccessToken(privateKey, { userId: 'u1', roles: ['USER'] }, 3);
    expect(await code(verifier.verify(signed.token))).toBe('ok');
    await new Promise((r) => setTimeout(r, signed.expiresAt.getTime() - Date.now() + 50));
    expect(await code(verifier.verify(signed.token))).toBe('UNAUTHENTICATED: Access token expired');
    expect(verifier.cachedTokens).toBe(0);
  });

  it('verifySigned checks signature and claims without Redis; the caller asks denylistKey and refuses with revoked()', async () => {
    const { privateKey, verifier, denylist } = await setup();
    const signed = await signAccessToken(privateKey, { userId: 'u1', roles: ['USER'] }, 60);
    await denylist.add(signed.jti, Math.floor(signed.expiresAt.getTime() / 1000));
    // Listed, yet signed: verifySigned alone does not know (the gateway's meter asks Redis itself).
    const user = await verifier.verifySigned(signed.token);
    expect(user).toMatchObject({ id: 'u1', jti: signed.jti, token: signed.token });
    expect(await redis.exists(verifier.denylistKey(user))).toBe(1);
    expect(verifier.cachedTokens).toBe(1);
    const error = verifier.revoked(user);
    expect(`${error.code}: ${error.message}`).toBe('UNAUTHENTICATED: Access token revoked');
    expect(verifier.cachedTokens).toBe(0);
    expect(await code(verifier.verifySigned('a.b.c'))).toBe('UNAUTHENTICATED: Invalid access token');
  });

  describe('with a DenylistWatch', () => {
    async function watched() {
      const keys = pair();
      const calls = { has: 0 };
      const prefix = `centavo-test:${Math.random()}:`;
      const denylist = new (class extends Denylist {
        override async has(jti: string) {
          calls.has++;
          return super.has(jti);
        }
      })(redis, prefix);
      const subscriber = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      const watch = new DenylistWatch(subscriber, denylist.channel, 2);
      await watch.start();
      const verifier = new TokenVerifier(await importPublicKey(keys.publicKey), denylist).watch(watch);
      const privateKey = await importPrivateKey(keys.privateKey);
      const sign = (userId: string) => signAccessToken(privateKey, { userId, roles: ['USER'] }, 60);
      // Another process's view of the same denylist: its logout reaches this watch through Redis only.
      const elsewhere = new Denylist(redis, prefix);
      const stop = async () => {
        watch.close();
        await subscriber.quit();
      };
      return { verifier, watch, subscriber, calls, sign, elsewhere, stop };
    }

    it('asks Redis once per token, and refuses the token on the request right after its logout anywhere', async () => {
      const { verifier, watch, calls, sign, elsewhere, stop } = await watched();
      try {
        const a = await sign('u1');
        for (let i = 0; i < 3; i++) expect(await code(verifier.verify(a.token))).toBe('ok');
        expect(calls.has).toBe(1);
        expect(watch.size).toBe(1);
        await elsewhere.add(a.jti, Math.floor(a.expiresAt.getTime() / 1000));
        // No wait: the message is in the socket before add() returned.
        expect(await code(verifier.verify(a.token))).toBe('UNAUTHENTICATED: Access token revoked');
        expect(await code(verifier.verify(a.token))).toBe('UNAUTHENTICATED: Access token revoked');
        expect(calls.has).toBe(3);
        expect(watch.size).toBe(0);
      } finally {
        await stop();
      }
    });

    it('keeps at most its bound, and remembers nothing while its subscription is down', async () => {
      const { verifier, watch, subscriber, calls, sign, stop } = await watched();
      try {
        const [a, b, c] = await Promise.all(['u1', 'u2', 'u3'].map(sign));
        for (const t of [a!, b!, c!]) await verifier.verify(t.token);
        expect(watch.size).toBe(2);
        subscriber.disconnect(true);
        await new Promise((resolve) => subscriber.once('close', resolve));
        expect(watch.size).toBe(0);
        calls.has = 0;
        // Redis answers (the command connection is up), but the answer is not kept.
        if (subscriber.status !== 'ready') {
          await verifier.verify(c!.token);
          await verifier.verify(c!.token);
          expect(calls.has).toBe(2);
        }
        // Subscribed again: tokens are remembered again.
        await new Promise((resolve) => (subscriber.status === 'ready' ? resolve(undefined) : subscriber.once('ready', resolve)));
        for (let i = 0; i < 50 && watch.ticket() < 0; i++) await new Promise((r) => setTimeout(r, 20));
        calls.has = 0;
        for (let i = 0; i < 3; i++) await verifier.verify(c!.token);
        expect(calls.has).toBe(1);
      } finally {
        await stop();
      }
    });
  });

  it('parses bearer headers', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(() => bearerToken('Basic abc')).toThrow(/Bearer/);
  });
});
