/**
 * createTransaction → transactionCategorized at a graphql-ws subscriber, through the gateway.
 * The system runs as in production, as separate processes started with bin/centavo.ts: one
 * for the subgraphs and the gateway, one for the workers (Node runs one core per process):
 *   node --import tsx bench/categorized-latency.bench.ts [rate=100] [seconds=60]
 *   node --import tsx bench/categorized-latency.bench.ts ladder [seconds=15]   (rates until p99 ≥ 1 s)
 * The load is spread over BENCH_USERS users (20), each with its own subscriber.
 * Descriptions come from real merchants, so every transaction gets a category.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ok, registerUser, testEnv } from '@centavo/testing';

/** Load spread over this many users, each with a subscriber (one user's writes serialize on its rows). */
const USERS = Number(process.env.BENCH_USERS ?? 20);
const MERCHANTS = ['NETFLIX.COM', 'UBER *TRIP HELP.UBER.COM', 'IFOOD *RESTAURANTE', 'POSTO IPIRANGA', 'DROGASIL 1234', 'CARREFOUR HIPER', 'SPOTIFY', 'SHELL SELECT'];

interface Result {
  rate: number;
  sent: number;
  received: number;
  p50: number;
  p99: number;
}

/** One user with an account and a live subscriber that records latencies. */
async function subscriber(url: string, sentAt: Map<string, number>, latencies: number[]) {
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

async function run(url: string, rate: number, seconds: number, users = USERS): Promise<Result> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const subs = await Promise.all(Array.from({ length: users }, () => subscriber(url, sentAt, latencies)));
  const total = rate * seconds;
  const inFlight: Promise<unknown>[] = [];
  const begin = performance.now();
  for (let i = 0; i < total; i++) {
    const due = begin + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const description = `${MERCHANTS[i % MERCHANTS.length]} ${randomUUID().slice(0, 8)}`;
    const { user, account } = subs[i % subs.length]!;
    sentAt.set(description, performance.now());
    inFlight.push(
      ok(
        url,
        `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
        { i: { accountId: account, amount: '-10.00', date: `2026-11-${String((i % 28) + 1).padStart(2, '0')}`, description } },
        user.accessToken,
      ),
    );
  }
  await Promise.all(inFlight);
  const deadline = Date.now() + 30_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await Promise.all(subs.map((s) => s.client.dispose()));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { rate, sent: total, received: latencies.length, p50: at(0.5), p99: at(0.99) };
}

const show = (r: Result) =>
  `${r.rate} tx/s: ${r.received}/${r.sent} delivered, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`;

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
  LOG_LEVEL: 'warn',
};
const start = (modules: string): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', 'bin/centavo.ts', `--module=${modules}`], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
const children = [start('auth,transactions,budget,ai,gateway'), start('worker')];
const url = sub(ports.GATEWAY_PORT);
for (let ready = false; !ready; ) {
  await new Promise((r) => setTimeout(r, 300));
  ready = await fetch(`http://127.0.0.1:${ports.GATEWAY_PORT}/ready`).then((r) => r.ok, () => false);
}
// Warm-up: one transaction end to end, so the measured runs see the steady state.
await run(url, 1, 1, 1);

if (process.argv[2] === 'ladder') {
  const seconds = Number(process.argv[3] ?? 15);
  for (const rate of [25, 50, 75, 100, 150, 200, 300]) {
    const r = await run(url, rate, seconds);
    console.log(show(r));
    if (r.p99 >= 1000 || r.received < r.sent) break;
  }
} else {
  console.log(show(await run(url, Number(process.argv[2] ?? 100), Number(process.argv[3] ?? 60))));
}
for (const child of children) child.kill('SIGTERM');
process.exit(0);
