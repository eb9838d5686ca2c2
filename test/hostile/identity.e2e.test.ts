import { createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mintToken, registerUser, uniqueEmail, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from '../support/system.js';
import { codesOf, expectAlive, expectClean, expectRefused, gql, send, tally, type Answer } from './harness.js';

/** Forged tokens, refresh-token races and login/register throttling however the operation is written. */
const LOGIN_LIMIT = 5;
let system: RunningSystem;
let url: string;
let victim: Session;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  system = await startSystem({ LOGIN_RATE_LIMIT_PER_MINUTE: String(LOGIN_LIMIT), REGISTER_RATE_LIMIT_PER_MINUTE: '8' }, { workers: false });
  url = system.gatewayUrl;
  victim = await registerUser(url, 'hostile-id', PASSWORD);
});
afterAll(() => system?.stop());
beforeEach(() => system.resetRateLimits());
afterEach(() => expectAlive(url));

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const claims = (sub: string) => ({ sub, roles: ['USER', 'ADMIN'], iss: 'centavo-auth', aud: 'centavo', jti: randomUUID(), iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 });
const ME = '{ me { id email } }';
const LOGIN = 'mutation ($i: LoginInput!) { login(input: $i) { accessToken } }';
const wrong = (email = victim.email) => ({ i: { email, password: 'not the password' } });

function expectUnauthenticated(a: Answer) {
  expectRefused(a, 'UNAUTHENTICATED');
  expect(a.status).toBe(401);
}

/** Sends until RATE_LIMITED; returns how many were let through before it. */
async function allowedBeforeLimit(sendOne: () => Promise<Answer>, max = 20): Promise<number> {
  // The limits count in fixed one-minute windows: a count that straddled a window's end would
  // start again in the next one. Begin with at least 20 s of the window left.
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 20_000) await new Promise((r) => setTimeout(r, left + 50));
  for (let i = 0; i < max; i++) {
    const a = await sendOne();
    expectClean(a);
    if (codesOf(a).includes('RATE_LIMITED')) return i;
  }
  throw new Error(`not rate limited after ${max}`);
}

describe('hostile identities', () => {
  it('refuses a token signed with another key', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const head = `${b64({ alg: 'EdDSA', typ: 'JWT' })}.${b64(claims(victim.id))}`;
    expectUnauthenticated(await gql(url, ME, {}, `${head}.${sign(null, Buffer.from(head), privateKey).toString('base64url')}`));
  });

  it('refuses an unsigned (alg none) token', async () => {
    expectUnauthenticated(await gql(url, ME, {}, `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims(victim.id))}.`));
  });

  it('refuses an HS256 token keyed with a guessable secret (algorithm confusion)', async () => {
    const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims(victim.id))}`;
    expectUnauthenticated(await gql(url, ME, {}, `${head}.${createHmac('sha256', 'centavo').update(head).digest('base64url')}`));
  });

  it('refuses a valid token whose payload was changed', async () => {
    const [head, , signature] = victim.accessToken.split('.');
    expectUnauthenticated(await gql(url, ME, {}, `${head}.${b64(claims(randomUUID()))}.${signature}`));
  });

  it('refuses an expired token', async () => expectUnauthenticated(await gql(url, ME, {}, await mintToken(victim.id, -60))));

  it('refuses garbage after Bearer', async () => expectUnauthenticated(await gql(url, ME, {}, 'abc.def.ghi')));

  it('refuses a 12 KB Authorization header without a stack', async () => {
    const a = await send(url, { query: ME }, { authorization: `Bearer ${'a'.repeat(12_000)}` });
    expect(a.status).toBeGreaterThanOrEqual(400);
    expect(a.status).toBeLessThan(500);
  });

  it('shows a stranger nothing for an unknown user id in a valid token', async () => {
    const a = await gql(url, '{ me { id } accounts { id } }', {}, await mintToken(randomUUID()));
    expectClean(a);
    expect(a.json?.data).toEqual({ me: null, accounts: [] });
  });

  it('refuses a token after logout', async () => {
    const s = await registerUser(url, 'hostile-logout');
    expectClean(await gql(url, 'mutation { logout }', {}, s.accessToken));
    expectUnauthenticated(await gql(url, ME, {}, s.accessToken));
  });

  it('revokes the whole family when a used refresh token comes back', async () => {
    const s = await registerUser(url, 'hostile-reuse');
    const refresh = 'mutation ($t: String!) { refreshToken(refreshToken: $t) { refreshToken } }';
    const first = await gql(url, refresh, { t: s.refreshToken });
    const next = (first.json?.data?.refreshToken as { refreshToken: string }).refreshToken;
    expectRefused(await gql(url, refresh, { t: s.refreshToken }), 'UNAUTHENTICATED');
    expectRefused(await gql(url, refresh, { t: next }), 'UNAUTHENTICATED');
  });

  it('revokes every token of a family presented 10 times at once', async () => {
    const s = await registerUser(url, 'hostile-race');
    const refresh = 'mutation ($t: String!) { refreshToken(refreshToken: $t) { refreshToken } }';
    const answers = await Promise.all(Array.from({ length: 10 }, () => gql(url, refresh, { t: s.refreshToken })));
    answers.forEach(expectClean);
    const issued = answers.flatMap((a) => (a.json?.data?.refreshToken ? [(a.json.data.refreshToken as { refreshToken: string }).refreshToken] : []));
    expect(issued.length).toBeLessThanOrEqual(1);
    for (const t of issued) expectRefused(await gql(url, refresh, { t }), 'UNAUTHENTICATED');
  });

  it('refuses a 900 KB refresh token cleanly', async () => {
    const a = await gql(url, 'mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }', { t: 'r'.repeat(900_000) });
    expectClean(a);
    expect(codesOf(a)[0]).toMatch(/UNAUTHENTICATED|BAD_USER_INPUT/);
  });

  it('throttles plain login attempts per email', async () => {
    expect(await allowedBeforeLimit(() => gql(url, LOGIN, wrong()))).toBe(LOGIN_LIMIT);
  });

  it('counts logins written in a named fragment', async () => {
    const q = 'mutation ($i: LoginInput!) { ...L } fragment L on Mutation { login(input: $i) { accessToken } }';
    expect(await allowedBeforeLimit(() => gql(url, q, wrong()))).toBe(LOGIN_LIMIT);
  });

  it('counts logins written in an inline fragment with @include', async () => {
    const q = 'mutation ($i: LoginInput!, $yes: Boolean!) { ... on Mutation @include(if: $yes) { login(input: $i) { accessToken } } }';
    expect(await allowedBeforeLimit(() => gql(url, q, { ...wrong(), yes: true }))).toBe(LOGIN_LIMIT);
  });

  it('counts every alias of login in one request', async () => {
    const q = `mutation ($i: LoginInput!) { ${Array.from({ length: LOGIN_LIMIT + 1 }, (_, k) => `l${k}: login(input: $i) { accessToken }`).join(' ')} }`;
    expectRefused(await gql(url, q, wrong()), 'RATE_LIMITED');
  });

  it('counts one email however it is cased and padded', async () => {
    let k = 0;
    const variants = () => ` ${k++ % 2 ? victim.email.toUpperCase() : victim.email} `;
    expect(await allowedBeforeLimit(() => gql(url, LOGIN, wrong(variants())))).toBe(LOGIN_LIMIT);
  });

  it('does not let the right password through once the email is throttled', async () => {
    await allowedBeforeLimit(() => gql(url, LOGIN, wrong()));
    expectRefused(await gql(url, LOGIN, { i: { email: victim.email, password: PASSWORD } }), 'RATE_LIMITED');
  });

  it('throttles logins sent straight to the auth subgraph', async () => {
    expect(await allowedBeforeLimit(() => gql(system.urls.auth, LOGIN, wrong()))).toBeLessThanOrEqual(LOGIN_LIMIT);
  });

  it('refuses a 900 KB email quickly', async () => {
    const a = await gql(url, LOGIN, wrong(`${'a'.repeat(900_000)}@example.com`));
    expectClean(a);
    expect(a.ms).toBeLessThan(1_500);
  });

  it('refuses a NUL in the password naming the field', async () => {
    expectRefused(await gql(url, LOGIN, { i: { email: victim.email, password: 'abc\u0000def' } }), 'BAD_USER_INPUT', 'password');
  });

  it('refuses a taken email in another case as CONFLICT', async () => {
    const q = 'mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }';
    expectRefused(await gql(url, q, { i: { email: victim.email.toUpperCase(), password: PASSWORD, name: 'X' } }), 'CONFLICT');
  });

  it('refuses an oversized name and password naming each', async () => {
    const q = 'mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }';
    expectRefused(await gql(url, q, { i: { email: uniqueEmail('big'), password: PASSWORD, name: 'n'.repeat(10_000) } }), 'BAD_USER_INPUT', 'name');
    expectRefused(await gql(url, q, { i: { email: uniqueEmail('big'), password: 'p'.repeat(100_000), name: 'X' } }), 'BAD_USER_INPUT', 'password');
  });

  it('throttles registrations', async () => {
    const q = 'mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }';
    expect(await allowedBeforeLimit(() => gql(url, q, { i: { email: 'not-an-email', password: PASSWORD, name: 'X' } }))).toBe(8);
  });

  it('has answered every hostile identity without a 5xx or an internal error', () => {
    expect(tally).toMatchObject({ serverErrors: 0, internalErrors: 0 });
  });
});
