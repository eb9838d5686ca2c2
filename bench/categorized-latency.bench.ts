/**
 * createTransaction → transactionCategorized at a graphql-ws subscriber, through the gateway.
 * The system runs as in production, as separate processes started with bin/centavo.ts: the
 * subgraphs, the gateway, and the workers (Node runs one core per process):
 *   node --import tsx bench/categorized-latency.bench.ts [rate=100] [seconds=60]
 *   node --import tsx bench/categorized-latency.bench.ts ladder [seconds=15]   (rates until one falls behind or p99 ≥ 1 s)
 *   node --import tsx bench/categorized-latency.bench.ts import [rate=25] [seconds=30] [rows=100000]
 *       (the same, while another user's import of `rows` generated rows runs, in ~1 MB requests)
 *   node --import tsx bench/categorized-latency.bench.ts redis [rate=25] [seconds=10]
 *       (Redis commands per created transaction: INFO commandstats delta, and by process with MONITOR)
 *   node --import tsx bench/categorized-latency.bench.ts delivery [rate=200] [seconds=10]
 *       (the gateway's part alone: events published on the users' channels → subscribers; no workers)
 * Gateway settings come from the environment, e.g. SUBSCRIPTION_BATCH_SIZE=1 SUBSCRIPTION_BATCH_WINDOW_MS=0
 * refetches one event per query, as before batching.
 * The load is spread over BENCH_USERS users (20), each with its own subscriber. Descriptions
 * come from real merchants, so every transaction gets a category. Each run also reports the
 * gateway's refetch queries per delivered event and EVENTS_DROPPED notices (its /metrics).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { graphql, ok, registerUser, testEnv } from '@centavo/testing';
import { Random } from './lib/random.js';

/** Load spread over this many users, each with a subscriber (one user's writes serialize on its rows). */
const USERS = Number(process.env.BENCH_USERS ?? 20);
const MERCHANTS = ['NETFLIX.COM', 'UBER *TRIP HELP.UBER.COM', 'IFOOD *RESTAURANTE', 'POSTO IPIRANGA', 'DROGASIL 1234', 'CARREFOUR HIPER', 'SPOTIFY', 'SHELL SELECT'];

interface Result {
  rate: number;
  sent: number;
  failed: number;
  received: number;
  p50: number;
  p99: number;
  /** Gateway refetch queries per delivered event, objects per query, EVENTS_DROPPED notices. */
  refetchesPerEvent: number;
  objectsPerQuery: number;
  dropNotices: number;
}

/** One user with an account and a live subscriber that records latencies. */
async function subscriber(url: string, sentAt: Map<string, number>, latencies: number[], notices: { count: number }) {
  const user = await registerUser(url, 'bench');
  const { createAccount } = await ok<{ createAccount: { id: string } }>(
    url,
    `mutation { createAccount(input: { name: "Bench", type: CHECKING, currency: "BRL" }) { id } }`,
    {},
    user.accessToken,
  );
  const client = createClient({ url: url.replace('http', 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${user.accessToken}` } });
  await new Promise<void>((resolve) => {
    client.on('connected', () => setTimeout(resolve, 200));
    client.subscribe<{ transactionCategorized: { description: string; category: { slug: string } | null } }>(
      { query: 'subscription { transactionCategorized { description category { slug } } }' },
      {
        next: (msg) => {
          if (msg.errors?.some((e) => e.extensions?.code === 'EVENTS_DROPPED')) notices.count++;
          const started = sentAt.get(msg.data?.transactionCategorized.description ?? '');
          if (started !== undefined) latencies.push(performance.now() - started);
        },
        error: (err) => console.error('subscription error', err),
        complete: () => undefined,
      },
    );
  });
  return { user, account: createAccount.id, client };
}

/** The gateway's subscription counters (subscription_events_total{kind}). */
async function gatewayCounters(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const counters: Record<string, number> = {};
  for (const match of text.matchAll(/^subscription_events_total\{kind="(\w+)"\} (\d+)/gm)) counters[match[1]!] = Number(match[2]);
  return counters;
}

/** Called around the load itself (after every subscriber is connected, until the last event arrived). */
interface Window {
  opened(): Promise<void>;
  closed(): Promise<void>;
}

async function run(url: string, rate: number, seconds: number, users = USERS, window?: Window): Promise<Result> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const notices = { count: 0 };
  // One at a time: registering hashes a password, and 20 at once time out on a busy machine.
  const subs = [];
  for (let i = 0; i < users; i++) subs.push(await subscriber(url, sentAt, latencies, notices));
  const before = await gatewayCounters(url);
  await window?.opened();
  const total = Math.round(rate * seconds);
  let failed = 0;
  const inFlight: Promise<unknown>[] = [];
  const begin = performance.now();
  for (let i = 0; i < total; i++) {
    const due = begin + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const description = `${MERCHANTS[i % MERCHANTS.length]} ${randomUUID().slice(0, 8)}`;
    const { user, account } = subs[i % subs.length]!;
    sentAt.set(description, performance.now());
    const variables = { i: { accountId: account, amount: '-10.00', date: `2026-11-${String((i % 28) + 1).padStart(2, '0')}`, description } };
    inFlight.push(
      graphql(url, `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`, variables, user.accessToken).then(
        (res) => {
          if (res.errors?.length) failed++;
        },
        () => failed++,
      ),
    );
  }
  await Promise.all(inFlight);
  const deadline = Date.now() + 30_000;
  while (latencies.length < total - failed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await window?.closed();
  const after = await gatewayCounters(url);
  await Promise.all(subs.map((s) => s.client.dispose()));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  const delta = (kind: string) => (after[kind] ?? 0) - (before[kind] ?? 0);
  return {
    rate,
    sent: total,
    failed,
    received: latencies.length,
    p50: at(0.5),
    p99: at(0.99),
    refetchesPerEvent: delta('refetches') / Math.max(1, latencies.length),
    objectsPerQuery: delta('refetchedObjects') / Math.max(1, delta('refetches')),
    dropNotices: notices.count,
  };
}

const show = (r: Result) =>
  `${r.rate} tx/s: ${r.received}/${r.sent} delivered${r.failed ? ` (${r.failed} mutations failed)` : ''}, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; ` +
  `${r.refetchesPerEvent.toFixed(2)} refetch queries per event (${r.objectsPerQuery.toFixed(1)} objects each), ${r.dropNotices} EVENTS_DROPPED`;

/** A seeded statement like a bank's CSV export (`;`, decimal comma, DD/MM/YYYY), in chunks of ≤ ~1 MB. */
function statementChunks(rows: number, maxBytes = 900_000): string[] {
  const random = new Random(20_261_202);
  const merchants = ['NETFLIX.COM', 'UBER *TRIP', 'PADARIA PAO QUENTE', 'SUPERMERCADO EXTRA', 'POSTO SHELL', 'FARMACIA SAO JOAO', 'IFOOD *RESTAURANTE', 'SPOTIFY', 'AMAZON MKTPLACE', 'DROGASIL'];
  const header = 'Data;Descricao;Valor';
  const chunks: string[] = [];
  let lines = [header];
  let bytes = header.length;
  for (let i = 0; i < rows; i++) {
    const cents = -random.int(100, 40_000);
    const amount = `-${Math.floor(-cents / 100)},${String(-cents % 100).padStart(2, '0')}`;
    const line = `${String(random.int(1, 28)).padStart(2, '0')}/${String(random.int(1, 12)).padStart(2, '0')}/2025;${random.pick(merchants)} ${i};${amount}`;
    if (bytes + line.length + 1 > maxBytes) {
      chunks.push(`${lines.join('\n')}\n`);
      lines = [header];
      bytes = header.length;
    }
    lines.push(line);
    bytes += line.length + 1;
  }
  chunks.push(`${lines.join('\n')}\n`);
  return chunks;
}

/** Another user's import of `rows` rows: starts every chunk's job and resolves when all ended. */
async function backgroundImport(url: string, rows: number): Promise<{ done: Promise<string> }> {
  const user = await registerUser(url, 'importer');
  const { createAccount } = await ok<{ createAccount: { id: string } }>(url, `mutation { createAccount(input: { name: "Import", type: CHECKING, currency: "BRL" }) { id } }`, {}, user.accessToken);
  const started = performance.now();
  const jobs: string[] = [];
  for (const content of statementChunks(rows)) {
    const { importTransactions } = await ok<{ importTransactions: { id: string } }>(
      url,
      `mutation ($i: ImportTransactionsInput!) { importTransactions(input: $i) { id } }`,
      { i: { accountId: createAccount.id, format: 'CSV', content } },
      user.accessToken,
    );
    jobs.push(importTransactions.id);
  }
  const done = (async () => {
    for (;;) {
      const states = await Promise.all(
        jobs.map((id) => ok<{ importJob: { status: string; imported: number } }>(url, `query ($id: ID!) { importJob(id: $id) { status imported } }`, { id }, user.accessToken)),
      );
      const imported = states.reduce((sum, s) => sum + s.importJob.imported, 0);
      if (states.every((s) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(s.importJob.status))) {
        return `${jobs.length} import jobs ended (${states.map((s) => s.importJob.status).join(', ')}), ${imported} rows stored in ${((performance.now() - started) / 1000).toFixed(1)} s`;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return { done };
}

const root = path.resolve(import.meta.dirname, '..');
const ports = { GATEWAY_PORT: 15400, AUTH_PORT: 15401, TRANSACTIONS_PORT: 15402, BUDGET_PORT: 15403, AI_PORT: 15404 };
const sub = (port: number) => `http://127.0.0.1:${port}/graphql`;
const env = {
  ...testEnv(),
  ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
  REDIS_PREFIX: `centavo-bench-${randomUUID().slice(0, 8)}:`,
  AUTH_SUBGRAPH_URL: sub(ports.AUTH_PORT),
  TRANSACTIONS_SUBGRAPH_URL: sub(ports.TRANSACTIONS_PORT),
  BUDGET_SUBGRAPH_URL: sub(ports.BUDGET_PORT),
  AI_SUBGRAPH_URL: sub(ports.AI_PORT),
  MAX_ACTIVE_IMPORTS_PER_USER: '10',
  LOG_LEVEL: 'warn',
};
const start = (modules: string): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', 'bin/centavo.ts', `--module=${modules}`], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
const mode = process.argv[2];
const children: Record<string, ChildProcess> = { subgraphs: start('auth,transactions,budget,ai'), gateway: start('gateway') };
if (mode !== 'delivery') children.worker = start('worker');
// However the run ends, the system goes with it.
process.on('exit', () => Object.values(children).forEach((child) => child.kill('SIGTERM')));
const url = sub(ports.GATEWAY_PORT);
for (let ready = false; !ready; ) {
  await new Promise((r) => setTimeout(r, 300));
  ready = await fetch(`http://127.0.0.1:${ports.GATEWAY_PORT}/ready`).then((r) => r.ok, () => false);
}
// Warm-up: one transaction end to end, so the measured runs see the steady state.
await run(url, 1, 1, 1);

const arg = (index: number, fallback: number) => Number(process.argv[index] ?? fallback);
if (mode === 'ladder') {
  const seconds = arg(3, 15);
  let sustained = 0;
  for (const rate of [25, 50, 100, 150, 200, 300, 500]) {
    const r = await run(url, rate, seconds);
    console.log(show(r));
    if (r.p99 >= 1000 || r.received < r.sent || r.failed > 0 || r.dropNotices > 0) break;
    sustained = rate;
  }
  console.log(`highest rate sustained (every event delivered, p99 < 1 s): ${sustained} tx/s`);
} else if (mode === 'import') {
  const [rate, seconds, rows] = [arg(3, 25), arg(4, 30), arg(5, 100_000)];
  const importing = await backgroundImport(url, rows);
  console.log(`while another user's ${rows}-row import runs: ${show(await run(url, rate, seconds))}`);
  console.log(await importing.done);
} else if (mode === 'delivery') {
  console.log(await delivery(url, arg(3, 200), arg(4, 10)));
} else if (mode === 'redis') {
  const [rate, seconds] = [arg(3, 25), arg(4, 10)];
  console.log(await countRedisCommands((window) => run(url, rate, seconds, USERS, window)));
} else {
  console.log(show(await run(url, arg(2, 100), arg(3, 60))));
}
process.exit(0);

/**
 * Redis commands per created transaction during `measure`: the server's INFO commandstats delta
 * (everything), and by process from MONITOR, each client connection mapped to its process by
 * its local port (ss -tnp). Only the load is counted: from the first createTransaction to the
 * last event delivered (subscribers connected before).
 */
async function countRedisCommands(measure: (window: Window) => Promise<Result>): Promise<string> {
  const requireFromTesting = createRequire(new URL('../packages/testing/package.json', import.meta.url));
  type Monitor = { on(event: 'monitor', listener: (time: string, args: string[], source: string) => void): void; disconnect(): void };
  type RedisClient = { info(section: string): Promise<string>; monitor(): Promise<Monitor>; quit(): Promise<unknown> };
  const { Redis } = requireFromTesting('ioredis') as { Redis: new (url: string) => RedisClient };
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const calls = async () => Number((await redis.info('stats')).match(/total_commands_processed:(\d+)/)?.[1] ?? 0);
  const bySource = new Map<string, number>();
  const monitor = await redis.monitor();
  let counting = false;
  monitor.on('monitor', (_time, _args, source) => {
    if (counting) bySource.set(source, (bySource.get(source) ?? 0) + 1);
  });
  let before = 0;
  let total = 0;
  const result = await measure({
    async opened() {
      before = await calls();
      counting = true;
    },
    async closed() {
      counting = false;
      total = (await calls()) - before;
    },
  });
  monitor.disconnect();
  await redis.quit();
  // Which process holds each connection: "127.0.0.1:PORT ... pid=N".
  const owner = new Map<string, string>();
  const pids = new Map(Object.entries(children).map(([name, child]) => [child.pid, name]));
  for (const line of execFileSync('ss', ['-tnpH', 'dport = :6379']).toString().split('\n')) {
    const local = line.match(/\s(127\.0\.0\.1:\d+)\s+127\.0\.0\.1:6379/)?.[1];
    const pid = Number(line.match(/pid=(\d+)/)?.[1]);
    if (local) owner.set(local, pids.get(pid) ?? 'bench');
  }
  const perProcess = new Map<string, number>();
  for (const [source, count] of bySource) {
    const name = owner.get(source) ?? 'closed connections';
    perProcess.set(name, (perProcess.get(name) ?? 0) + count);
  }
  const created = result.sent - result.failed;
  const parts = [...perProcess].map(([name, count]) => `${name} ${(count / created).toFixed(1)}`).join(', ');
  return `${show(result)}\nRedis commands per created transaction: ${(total / created).toFixed(1)} in all (INFO stats delta, includes MONITOR's own); by process (MONITOR): ${parts}`;
}

/**
 * The gateway's delivery alone: events published straight on 20 users' channels (each user has
 * 10 transactions, published in turn) at `rate` events/s, to one subscriber per user. Latency is
 * publish → payload at the client; an id published again before its payload arrived is merged
 * into the waiting event (counted by the gateway), so it is matched with the earliest publish.
 */
async function delivery(url: string, rate: number, seconds: number): Promise<string> {
  const requireFromTesting = createRequire(new URL('../packages/testing/package.json', import.meta.url));
  type RedisClient = { publish(channel: string, message: string): Promise<number>; quit(): Promise<unknown> };
  const { Redis } = requireFromTesting('ioredis') as { Redis: new (url: string) => RedisClient };
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const published = new Map<string, number[]>();
  const latencies: number[] = [];
  let notices = 0;
  const users: { id: string; transactions: string[]; client: ReturnType<typeof createClient> }[] = [];
  for (let u = 0; u < USERS; u++) {
    const user = await registerUser(url, 'delivery');
    const { createAccount } = await ok<{ createAccount: { id: string } }>(url, `mutation { createAccount(input: { name: "Bench", type: CHECKING, currency: "BRL" }) { id } }`, {}, user.accessToken);
    const transactions: string[] = [];
    for (let t = 0; t < 10; t++) {
      const { createTransaction } = await ok<{ createTransaction: { id: string } }>(
        url,
        `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
        { i: { accountId: createAccount.id, amount: '-10.00', date: '2026-11-02', description: `${MERCHANTS[t % MERCHANTS.length]} ${t}` } },
        user.accessToken,
      );
      transactions.push(createTransaction.id);
    }
    const client = createClient({ url: url.replace('http', 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${user.accessToken}` } });
    await new Promise<void>((resolve) => {
      client.on('connected', () => setTimeout(resolve, 200));
      client.subscribe<{ transactionCategorized: { id: string; description: string; category: { slug: string } | null } }>(
        { query: 'subscription { transactionCategorized { id description category { slug } } }' },
        {
          next: (msg) => {
            if (msg.errors?.some((e) => e.extensions?.code === 'EVENTS_DROPPED')) notices++;
            const started = published.get(msg.data?.transactionCategorized.id ?? '')?.shift();
            if (started !== undefined) latencies.push(performance.now() - started);
          },
          error: (err) => console.error('subscription error', err),
          complete: () => undefined,
        },
      );
    });
    users.push({ id: user.id, transactions, client });
  }
  const before = await gatewayCounters(url);
  const total = Math.round(rate * seconds);
  const begin = performance.now();
  const sends: Promise<number>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = begin + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const user = users[i % users.length]!;
    const id = user.transactions[Math.floor(i / users.length) % user.transactions.length]!;
    const times = published.get(id) ?? [];
    times.push(performance.now());
    published.set(id, times);
    const event = { userId: user.id, __typename: 'Transaction', id, field: 'transactionCategorized' };
    sends.push(redis.publish(`${env.REDIS_PREFIX}user:${user.id}`, JSON.stringify(event)));
  }
  await Promise.all(sends);
  const after = async () => gatewayCounters(url);
  const deadline = Date.now() + 30_000;
  let counters = await after();
  const merged = () => (counters.mergedEvents ?? 0) - (before.mergedEvents ?? 0);
  const dropped = () => (counters.droppedEvents ?? 0) - (before.droppedEvents ?? 0);
  while (latencies.length + merged() + dropped() < total && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    counters = await after();
  }
  await Promise.all(users.map((u) => u.client.dispose()));
  await redis.quit();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  const queries = (counters.refetches ?? 0) - (before.refetches ?? 0);
  const objects = (counters.refetchedObjects ?? 0) - (before.refetchedObjects ?? 0);
  return (
    `${rate} events/s for ${seconds} s: ${latencies.length}/${total} delivered, ${merged()} merged, ${dropped()} dropped (${notices} EVENTS_DROPPED); ` +
    `p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms; ${queries} refetch queries = ${(queries / total).toFixed(2)} per event (${(objects / Math.max(1, queries)).toFixed(1)} objects each)`
  );
}
