import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { eventually } from './support/wait.js';

const DASHBOARD = `query Dashboard { accounts { id name balance { amount currency } }
  transactions(first: 50) { totalCount edges { node { id amount { amount } date description account { name }
  category { slug name } categorization { confidence source } } } } }`;

interface Dashboard {
  accounts: { id: string; name: string; balance: { amount: string } }[];
  transactions: { totalCount: number; edges: { node: { id: string; description: string; category: { slug: string } | null } }[] };
}

interface Answer<T> {
  cache: string | null;
  data: T;
  errors?: { extensions?: { code?: string } }[];
}

/** A POST to /graphql, with the x-response-cache header the gateway answers with (hit, miss or none). */
async function post<T = Dashboard>(url: string, query: string, token?: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data: T; errors?: Answer<T>['errors'] };
  return { cache: res.headers.get('x-response-cache'), data: body.data, ...(body.errors ? { errors: body.errors } : {}) };
}

const createAccount = async (url: string, s: Session, name: string) =>
  (await ok<{ createAccount: { id: string } }>(url, `mutation ($n: String!) { createAccount(input: { name: $n, type: CHECKING, currency: "BRL" }) { id } }`, { n: name }, s.accessToken)).createAccount.id;

describe('response cache (on, the default)', () => {
  let system: RunningSystem;
  let url: string;
  let ana: Session;
  let bob: Session;
  let anaAccount: string;
  let redis: Redis;
  const clients: Client[] = [];

  beforeAll(async () => {
    system = await startSystem();
    url = system.gatewayUrl;
    redis = new Redis(system.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    [ana, bob] = await Promise.all([registerUser(url, 'ana'), registerUser(url, 'bob')]);
    anaAccount = await createAccount(url, ana, 'Ana checking');
    await createAccount(url, bob, 'Bob savings');
  }, 90_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await redis?.quit();
    await system?.stop();
  });

  it('answers a repeated query from the cache with identical data, for as long as the hints allow', async () => {
    const first = await post(url, DASHBOARD, ana.accessToken);
    expect(first.cache).toBe('miss');
    const second = await post(url, DASHBOARD, ana.accessToken);
    expect(second).toEqual({ ...first, cache: 'hit' });
    // A GET goes through Apollo (the plugin, not the POST fast path) and reads the same entry.
    const viaGet = await fetch(`${url}?query=${encodeURIComponent(DASHBOARD)}`, { headers: { authorization: `Bearer ${ana.accessToken}`, 'apollo-require-preflight': 'true' } });
    expect(viaGet.headers.get('x-response-cache')).toBe('hit');
    expect(await viaGet.json()).toEqual({ data: first.data });
    // The subgraphs' @cacheControl(maxAge: 60) sets the entry's TTL.
    const keys = await redis.keys(`${system.env.REDIS_PREFIX!}rc:{${ana.id}}:*:*`);
    expect(keys).toHaveLength(1);
    const ttl = await redis.ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it("never gives one user another's entry", async () => {
    await post(url, DASHBOARD, ana.accessToken);
    const bobs = await post(url, DASHBOARD, bob.accessToken);
    expect(bobs.cache).toBe('miss');
    expect(bobs.data.accounts.map((a) => a.name)).toEqual(['Bob savings']);
    expect((await post(url, DASHBOARD, bob.accessToken)).data.accounts.map((a) => a.name)).toEqual(['Bob savings']);
    expect((await post(url, DASHBOARD, ana.accessToken)).data.accounts.map((a) => a.name)).toEqual(['Ana checking']);
  });

  it("shows a user's mutation in their very next read, and leaves another user's entries cached", async () => {
    await post(url, DASHBOARD, ana.accessToken);
    await post(url, DASHBOARD, bob.accessToken);
    expect((await post(url, DASHBOARD, ana.accessToken)).cache).toBe('hit');
    await createAccount(url, ana, 'Ana savings');
    const next = await post(url, DASHBOARD, ana.accessToken);
    expect(next.cache).toBe('miss');
    expect(next.data.accounts.map((a) => a.name)).toEqual(['Ana checking', 'Ana savings']);
    expect((await post(url, DASHBOARD, bob.accessToken)).cache).toBe('hit');
  });

  it("shows a worker's change (the category it chose) in the read right after transactionCategorized arrives", async () => {
    const events: string[] = [];
    const client = createClient({ url: url.replace('http', 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${ana.accessToken}` }, retryAttempts: 0 });
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.on('connected', () => setTimeout(resolve, 100));
      client.subscribe<{ transactionCategorized: { id: string } }>(
        { query: 'subscription { transactionCategorized { id } }' },
        { next: (m) => m.data && events.push(m.data.transactionCategorized.id), error: reject, complete: () => undefined },
      );
    });
    const { createTransaction } = await ok<{ createTransaction: { id: string } }>(
      url,
      `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
      { i: { accountId: anaAccount, amount: '-55.90', date: '2026-11-20', description: 'NETFLIX.COM' } },
      ana.accessToken,
    );
    // Read (and cache) while the workers are still at it, as a client polling would.
    const before = await post(url, DASHBOARD, ana.accessToken);
    const row = (d: Dashboard) => d.transactions.edges.find((e) => e.node.id === createTransaction.id)?.node;
    expect(row(before.data)).toBeDefined();
    await eventually(async () => events.includes(createTransaction.id) || undefined, 20_000, 'transactionCategorized');
    const after = await post(url, DASHBOARD, ana.accessToken);
    expect(row(after.data)?.category?.slug).toBe('subscriptions');
  });

  it('caches no response with errors, and nothing for anonymous callers', async () => {
    const missing = `{ account(id: "${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}") { id } }`;
    const first = await post(url, missing, ana.accessToken);
    expect(first.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await post(url, missing, ana.accessToken)).cache).toBe('miss');
    const anonymous = await post(url, '{ __typename }');
    expect(anonymous.cache).toBeNull();
  });

  it('counts hits and misses at /metrics', async () => {
    const text = await (await fetch(new URL('/metrics', url))).text();
    expect(Number(/response_cache_total\{result="hit"\} (\d+)/.exec(text)?.[1])).toBeGreaterThan(0);
    expect(Number(/response_cache_total\{result="miss"\} (\d+)/.exec(text)?.[1])).toBeGreaterThan(0);
    expect(Number(/response_cache_total\{result="invalidation"\} (\d+)/.exec(text)?.[1])).toBeGreaterThan(0);
  });
});

describe('response cache off (RESPONSE_CACHE=0)', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem({ RESPONSE_CACHE: '0' }, { workers: false });
  }, 90_000);
  afterAll(async () => {
    await system?.stop();
  });

  it('runs every query against the subgraphs and stores nothing', async () => {
    const url = system.gatewayUrl;
    const carla = await registerUser(url, 'carla');
    await createAccount(url, carla, 'Carla checking');
    const answers = [await post(url, DASHBOARD, carla.accessToken), await post(url, DASHBOARD, carla.accessToken)];
    expect(answers.map((a) => a.cache)).toEqual([null, null]);
    expect(answers[1]!.data).toEqual(answers[0]!.data);
    const redis = new Redis(system.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      expect(await redis.keys(`${system.env.REDIS_PREFIX!}rc:{${carla.id}}:*:*`)).toEqual([]);
    } finally {
      await redis.quit();
    }
  });
});
