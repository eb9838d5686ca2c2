/**
 * The dashboard query (issue 13) through the gateway with the response cache on (warm) and off,
 * in one run, with autocannon: one user (every request alike) and N users (requests spread).
 * Three processes: the subgraphs and workers, a gateway with RESPONSE_CACHE=1 and one with
 * RESPONSE_CACHE=0 on the same subgraphs (neither gateway shares a process with the subgraphs, so
 * the cache-off runs' backlog cannot slow the other). Both answer identical data.
 *
 *   node --import tsx bench/response-cache.bench.ts [--users=50] [--transactions=50]
 *     [--connections=50] [--duration=10] [--base-port=5400]
 *
 * Its own databases (centavo_bench_rc_*, dropped at the end), Redis prefix and ports
 * base..base+6 (base+6: the cache-off gateway).
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { ok, registerUser, type Session } from '@centavo/testing';
import { dropDatabases, migrateDatabases } from './lib/pg.js';
import { deletePrefix } from './lib/redis.js';
import { cpuSeconds, startCentavo, type RunningCentavo } from './lib/system.js';


const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const USERS = arg('users', 50);
const TRANSACTIONS = arg('transactions', 50);
const CONNECTIONS = arg('connections', 50);
const DURATION = arg('duration', 10);
const BASE_PORT = arg('base-port', 5400);

const DASHBOARD = `query Dashboard { accounts { id name balance { amount currency } }
  transactions(first: 50) { totalCount edges { node { id amount { amount currency } date description account { name }
  category { slug name } categorization { confidence source } } } } }`;
const MERCHANTS = ['NETFLIX.COM', 'UBER *TRIP', 'PADARIA REAL', 'POSTO SHELL', 'SPOTIFY', 'MERCADO EXTRA', 'IFOOD *PEDIDO', 'FARMACIA PAGUE MENOS', 'AMAZON MKTPLACE', 'SALARIO ACME'];

const dbPrefix = `centavo_bench_rc_${randomUUID().slice(0, 6)}`;
const redisPrefix = `centavo-bench-rc-${randomUUID().slice(0, 8)}:`;
// Benchmark clients are one user or one address far above a person's request rate.
const unlimited = { USER_RATE_LIMIT_PER_MINUTE: '100000000', IP_RATE_LIMIT_PER_MINUTE: '100000000', REGISTER_RATE_LIMIT_PER_MINUTE: '100000', LOG_LEVEL: 'error' };
const started: RunningCentavo[] = [];

/** A user with one account and `TRANSACTIONS` transactions, which the workers categorize. */
async function seedUser(url: string, index: number): Promise<Session> {
  const user = await registerUser(url, `rc${index}`);
  const { createAccount } = await ok<{ createAccount: { id: string } }>(url, `mutation { createAccount(input: { name: "Conta ${index}", type: CHECKING, currency: "BRL" }) { id } }`, {}, user.accessToken);
  for (let i = 0; i < TRANSACTIONS; i++) {
    await ok(
      url,
      `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
      { i: { accountId: createAccount.id, amount: `-${(i + 1) * 3}.50`, date: `2026-11-${String((i % 28) + 1).padStart(2, '0')}`, description: `${MERCHANTS[i % MERCHANTS.length]} ${i}` } },
      user.accessToken,
    );
  }
  return user;
}

async function inBatches<T>(count: number, width: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += width) out.push(...(await Promise.all(Array.from({ length: Math.min(width, count - i) }, (_, k) => make(i + k)))));
  return out;
}

type Dashboard = { transactions: { edges: { node: { category: unknown } }[] } };
const dashboard = (url: string, token: string) => ok<Dashboard>(url, DASHBOARD, {}, token);

interface Row {
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  load: string;
  /** CPU ms per answered request of the gateway that served the run and of the subgraphs' process. */
  gatewayCpuMs: number;
  subgraphsCpuMs: number;
}

/** The processes whose CPU time each run reports: the gateway it targets and the subgraphs' process. */
interface Pids {
  gateway: number;
  subgraphs: number;
}

/** autocannon for DURATION seconds; tokens are taken round-robin, one per request. */
async function measure(scenario: string, url: string, tokens: readonly string[], pids: Pids): Promise<Row> {
  let next = 0;
  const cpu0 = { gateway: cpuSeconds(pids.gateway) ?? 0, subgraphs: cpuSeconds(pids.subgraphs) ?? 0 };
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: DASHBOARD }),
    requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` } }) }],
  });
  const answered = Math.max(1, result.requests.total);
  const perRequest = (pid: number, before: number) => ((1000 * ((cpuSeconds(pid) ?? before) - before)) / answered);
  return {
    scenario,
    gatewayCpuMs: perRequest(pids.gateway, cpu0.gateway),
    subgraphsCpuMs: perRequest(pids.subgraphs, cpu0.subgraphs),
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    load: loadavg()[0]!.toFixed(1),
  };
}

async function cacheCounts(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  return Object.fromEntries([...text.matchAll(/^response_cache_total\{result="(\w+)"\} (\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
}

try {
  await migrateDatabases(dbPrefix);
  const logDir = `/tmp/${dbPrefix}`;
  const on = await startCentavo({ basePort: BASE_PORT, dbPrefix, redisPrefix, processes: ['auth,transactions,budget,ai,worker', 'gateway'], logDir, env: { ...unlimited, RESPONSE_CACHE: '1' } });
  started.push(on);
  const offPort = BASE_PORT + 6;
  const off = await startCentavo({ basePort: BASE_PORT, dbPrefix, redisPrefix, processes: ['gateway'], logDir: `${logDir}/off`, env: { ...unlimited, GATEWAY_PORT: String(offPort), RESPONSE_CACHE: '0' } });
  started.push(off);
  const onUrl = on.gatewayUrl;
  const subgraphsPid = on.processes.find((p) => p.label !== 'api')!.pid;
  const onPids = { gateway: on.processes.find((p) => p.label === 'api')!.pid, subgraphs: subgraphsPid };
  const offPids = { gateway: off.processes[0]!.pid, subgraphs: subgraphsPid };
  const offUrl = `http://127.0.0.1:${offPort}/graphql`;

  const seededAt = performance.now();
  const users = await inBatches(USERS, 5, (i) => seedUser(offUrl, i));
  // Until the workers categorized every row (or a minute passed): both gateways then read settled data.
  const deadline = Date.now() + 60_000;
  for (const user of users) {
    while (Date.now() < deadline && (await dashboard(offUrl, user.accessToken)).transactions.edges.some((e) => e.node.category === null)) await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`seeded ${USERS} users x ${TRANSACTIONS} transactions in ${((performance.now() - seededAt) / 1000).toFixed(0)} s`);

  // Warm: one read per user through the cache-on gateway; every user's data must match the other gateway's.
  let identical = true;
  for (const user of users) {
    const [a, b] = await Promise.all([dashboard(onUrl, user.accessToken), dashboard(offUrl, user.accessToken)]);
    if (JSON.stringify(a) !== JSON.stringify(b)) identical = false;
  }
  const tokens = users.map((u) => u.accessToken);
  const before = await cacheCounts(onUrl);
  const rows: Row[] = [];
  // Cache on first; a pause after each run lets the processes drain what the last one left queued.
  const pause = () => new Promise((r) => setTimeout(r, 5_000));
  rows.push(await measure('1 user, cache on (warm)', onUrl, tokens.slice(0, 1), onPids));
  await pause();
  rows.push(await measure(`${USERS} users, cache on (warm)`, onUrl, tokens, onPids));
  await pause();
  rows.push(await measure('1 user, cache off', offUrl, tokens.slice(0, 1), offPids));
  await pause();
  rows.push(await measure(`${USERS} users, cache off`, offUrl, tokens, offPids));
  const after = await cacheCounts(onUrl);
  const hits = (after.hit ?? 0) - (before.hit ?? 0);
  const misses = (after.miss ?? 0) - (before.miss ?? 0);

  console.log(`\nDashboard query, ${CONNECTIONS} connections, ${DURATION} s each, ${TRANSACTIONS} transactions per user; data identical on both gateways: ${identical ? 'yes' : 'NO'}`);
  console.log('| scenario | RPS | p50 ms | p99 ms | errors | gateway CPU ms/request | subgraphs CPU ms/request | load avg (1 min) |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.scenario} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.gatewayCpuMs.toFixed(2)} | ${r.subgraphsCpuMs.toFixed(2)} | ${r.load} |`);
  }
  console.log(`cache-on gateway during the runs: ${hits} hits, ${misses} misses (${((100 * hits) / Math.max(1, hits + misses)).toFixed(2)}% hits)`);
  const [one, many, oneOff, manyOff] = rows as [Row, Row, Row, Row];
  console.log(`cache on / off: 1 user ${(one.rps / oneOff.rps).toFixed(1)}x RPS, ${USERS} users ${(many.rps / manyOff.rps).toFixed(1)}x RPS`);
} finally {
  for (const system of started.reverse()) await system.stop();
  await deletePrefix(redisPrefix);
  await dropDatabases(dbPrefix);
}
process.exit(0);
