import { createClient, type Client } from 'graphql-ws';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPublisher, type Publisher } from '@centavo/pubsub';
import { codes, graphql, ok, registerUser, uniqueEmail, type Session } from '@centavo/testing';
import { startOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';
import { startSystem, type RunningSystem } from './support/system.js';

let provider: TestOidcProvider;
let system: RunningSystem;
let url: string;
let publisher: Publisher;
let bob: Session;
const clients: Client[] = [];

const ME = `{ me { id email name roles } }`;
const ACCOUNTS = `{ accounts { id name } }`;
type Me = { me: { id: string; email: string; name: string; roles: string[] } };

const messages = (res: { errors?: { message: string }[] }) => (res.errors ?? []).map((e) => e.message);

async function createAccount(token: string, name: string): Promise<string> {
  const { createAccount } = await ok<{ createAccount: { id: string } }>(
    url,
    `mutation ($i: CreateAccountInput!) { createAccount(input: $i) { id } }`,
    { i: { name, type: 'CHECKING', currency: 'BRL' } },
    token,
  );
  return createAccount.id;
}

/** What a request with this token gets: its error codes, messages and HTTP status. */
async function refusal(token: string) {
  const res = await graphql(url, ME, {}, token);
  return { codes: codes(res), messages: messages(res), status: res.status };
}

beforeAll(async () => {
  provider = await startOidcProvider();
  // No workers: this file tests sign-in, and background events would only add noise.
  // The JWKS cooldown is 0 so a rotation is seen at once; provider tokens are re-verified every second.
  system = await startSystem(
    { OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: provider.clientId, OIDC_JWKS_COOLDOWN_SECONDS: '0', OIDC_RECHECK_SECONDS: '1' },
    { workers: false },
  );
  url = system.gatewayUrl;
  publisher = createPublisher({ REDIS_URL: system.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: system.env.REDIS_PREFIX! });
  bob = await registerUser(url, 'bob');
});
afterEach(async () => {
  provider.jwksDown = false;
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(async () => {
  await publisher?.close();
  await system?.stop();
  await provider?.stop();
});

describe('sign-in through an OpenID Connect provider', () => {
  it("creates the subject's user on first use, finds it again, and keeps its data its own", async () => {
    const email = uniqueEmail('alice');
    const first = await provider.token({ sub: 'alice-subject', email, name: 'Alice  Prado' });
    const me = (await ok<Me>(url, ME, {}, first)).me;
    expect(me).toMatchObject({ email, name: 'Alice Prado', roles: ['USER'] });

    // A new token of the same subject (another sign-in) is the same user.
    const second = await provider.token({ sub: 'alice-subject', email });
    expect((await ok<Me>(url, ME, {}, second)).me.id).toBe(me.id);

    const accountId = await createAccount(second, 'Alice via OIDC');
    expect((await ok<{ accounts: { id: string }[] }>(url, ACCOUNTS, {}, first)).accounts.map((a) => a.id)).toEqual([accountId]);
    // Another subject of the provider, and a user who registered with a password, see none of it.
    const carol = await provider.token({ sub: 'carol-subject' });
    expect((await ok<{ accounts: unknown[] }>(url, ACCOUNTS, {}, carol)).accounts).toEqual([]);
    expect((await ok<{ accounts: unknown[] }>(url, ACCOUNTS, {}, bob.accessToken)).accounts).toEqual([]);
    const account = `query ($id: ID!) { account(id: $id) { id } }`;
    expect(codes(await graphql(url, account, { id: accountId }, carol))).toEqual(['NOT_FOUND']);
    // Centavo's own tokens work as before beside the provider's.
    expect((await ok<Me>(url, ME, {}, bob.accessToken)).me.id).toBe(bob.id);
  });

  it('takes the email only when verified and free; otherwise a placeholder, never an existing account', async () => {
    const unverified = await provider.token({ sub: 'dave-subject', email: uniqueEmail('dave'), emailVerified: false });
    const dave = (await ok<Me>(url, ME, {}, unverified)).me;
    expect(dave.email).toMatch(/^oidc-[0-9a-f]{24}@users\.invalid$/);
    expect(dave.name).toBe('Centavo user');

    // Bob's (verified) email at the provider does not sign anyone in as Bob.
    const bobsEmail = (await ok<Me>(url, ME, {}, bob.accessToken)).me.email;
    const mallory = (await ok<Me>(url, ME, {}, await provider.token({ sub: 'mallory-subject', email: bobsEmail }))).me;
    expect(mallory.id).not.toBe(bob.id);
    expect(mallory.email).toMatch(/@users\.invalid$/);
  });

  it('serves a graphql-ws subscription to a provider token', async () => {
    const token = await provider.token({ sub: 'erin-subject' });
    const erin = (await ok<Me>(url, ME, {}, token)).me;
    const accountId = await createAccount(token, 'Erin checking');
    const { createTransaction } = await ok<{ createTransaction: { id: string } }>(
      url,
      `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
      { i: { accountId, amount: '-12.5', date: '2026-11-02', description: 'Padaria' } },
      token,
    );
    const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    clients.push(client);
    const received: unknown[] = [];
    let failed: unknown;
    client.subscribe(
      { query: `subscription { transactionCategorized { id amount { amount } account { name } } }` },
      { next: (v) => void received.push(v), error: (e) => (failed = e), complete: () => undefined },
    );
    // Published until it arrives: the socket's subscription starts listening shortly after connecting.
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && !failed && Date.now() < deadline) {
      await publisher.publish(erin.id, { __typename: 'Transaction', id: createTransaction.id, field: 'transactionCategorized' });
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(failed).toBeUndefined();
    expect(received[0]).toEqual({ data: { transactionCategorized: { id: createTransaction.id, amount: { amount: '-12.50' }, account: { name: 'Erin checking' } } } });

    // A socket with a bad provider token is refused for good (4401).
    const bad = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${await provider.token({ aud: 'someone-else' })}` }, retryAttempts: 0 });
    clients.push(bad);
    const closed = await new Promise<{ code?: number; reason?: string }>((resolve) => {
      bad.subscribe({ query: `subscription { transactionCategorized { id } }` }, { next: () => undefined, error: (e) => resolve(e as { code?: number }), complete: () => undefined });
    });
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/aud/);
  });

  it('follows key rotation: a new kid is fetched, a removed key stops working', async () => {
    const before = await provider.token({ sub: 'frank-subject' });
    const frank = (await ok<Me>(url, ME, {}, before)).me;
    const oldKid = provider.currentKid;

    // The provider adds a key and signs with it: its first token makes the gateway fetch the JWKS again.
    const fetches = provider.jwksFetches;
    await provider.rotate({ alg: 'ES256' });
    const afterAdd = await provider.token({ sub: 'frank-subject' });
    expect((await ok<Me>(url, ME, {}, afterAdd)).me.id).toBe(frank.id);
    expect(provider.jwksFetches).toBeGreaterThan(fetches);
    // Both keys are published: a token of the old key still works.
    expect((await ok<Me>(url, ME, {}, await provider.token({ sub: 'frank-subject', kid: oldKid }))).me.id).toBe(frank.id);

    // Then it removes every older key and signs with a new one.
    const newest = await provider.rotate({ dropOld: true });
    const fresh = await provider.token({ sub: 'frank-subject' });
    expect(decodeProtectedHeader(fresh).kid).toBe(newest);
    expect((await ok<Me>(url, ME, {}, fresh)).me.id).toBe(frank.id);
    // A token signed with a removed key is refused, never seen before or verified earlier.
    const oldSigned = await provider.token({ sub: 'frank-subject', kid: oldKid });
    expect(await refusal(oldSigned)).toEqual({ codes: ['UNAUTHENTICATED'], messages: ['Invalid sign-in token: signed with a key the identity provider does not publish'], status: 401 });
    await new Promise((r) => setTimeout(r, 1_100)); // OIDC_RECHECK_SECONDS
    expect((await refusal(before)).codes).toEqual(['UNAUTHENTICATED']);
    expect((await ok<Me>(url, ME, {}, fresh)).me.id).toBe(frank.id);
  });

  it('refuses wrong audience, wrong issuer, expiry, alg none and foreign keys with UNAUTHENTICATED', async () => {
    expect(await refusal(await provider.token({ aud: 'another-client' }))).toEqual({
      codes: ['UNAUTHENTICATED'],
      messages: ['Invalid sign-in token: unexpected "aud" claim value'],
      status: 401,
    });
    // Beyond the clock tolerance (30 s by default).
    expect(await refusal(await provider.token({ expiresIn: -120 }))).toEqual({ codes: ['UNAUTHENTICATED'], messages: ['Sign-in token expired'], status: 401 });
    // `alg: none` is refused outright (only RS256, ES256 and EdDSA are allowed by default).
    expect(await refusal(provider.unsignedToken())).toMatchObject({ codes: ['UNAUTHENTICATED'], status: 401 });
    // Another issuer (even one on 127.0.0.1) is not trusted: its tokens are not Centavo's either.
    const stranger = await startOidcProvider(provider.clientId);
    try {
      expect(await refusal(await stranger.token())).toMatchObject({ codes: ['UNAUTHENTICATED'], status: 401 });
      // A token claiming the configured issuer but signed by a key the issuer never published.
      expect(await refusal(await stranger.token({ iss: provider.issuer }))).toMatchObject({ codes: ['UNAUTHENTICATED'], status: 401 });
    } finally {
      await stranger.stop();
    }
  });

  it('answers UNAUTHENTICATED (not 500) while the provider keys cannot be fetched, and recovers', async () => {
    provider.jwksDown = true;
    // A new kid forces a fetch of the key set, which fails.
    await provider.rotate();
    const token = await provider.token({ sub: 'grace-subject' });
    expect(await refusal(token)).toEqual({
      codes: ['UNAUTHENTICATED'],
      messages: ['Cannot verify the sign-in token now: the identity provider cannot be reached; try again shortly'],
      status: 401,
    });
    provider.jwksDown = false;
    expect((await ok<Me>(url, ME, {}, token)).me.id).toBeTruthy();
  });

  it('logout with a provider token refuses that token from then on', async () => {
    const token = await provider.token({ sub: 'heidi-subject' });
    await ok(url, ME, {}, token);
    expect(await ok(url, `mutation { logout }`, {}, token)).toEqual({ logout: true });
    expect(await refusal(token)).toEqual({ codes: ['UNAUTHENTICATED'], messages: ['Access token revoked'], status: 401 });
    // A new sign-in at the provider (a new token) works again.
    expect((await ok<Me>(url, ME, {}, await provider.token({ sub: 'heidi-subject' }))).me.id).toBeTruthy();
  });
});

describe('/.well-known/jwks.json', () => {
  it("publishes Centavo's public key, which verifies Centavo's access tokens", async () => {
    const res = await fetch(new URL('/.well-known/jwks.json', url));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const jwks = (await res.json()) as JSONWebKeySet;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', use: 'sig', alg: 'EdDSA', kid: expect.stringMatching(/^[\w-]{43}$/) });
    expect(jwks.keys[0]).not.toHaveProperty('d');

    const session = await registerUser(url, 'verifier');
    expect(decodeProtectedHeader(session.accessToken).kid).toBe(jwks.keys[0]!.kid);
    const { payload } = await jwtVerify(session.accessToken, createLocalJWKSet(jwks), { issuer: 'centavo-auth', audience: 'centavo', algorithms: ['EdDSA'] });
    expect(payload.sub).toBe(session.id);
    // A token signed elsewhere does not verify against it.
    await expect(jwtVerify(await provider.token(), createLocalJWKSet(jwks))).rejects.toThrow();
  });
});
