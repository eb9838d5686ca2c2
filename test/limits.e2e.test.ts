import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, graphql, ok, registerUser, uniqueEmail, type GraphQLResponse } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';

let system: RunningSystem;
let url: string;
beforeAll(async () => {
  // Small limits so each is reached in a few requests; the system's own REDIS_PREFIX keeps its counters.
  system = await startSystem(
    {
      MAX_QUERY_DEPTH: '5',
      MAX_QUERY_COST: '500',
      MAX_ALIASES: '3',
      MAX_QUERY_TOKENS: '80',
      USER_RATE_LIMIT_PER_MINUTE: '30',
      IP_RATE_LIMIT_PER_MINUTE: '40',
      LOGIN_RATE_LIMIT_PER_MINUTE: '3',
      REGISTER_RATE_LIMIT_PER_MINUTE: '6',
    },
    { workers: false },
  );
  url = system.gatewayUrl;
});
afterAll(() => system?.stop());

const ME = '{ me { id } }';

/** Sends the request until it is rate limited (a window may roll over meanwhile, hence `max`). */
async function untilLimited(max: number, send: () => Promise<GraphQLResponse & { status: number }>) {
  for (let i = 0; i < max; i += 1) {
    const res = await send();
    if (codes(res).includes('RATE_LIMITED')) return res;
  }
  throw new Error(`not rate limited after ${max} requests`);
}

describe('limits', () => {
  let token: string;

  it('lets a normal query through', async () => {
    token = (await registerUser(url, 'limits')).accessToken;
    expect(await ok<{ me: { id: string } }>(url, ME, {}, token)).toHaveProperty('me.id');
  });

  it('refuses a query deeper than MAX_QUERY_DEPTH', async () => {
    const res = await graphql(url, '{ accounts { transactions { edges { node { account { id } } } } } }', {}, token);
    expect(codes(res)).toEqual(['QUERY_TOO_DEEP']);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toMatch(/depth 6 exceeds the maximum of 5/);
  });

  it('refuses a query costlier than MAX_QUERY_COST', async () => {
    const res = await graphql(url, '{ transactions(first: 200) { edges { node { id description } } } }', {}, token);
    expect(codes(res)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(res.errors?.[0]?.extensions).toMatchObject({ cost: 801, maxCost: 500 });
    // The same shape with a small page is fine.
    await ok(url, '{ transactions(first: 20) { edges { node { id description } } } }', {}, token);
  });

  it("serves a query at the gateway's limits across every subgraph: their own limits leave room for the query plan", async () => {
    const { categories } = await ok<{ categories: { id: string }[] }>(url, '{ categories { id } }', {}, token);
    const { createAccount } = await ok<{ createAccount: { id: string } }>(url, 'mutation { createAccount(input: { name: "L", type: CHECKING, currency: "BRL" }) { id } }', {}, token);
    for (const amount of ['-1', '-2']) {
      await ok(url, 'mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }', { i: { accountId: createAccount.id, amount, date: '2026-11-02', description: 'Feira', categoryId: categories[0]!.id } }, token);
    }
    // Depth 5, 3 aliases, 75 tokens and cost 295 of 5, 3, 80 and 500.
    const query = `query ($n: Int) { a: transactions(first: $n) { edges { node { ...T } } } b: me { id name email } }
      fragment T on Transaction { id date description amount { amount currency } c: categorization { source confidence } category { name slug } account { name } suggestions { confidence } transferPeer { id } }`;
    const res = await graphql<{ a: { edges: { node: { id: string; category: { name: string } } }[] } }>(url, query, { n: 10 }, token);
    expect(res.errors).toBeUndefined();
    expect(res.data?.a.edges).toHaveLength(2);
    expect(res.data?.a.edges[0]?.node.category.name).toEqual(expect.any(String));

    // 76 tokens, nearly all the ai subgraph's: its entity fetch adds a wrapper and comes to 84.
    const ai = `query ($id: ID!, $a: Boolean!) { transaction(id: $id) {
      c: categorization { source @include(if: $a) confidence explanation modelVersion category { id } }
      s: suggestions { confidence @include(if: $a) category { id } }
      d: categorization { source confidence explanation modelVersion category { id } } } }`;
    const id = res.data?.a.edges[0]?.node.id;
    expect(await graphql(url, ai, { id, a: true }, token)).toEqual({ status: 200, data: { transaction: { c: null, s: [], d: null } } });
  });

  it('refuses more aliases than MAX_ALIASES', async () => {
    const res = await graphql(url, '{ a: me { id } b: me { id } c: me { id } d: me { id } }', {}, token);
    expect(codes(res)).toEqual(['TOO_MANY_ALIASES']);
  });

  it('refuses a query text of more than MAX_QUERY_TOKENS tokens', async () => {
    const res = await graphql(url, `{ me { ${'id '.repeat(100)}} }`, {}, token);
    expect(codes(res)).toEqual(['TOO_MANY_TOKENS']);
    expect(res.status).toBe(400);
  });

  it('rate limits one user with 429, retryAfter and Retry-After, leaving others alone', async () => {
    const busy = (await registerUser(url, 'busy')).accessToken;
    const res = await untilLimited(70, () => graphql(url, ME, {}, busy));
    expect(res.status).toBe(429);
    const retryAfter = res.errors?.[0]?.extensions?.retryAfter as number;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const raw = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${busy}` },
      body: JSON.stringify({ query: ME }),
    });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
    await ok(url, ME, {}, token);
  });

  it('rate limits login attempts per IP and email', async () => {
    const session = await registerUser(url, 'victim');
    const login = () =>
      graphql(url, 'mutation ($input: LoginInput!) { login(input: $input) { accessToken } }', {
        input: { email: ` ${session.email.toUpperCase()}`, password: 'wrong password' },
      });
    const first = await login();
    expect(codes(first)).toEqual(['UNAUTHENTICATED']);
    const res = await untilLimited(8, login);
    expect(res.status).toBe(429);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('rate limits registrations per IP', async () => {
    const register = () =>
      graphql(url, 'mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }', {
        input: { email: uniqueEmail('many'), password: 'long enough', name: 'M' },
      });
    const res = await untilLimited(14, register);
    expect(res.status).toBe(429);
  });

  it('rate limits anonymous requests per IP', async () => {
    const res = await untilLimited(90, () => graphql(url, '{ __typename }'));
    expect(res.status).toBe(429);
    // An authenticated user is counted on its own, not by address.
    await ok(url, ME, {}, token);
  });
});
