/**
 * createTransaction → transactionCategorized at a graphql-ws subscriber, through the gateway,
 * with the whole system in this process (subgraphs, gateway, relay, the three workers):
 *   node --import tsx bench/categorized-latency.bench.ts [rate=100] [seconds=60]
 *   node --import tsx bench/categorized-latency.bench.ts ladder [seconds=15]   (rates until p99 ≥ 1 s)
 * Descriptions come from real merchants, so every transaction gets a category.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ok, registerUser } from '@centavo/testing';
import { startSystem, type RunningSystem } from '@centavo/testing/system';

const MERCHANTS = ['NETFLIX.COM', 'UBER *TRIP HELP.UBER.COM', 'IFOOD *RESTAURANTE', 'POSTO IPIRANGA', 'DROGASIL 1234', 'CARREFOUR HIPER', 'SPOTIFY', 'SHELL SELECT'];

interface Result {
  rate: number;
  sent: number;
  received: number;
  p50: number;
  p99: number;
}

async function run(system: RunningSystem, rate: number, seconds: number): Promise<Result> {
  const url = system.gatewayUrl;
  const user = await registerUser(url, 'bench');
  const { createAccount } = await ok<{ createAccount: { id: string } }>(
    url,
    `mutation { createAccount(input: { name: "Bench", type: CHECKING, currency: "BRL" }) { id } }`,
    {},
    user.accessToken,
  );
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
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
  const total = rate * seconds;
  const inFlight: Promise<unknown>[] = [];
  const begin = performance.now();
  for (let i = 0; i < total; i++) {
    const due = begin + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const description = `${MERCHANTS[i % MERCHANTS.length]} ${randomUUID().slice(0, 8)}`;
    sentAt.set(description, performance.now());
    inFlight.push(
      ok(
        url,
        `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
        { i: { accountId: createAccount.id, amount: '-10.00', date: '2026-11-20', description } },
        user.accessToken,
      ),
    );
  }
  await Promise.all(inFlight);
  const deadline = Date.now() + 30_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await client.dispose();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { rate, sent: total, received: latencies.length, p50: at(0.5), p99: at(0.99) };
}

const show = (r: Result) =>
  `${r.rate} tx/s: ${r.received}/${r.sent} delivered, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`;

const system = await startSystem({ LOG_LEVEL: 'warn' });
if (process.argv[2] === 'ladder') {
  const seconds = Number(process.argv[3] ?? 15);
  for (const rate of [100, 150, 200, 250, 300, 400, 500]) {
    const r = await run(system, rate, seconds);
    console.log(show(r));
    if (r.p99 >= 1000 || r.received < r.sent) break;
  }
} else {
  console.log(show(await run(system, Number(process.argv[2] ?? 100), Number(process.argv[3] ?? 60))));
}
await system.stop();
process.exit(0);
