import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { createPublisher, type Publisher } from '@centavo/pubsub';
import { eventually } from './support/wait.js';

// The limits of an HTTP request, small here, hold for subscription documents too.
const SOCKETS = 3;
let system: RunningSystem;
let wsUrl: string;
let publisher: Publisher;
let ana: Session;
let bob: Session;
const clients: Client[] = [];

beforeAll(async () => {
  system = await startSystem(
    { MAX_QUERY_DEPTH: '4', MAX_QUERY_COST: '100', MAX_ALIASES: '2', MAX_QUERY_TOKENS: '60', MAX_SOCKETS_PER_USER: String(SOCKETS), SUBSCRIPTIONS_PER_SOCKET: '2' },
    { workers: false },
  );
  wsUrl = system.gatewayUrl.replace(/^http/, 'ws');
  publisher = createPublisher({ REDIS_URL: system.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: system.env.REDIS_PREFIX! });
  [ana, bob] = await Promise.all([registerUser(system.gatewayUrl, 'ana'), registerUser(system.gatewayUrl, 'bob')]);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(async () => {
  await publisher?.close();
  await system?.stop();
});

type Outcome = 'connected' | { code: number; reason: string };

/** Opens a socket at once (not lazily) and tells whether the gateway acknowledged or closed it. */
async function open(token: string): Promise<{ client: Client; outcome: Outcome }> {
  let settle: (outcome: Outcome) => void = () => undefined;
  const outcome = new Promise<Outcome>((resolve) => (settle = resolve));
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => undefined,
    on: {
      connected: () => settle('connected'),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        settle({ code, reason });
      },
    },
  });
  clients.push(client);
  return { client, outcome: await outcome };
}

/** The errors a subscription ends with, or the first result it gets. */
function first(client: Client, query: string, variables: Record<string, unknown> = {}): Promise<unknown> {
  return new Promise((resolve) => {
    client.subscribe({ query, variables }, { next: resolve, error: resolve, complete: () => undefined });
  });
}
const codesOf = (errors: unknown) => (errors as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code);

describe('subscription documents meet the query limits', () => {
  it('refuses a subscription deeper than MAX_QUERY_DEPTH, with too many aliases, tokens or cost', async () => {
    const { client } = await open(ana.accessToken);
    const deep = await first(client, 'subscription { transactionCategorized { account { transactions(first: 1) { edges { node { id } } } } } }');
    expect(deep).toMatchObject([{ extensions: { code: 'QUERY_TOO_DEEP', depth: 6, maxDepth: 4 } }]);
    expect(JSON.stringify(deep)).not.toContain('"http"');
    const aliases = await first(client, 'subscription { transactionCategorized { a: id b: id c: id } }');
    expect(codesOf(aliases)).toEqual(['TOO_MANY_ALIASES']);
    const tokens = await first(client, `subscription { transactionCategorized { ${'id '.repeat(60)}} }`);
    expect(codesOf(tokens)).toEqual(['TOO_MANY_TOKENS']);
    const costly = await first(client, 'subscription { transactionCategorized { account { transactions(first: 200) { totalCount } } } }');
    expect(codesOf(costly)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('serves a subscription at the limits, its refetch included', async () => {
    const { createAccount } = await ok<{ createAccount: { id: string } }>(
      system.gatewayUrl,
      `mutation { createAccount(input: { name: "Limits", type: CHECKING, currency: "BRL" }) { id } }`,
      {},
      ana.accessToken,
    );
    const { createTransaction } = await ok<{ createTransaction: { id: string } }>(
      system.gatewayUrl,
      `mutation ($a: ID!) { createTransaction(input: { accountId: $a, amount: "-3", date: "2026-11-02", description: "Pao" }) { id } }`,
      { a: createAccount.id },
      ana.accessToken,
    );
    const { client } = await open(ana.accessToken);
    // Two aliases and depth 3 over graphql-ws; the refetch adds a third (transactionCategorized: transaction).
    const result = first(client, 'subscription { transactionCategorized { b: id c: description account { name } } }');
    await eventually(async () => ((await publisher.subscriberCount(ana.id)) > 0 ? true : undefined), 5_000, 'the subscription');
    await publisher.publish(ana.id, { __typename: 'Transaction', id: createTransaction.id, field: 'transactionCategorized' });
    expect(await result).toEqual({ data: { transactionCategorized: { b: createTransaction.id, c: 'Pao', account: { name: 'Limits' } } } });
  });

  it('answers a subscription past SUBSCRIPTIONS_PER_SOCKET with LIMIT_EXCEEDED and its limit', async () => {
    const { client } = await open(ana.accessToken);
    void first(client, 'subscription { transactionCategorized { id } }');
    void first(client, 'subscription { alertRaised { id } }');
    const third = await first(client, 'subscription { budgetUpdated { id } }');
    expect(third).toMatchObject([{ extensions: { code: 'LIMIT_EXCEEDED', resource: 'subscriptions', limit: 2 } }]);
  });
});

describe('sockets per user', () => {
  it(`closes a user's socket past MAX_SOCKETS_PER_USER with 4429, while another user connects`, async () => {
    const sockets = await Promise.all(Array.from({ length: SOCKETS }, () => open(ana.accessToken)));
    expect(sockets.map((s) => s.outcome)).toEqual(Array(SOCKETS).fill('connected'));
    const extra = await open(ana.accessToken);
    expect(extra.outcome).toEqual({ code: 4429, reason: `Too many sockets for this user (at most ${SOCKETS})` });
    expect((await open(bob.accessToken)).outcome).toBe('connected');

    // A closed socket frees its place.
    await sockets[0]!.client.dispose();
    const again = await eventually(async () => {
      const attempt = await open(ana.accessToken);
      return attempt.outcome === 'connected' ? attempt : undefined;
    }, 5_000, 'a free socket');
    expect(again.outcome).toBe('connected');
  });
});
