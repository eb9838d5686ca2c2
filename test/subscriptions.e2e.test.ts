import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionMetrics } from '@centavo/gateway';
import { graphql, mintToken, ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { createPublisher, type Publisher } from '@centavo/pubsub';

let system: RunningSystem;
let url: string;
let wsUrl: string;
let publisher: Publisher;
let ana: Session;
let bob: Session;
let anaTx: string;
let bobTx: string;
const clients: Client[] = [];
/** The client WebSockets, to make one deliberately slow (it stops reading). */
const sockets: WebSocket[] = [];

const TX_SELECTION = `subscription { transactionCategorized { id amount { amount } account { name } } }`;

async function createTransaction(s: Session, accountName: string, amount: string): Promise<string> {
  const { createAccount } = await ok<{ createAccount: { id: string } }>(
    url,
    `mutation ($i: CreateAccountInput!) { createAccount(input: $i) { id } }`,
    { i: { name: accountName, type: 'CHECKING', currency: 'BRL' } },
    s.accessToken,
  );
  const { createTransaction } = await ok<{ createTransaction: { id: string } }>(
    url,
    `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
    { i: { accountId: createAccount.id, amount, date: '2026-11-02', description: 'Padaria' } },
    s.accessToken,
  );
  return createTransaction.id;
}

class TrackedWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    sockets.push(this);
  }
}

function connect(token?: string): Client {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: TrackedWebSocket,
    connectionParams: token === undefined ? {} : { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  clients.push(client);
  return client;
}

interface Subscription {
  received: Record<string, unknown>[];
  /** What the sink's error got: a close event or GraphQL errors. */
  failure: Promise<unknown>;
  stop(): void;
}

function subscribe(client: Client, query: string, variables: Record<string, unknown> = {}): Subscription {
  const received: Record<string, unknown>[] = [];
  let fail: (reason: unknown) => void = () => undefined;
  const failure = new Promise((resolve) => (fail = resolve));
  const stop = client.subscribe(
    { query, variables },
    { next: (value) => void received.push(value as Record<string, unknown>), error: fail, complete: () => undefined },
  );
  return { received, failure, stop };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Subscriptions only listen once their Redis channel is subscribed, which the gateway counts. */
const live = (count: number) => waitFor(() => subscriptionMetrics.activeSubscriptions === count, `${count} live subscriptions`);
const numsub = (userId: string) => publisher.subscriberCount(userId);
const closeCode = async (failure: Promise<unknown>) => ((await failure) as { code?: number }).code;
const categorized = (id: string) => ({ __typename: 'Transaction', id, field: 'transactionCategorized' }) as const;

beforeAll(async () => {
  // No workers: this file tests the API itself, and background events would only add noise.
  // A wide batching window: a burst published by this (busy) test process is one burst.
  system = await startSystem({ SUBSCRIPTION_BATCH_WINDOW_MS: '100' }, { workers: false });
  url = system.gatewayUrl;
  wsUrl = url.replace(/^http/, 'ws');
  const env = system.env;
  publisher = createPublisher({ REDIS_URL: env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: env.REDIS_PREFIX! });
  [ana, bob] = await Promise.all([registerUser(url, 'ana'), registerUser(url, 'bob')]);
  [anaTx, bobTx] = await Promise.all([createTransaction(ana, 'Ana checking', '-42.5'), createTransaction(bob, 'Bob secret', '-7')]);
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  await live(0);
});
afterAll(async () => {
  await publisher?.close();
  await system?.stop();
});

describe('subscriptions over graphql-ws at /graphql', () => {
  it("delivers the federated object to its owner only, never to another user's socket", async () => {
    const a = subscribe(connect(ana.accessToken), TX_SELECTION);
    const b = subscribe(connect(bob.accessToken), TX_SELECTION);
    await live(2);
    expect([await numsub(ana.id), await numsub(bob.id)]).toEqual([1, 1]);

    // Another field's event does not reach a transactionCategorized subscription.
    await publisher.publish(ana.id, { __typename: 'Budget', id: randomUUID(), field: 'budgetUpdated' });
    await publisher.publish(ana.id, categorized(anaTx));
    await waitFor(() => a.received.length > 0, "ana's event");
    expect(a.received).toEqual([
      { data: { transactionCategorized: { id: anaTx, amount: { amount: '-42.50' }, account: { name: 'Ana checking' } } } },
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(a.received).toHaveLength(1);
    expect(b.received).toEqual([]);
  });

  it('keeps aliases, fragments and variables of the client selection', async () => {
    const s = subscribe(
      connect(ana.accessToken),
      `subscription ($withAccount: Boolean!) { tx: transactionCategorized { ...Amount account @include(if: $withAccount) { name } } }
       fragment Amount on Transaction { id amount { amount currency } }`,
      { withAccount: false },
    );
    await live(1);
    await publisher.publish(ana.id, categorized(anaTx));
    await waitFor(() => s.received.length > 0, 'the event');
    expect(s.received[0]).toEqual({ data: { tx: { id: anaTx, amount: { amount: '-42.50', currency: 'BRL' } } } });
  });

  it("answers another user's id published on the caller's channel with NOT_FOUND, never its data", async () => {
    const s = subscribe(connect(ana.accessToken), TX_SELECTION);
    await live(1);
    await publisher.publish(ana.id, categorized(bobTx));
    await waitFor(() => s.received.length > 0, 'the event');
    const [payload] = s.received as { data: unknown; errors?: { extensions?: { code?: string } }[] }[];
    expect(payload?.data).toBeNull();
    expect(payload?.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(JSON.stringify(payload)).not.toContain('Bob secret');
    // Exactly the errors the same query gets over HTTP: same auth, same masking.
    const overHttp = await graphql(
      url,
      `query ($id: ID!) { transactionCategorized: transaction(id: $id) { id amount { amount } account { name } } }`,
      { id: bobTx },
      ana.accessToken,
    );
    expect(payload?.errors).toEqual(overHttp.errors);
  });

  it('refetches once per event for several sockets of one user with the same selection', async () => {
    const first = subscribe(connect(ana.accessToken), TX_SELECTION);
    const second = subscribe(connect(ana.accessToken), TX_SELECTION);
    await live(2);
    const before = { ...subscriptionMetrics };
    await publisher.publish(ana.id, categorized(anaTx));
    await waitFor(() => first.received.length > 0 && second.received.length > 0, 'both deliveries');
    expect(second.received).toEqual(first.received);
    expect(subscriptionMetrics.refetches - before.refetches).toBe(1);
    expect(subscriptionMetrics.sharedRefetches - before.sharedRefetches).toBe(1);
  });

  it('unsubscribes from Redis when the client goes away', async () => {
    const client = connect(ana.accessToken);
    subscribe(client, TX_SELECTION);
    subscribe(client, `subscription { transactionCategorized { id } }`);
    await live(2);
    // One Redis subscription per gateway process and user, however many sockets and subscriptions.
    expect(await numsub(ana.id)).toBe(1);
    await client.dispose();
    await waitFor(async () => (await numsub(ana.id)) === 0, 'PUBSUB NUMSUB to drop to 0');
  });

  it('refuses a socket without a token, with a garbage token and with a logged-out token (4401)', async () => {
    const gone = await registerUser(url, 'gone');
    await ok(url, `mutation { logout }`, {}, gone.accessToken);
    for (const token of [undefined, 'not.a.token', gone.accessToken]) {
      const s = subscribe(connect(token), TX_SELECTION);
      expect(await closeCode(s.failure), String(token)).toBe(4401);
    }
    const malformed = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: 'Basic abc' }, retryAttempts: 0 });
    clients.push(malformed);
    expect(await closeCode(subscribe(malformed, TX_SELECTION).failure)).toBe(4401);
  });

  it('closes the socket with 4401 at the next event once its token was logged out', async () => {
    const { login } = await ok<{ login: { accessToken: string } }>(
      url,
      `mutation ($i: LoginInput!) { login(input: $i) { accessToken } }`,
      { i: { email: ana.email, password: 'correct horse battery' } },
    );
    const s = subscribe(connect(login.accessToken), TX_SELECTION);
    await live(1);
    await ok(url, `mutation { logout }`, {}, login.accessToken);
    await publisher.publish(ana.id, categorized(anaTx));
    expect(await closeCode(s.failure)).toBe(4401);
    expect(s.received).toEqual([]);
    await waitFor(async () => (await numsub(ana.id)) === 0, 'the channel to be released');
  });

  it('closes the socket with 4401 when its access token expires', async () => {
    const s = subscribe(connect(await mintToken(ana.id, 2)), TX_SELECTION);
    await live(1);
    const started = Date.now();
    expect(await closeCode(s.failure)).toBe(4401);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('upgrades only /graphql', async () => {
    const socket = new WebSocket(wsUrl.replace(/\/graphql$/, '/elsewhere'), 'graphql-transport-ws');
    const status = await new Promise<number | undefined>((resolve) => {
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      socket.on('open', () => resolve(101));
      socket.on('error', () => undefined);
    });
    socket.terminate();
    expect(status).toBe(404);
  });

  it('serves only subscriptions and reports bad ones as errors', async () => {
    const client = connect(ana.accessToken);
    const query = subscribe(client, `{ me { id } }`);
    expect(await query.failure).toMatchObject([{ extensions: { code: 'BAD_REQUEST' } }]);
    const invalid = subscribe(client, `subscription { transactionCategorized { nope } }`);
    expect(await invalid.failure).toMatchObject([{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
    const rootSkip = subscribe(client, `subscription ($s: Boolean!) { transactionCategorized @skip(if: $s) { id } }`, { s: false });
    expect(await rootSkip.failure).toMatchObject([{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
    const missing = subscribe(client, `subscription ($n: Int!) { transactionCategorized { account { transactions(first: $n) { totalCount } } } }`);
    expect(await missing.failure).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT' } }]);
    // The socket survives its bad operations.
    const good = subscribe(client, TX_SELECTION);
    await live(1);
    await publisher.publish(ana.id, categorized(anaTx));
    await waitFor(() => good.received.length > 0, 'the event');
  });
});

/** The gateway's count of requests it sent to a subgraph (its /metrics). */
async function subgraphRequests(subgraph: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const prefix = `subgraph_fetch_duration_seconds_count{subgraph="${subgraph}",`;
  return text
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .reduce((sum, line) => sum + Number(line.split(' ')[1]), 0);
}

async function createTransactions(s: Session, count: number, options: { account?: string; notes?: string } = {}): Promise<string[]> {
  const { createAccount } = await ok<{ createAccount: { id: string } }>(
    url,
    `mutation ($name: String!) { createAccount(input: { name: $name, type: CHECKING, currency: "BRL" }) { id } }`,
    { name: options.account ?? 'Batch' },
    s.accessToken,
  );
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { createTransaction } = await ok<{ createTransaction: { id: string } }>(
      url,
      `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
      { i: { accountId: createAccount.id, amount: `-${i + 1}.00`, date: '2026-11-03', description: `Mercado ${i}`, notes: options.notes } },
      s.accessToken,
    );
    ids.push(createTransaction.id);
  }
  return ids;
}

type Payload = { data: Record<string, { id: string } | null> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };

describe('batched refetches and subscribers that fall behind', () => {
  it('refetches a burst of events with one query: one subgraph request for all of them', async () => {
    const ids = await createTransactions(ana, 6);
    const s = subscribe(connect(ana.accessToken), TX_SELECTION);
    await live(1);
    const before = { metrics: { ...subscriptionMetrics }, requests: await subgraphRequests('transactions') };
    await Promise.all(ids.map((id) => publisher.publish(ana.id, categorized(id))));
    await waitFor(() => s.received.length === ids.length, 'every event');
    // In publish order, each the object of its event.
    expect((s.received as Payload[]).map((p) => p.data?.transactionCategorized?.id)).toEqual(ids);
    expect(subscriptionMetrics.refetches - before.metrics.refetches).toBe(1);
    expect(subscriptionMetrics.refetchedObjects - before.metrics.refetchedObjects).toBe(ids.length);
    expect((await subgraphRequests('transactions')) - before.requests).toBe(1);
  });

  it("never mixes users in a batch: another user's id in the burst is NOT_FOUND, the rest delivered", async () => {
    const anaIds = await createTransactions(ana, 3);
    const bobIds = await createTransactions(bob, 2, { account: 'Bob batch' });
    const a = subscribe(connect(ana.accessToken), TX_SELECTION);
    const b = subscribe(connect(bob.accessToken), TX_SELECTION);
    await live(2);
    // Both users' bursts at once, and bob's id forged onto ana's channel in the middle of hers.
    await Promise.all([
      ...[anaIds[0]!, bobIds[0]!, anaIds[1]!, anaIds[2]!].map((id) => publisher.publish(ana.id, categorized(id))),
      ...bobIds.map((id) => publisher.publish(bob.id, categorized(id))),
    ]);
    await waitFor(() => a.received.length === 4 && b.received.length === 2, 'both bursts');
    const anaGot = a.received as Payload[];
    expect(anaGot.map((p) => p.data?.transactionCategorized?.id ?? null)).toEqual([anaIds[0], null, anaIds[1], anaIds[2]]);
    expect(anaGot[1]).toEqual({ data: null, errors: [{ message: expect.any(String), path: ['transactionCategorized'], extensions: { code: 'NOT_FOUND' } }] });
    expect(JSON.stringify(anaGot)).not.toContain('Bob secret');
    expect(JSON.stringify(anaGot)).not.toContain('Bob batch');
    expect((b.received as Payload[]).map((p) => p.data?.transactionCategorized?.id)).toEqual(bobIds);
  });

  it('tells a deliberately slow client how many events it missed (EVENTS_DROPPED), then carries on', async () => {
    // Big payloads fill the socket's kernel buffers quickly: 30 aliases of a 2,000-character note.
    const [big] = await createTransactions(ana, 1, { notes: 'n'.repeat(2_000) });
    const selection = Array.from({ length: 30 }, (_, i) => `n${i}: notes`).join(' ');
    const client = connect(ana.accessToken);
    const s = subscribe(client, `subscription { transactionCategorized { id ${selection} } }`);
    await live(1);
    const socket = sockets.at(-1)!;
    const before = { ...subscriptionMetrics };
    // The client stops reading: the gateway's writes back up once the kernel buffers are full.
    socket.pause();
    let published = 0;
    for (let stalled = false; !stalled; ) {
      const refetches = subscriptionMetrics.refetches;
      await publisher.publish(ana.id, categorized(big!));
      published++;
      await waitFor(() => subscriptionMetrics.refetches > refetches, 'the refetch', 300).catch(() => (stalled = true));
      expect(published).toBeLessThan(1_000);
    }
    // The stream is stuck on a send: these wait in its queue (100), the oldest overflow.
    const unknown = Array.from({ length: 150 }, () => randomUUID());
    await Promise.all(unknown.map((id) => publisher.publish(ana.id, categorized(id))));
    published += unknown.length;
    await waitFor(() => subscriptionMetrics.droppedEvents - before.droppedEvents >= 50, 'the overflow');
    socket.resume();

    const payloads = s.received as Payload[];
    const notices = () => payloads.filter((p) => p.errors?.[0]?.extensions?.code === 'EVENTS_DROPPED');
    await waitFor(() => notices().length === 1 && payloads.at(-1)?.errors?.[0]?.extensions?.code === 'NOT_FOUND', 'the notice and the events after it', 60_000);
    await waitFor(() => payloads.filter((p) => p.errors?.[0]?.extensions?.code === 'NOT_FOUND').length >= 100, 'the last 100 events', 60_000);
    const [notice] = notices();
    const dropped = subscriptionMetrics.droppedEvents - before.droppedEvents;
    expect(notice).toEqual({
      data: null,
      errors: [
        {
          message: `${dropped} transactionCategorized events were not delivered because this subscription fell behind; refetch the data it shows`,
          extensions: { code: 'EVENTS_DROPPED', dropped, subscription: 'transactionCategorized' },
        },
      ],
    });
    // Nothing lost silently: every event was delivered, merged into a waiting one, or counted in the notice.
    const delivered = payloads.length - 1;
    const merged = subscriptionMetrics.mergedEvents - before.mergedEvents;
    expect(delivered + merged + dropped).toBe(published);
    // The notice comes before the newest events, which arrive in order.
    const afterNotice = payloads.slice(payloads.indexOf(notice!) + 1);
    expect(afterNotice).toHaveLength(100);
    expect(afterNotice.every((p) => p.errors?.[0]?.extensions?.code === 'NOT_FOUND')).toBe(true);

    // The subscription carries on as usual.
    await publisher.publish(ana.id, categorized(anaTx));
    await waitFor(() => payloads.at(-1)?.data?.transactionCategorized?.id === anaTx, 'a fresh event', 30_000);
    // Its 30 aliases allow one object per refetch query: 100 queries, slow on a busy machine.
  }, 180_000);
});

