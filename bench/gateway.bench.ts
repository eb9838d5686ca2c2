/**
 * The read path through each gateway over the same Centavo subgraphs, in one run, as a table:
 *   node --import tsx bench/gateway.bench.ts [seconds=8]
 * Rows: the dashboard query spread over BENCH_USERS (50) users (no two concurrent requests
 * alike), the dashboard for one user (every request identical), and `{ me { id email name } }`,
 * through Centavo's gateway, Hive Gateway (@graphql-hive/gateway: default, in-flight dedupe off,
 * and --hive-router-runtime) and straight to the auth subgraph. Ratios are inside this run only.
 * Env: DB_NAME_PREFIX (centavo_bench; migrated and seeded with history by bench/seed-history.ts
 * when it has fewer than BENCH_USERS seeded users), BENCH_BASE_PORT (5300: Centavo's gateway,
 * then auth, transactions, budget, ai; Hive Gateway on base+6), BENCH_CONNECTIONS (50),
 * BENCH_LAYOUT ("auth,transactions,budget,ai gateway": one process per word),
 * BENCH_ONLY (comma-separated gateways: centavo,hive,hive-nodedupe,hive-router,direct),
 * BENCH_CPU_PROF (a folder: every Centavo process runs with --cpu-prof into it),
 * BENCH_ENV ("NAME=value ..." for Centavo's processes), BENCH_NODE_FLAGS (node flags of Centavo's processes:
 * the image's, --max-semi-space-size=32, by default; "" for node's defaults).
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closePools, poolFor, poolsFor, SUBGRAPH_NAMES as SUBGRAPHS } from './lib/pg.js';
import { deletePrefix } from './lib/redis.js';
import { cpuSeconds, startCentavo, type RunningCentavo } from './lib/system.js';
import { SEED_EMAIL_LIKE, SEED_PASSWORD } from './seed/credentials.js';


const ROOT = path.resolve(import.meta.dirname, '..');
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SECONDS = Number(process.argv[2] ?? 8);
const USERS = num('BENCH_USERS', 50);
const CONNECTIONS = num('BENCH_CONNECTIONS', 50);
const BASE_PORT = num('BENCH_BASE_PORT', 5300);
const HIVE_PORT = BASE_PORT + 6;
const PREFIX = process.env.DB_NAME_PREFIX ?? 'centavo_bench';
const LAYOUT = (process.env.BENCH_LAYOUT ?? 'auth,transactions,budget,ai gateway').split(/\s+/).filter(Boolean);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'centavo,hive,hive-nodedupe,hive-router,direct').split(','));
/** Rows a user must have for a full dashboard page. */
const PAGE = 50;

export const DASHBOARD = `query Dashboard { accounts { id name balance { amount currency } } transactions(first: ${PAGE}) { totalCount edges { node { id amount { amount currency } date description account { name } category { slug name } categorization { confidence source } } } } }`;
export const ME = 'query Me { me { id email name } }';

const commandLine = [
  ...Object.entries(process.env)
    .filter(([k]) => k.startsWith('BENCH_') || k === 'DB_NAME_PREFIX')
    .map(([k, v = '']) => `${k}=${/^[\w.,/:-]*$/.test(v) ? v : `"${v}"`}`),
  'node --import tsx bench/gateway.bench.ts',
  ...process.argv.slice(2),
].join(' ');
console.log(`command: ${commandLine}`);
console.log(`load: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} cores; ${SECONDS} s per row, ${CONNECTIONS} connections`);

const run = (args: string[], env: Record<string, string>) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  });

// A database with history: migrated and seeded once, reused by later runs.
async function seededEmails(): Promise<string[]> {
  const pools = poolsFor(PREFIX, 1);
  try {
    const rows = await pools.auth.query<{ email: string }>(
      'SELECT email FROM users WHERE email LIKE $1 ORDER BY email LIMIT $2',
      [SEED_EMAIL_LIKE, USERS],
    );
    return rows.rows.map((r) => r.email);
  } catch {
    return [];
  } finally {
    await closePools(pools);
  }
}
let emails = await seededEmails();
if (emails.length < USERS) {
  const users = Math.max(400, USERS);
  console.log(`${PREFIX} has ${emails.length} seeded users; migrating and seeding ${users} users with ${users * 200} transactions of history`);
  const env = { DB_NAME_PREFIX: PREFIX, APOLLO_TELEMETRY_DISABLED: '1', CHECKPOINT_DISABLE: '1', SEED_VERIFY: '0' };
  await run(['bin/centavo.ts', 'migrate'], env);
  // At least 0.3 × 200 = 60 rows each (seed-history's spread), so every user has a full page.
  await run(['bench/seed-history.ts', String(users), String(users * 200)], env);
  emails = await seededEmails();
}

const extraEnv = Object.fromEntries(
  (process.env.BENCH_ENV ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const profileDir = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const logDir = mkdtempSync(path.join(os.tmpdir(), 'centavo-gateway-bench-'));
const system: RunningCentavo = await startCentavo({
  basePort: BASE_PORT,
  dbPrefix: PREFIX,
  redisPrefix: `centavo-bench-${randomUUID().slice(0, 8)}:`,
  processes: LAYOUT,
  logDir,
  // The load comes from one address and a few users, far faster than people: no throttling here.
  // The response cache off: every gateway compared reads the subgraphs (BENCH_ENV=RESPONSE_CACHE=1
  // measures Centavo's warm cache; bench/response-cache.bench.ts compares on and off).
  env: { USER_RATE_LIMIT_PER_MINUTE: '100000000', IP_RATE_LIMIT_PER_MINUTE: '100000000', RESPONSE_CACHE: '0', ...extraEnv },
  ...(profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
});
const subgraphUrl = (name: 'AUTH' | 'TRANSACTIONS' | 'BUDGET' | 'AI') => system.env[`${name}_SUBGRAPH_URL`]!;
const hive: { child?: ChildProcess; dir?: string } = {};
const stopAll = async () => {
  await stopHive();
  await system.stop();
  await deletePrefix(system.env.REDIS_PREFIX!);
  await statsPool.end();
  rmSync(logDir, { recursive: true, force: true });
};

type Body = { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
async function post(url: string, query: string, token?: string): Promise<Body> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as Body;
}

// The same strings a client would send, one token per user.
const tokens: string[] = [];
try {
  // A few at a time: each login hashes a password (argon2id), which a loaded machine does slowly.
  const login = async (email: string) => {
    const body = await post(
      system.gatewayUrl,
      `mutation { login(input: { email: ${JSON.stringify(email)}, password: ${JSON.stringify(SEED_PASSWORD)} }) { accessToken } }`,
    );
    const token = (body.data?.login as { accessToken?: string } | undefined)?.accessToken;
    if (!token) throw new Error(`login of ${email} failed: ${JSON.stringify(body.errors)}`);
    return token;
  };
  for (let i = 0; i < emails.length; i += 4) tokens.push(...(await Promise.all(emails.slice(i, i + 4).map(login))));
} catch (error) {
  await stopAll();
  throw error;
}

interface Target {
  name: string;
  url: string;
}
interface Row {
  target: string;
  load: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  subgraphCalls: number | null;
  gatewayCpu: number | null;
  subgraphCpu: number | null;
  sql: number | null;
}

// Statements of the bench databases, from PostgreSQL's own counters: every statement outside a
// transaction commits one (Prisma's and pg's alike); pg_stat_clear_snapshot reads fresh values.
const statsPool = poolFor(PREFIX, 'auth', 1);
async function sqlTransactions(): Promise<number | null> {
  try {
    await statsPool.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await statsPool.query<{ n: string }>(
      'SELECT SUM(xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = ANY($1)',
      [SUBGRAPHS.map((s) => `${PREFIX}_${s}`)],
    );
    return Number(rows[0]!.n);
  } catch {
    return null;
  }
}

/** Operations the subgraphs have answered so far (their Prometheus counter), for calls per request. */
async function subgraphOperations(): Promise<number | null> {
  let total = 0;
  const seen = new Set<string>();
  for (const name of ['AUTH', 'TRANSACTIONS', 'BUDGET', 'AI'] as const) {
    const text = await fetch(new URL('/metrics', subgraphUrl(name))).then((r) => r.text(), () => '');
    for (const line of text.split('\n')) {
      // One registry per process: the same line may be served on several ports.
      if (!line.startsWith('graphql_operation_duration_seconds_count{') || seen.has(line.slice(0, line.lastIndexOf(' ')))) continue;
      if (!/service="(auth|transactions|budget|ai)"/.test(line)) continue;
      seen.add(line.slice(0, line.lastIndexOf(' ')));
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return seen.size ? total : null;
}

/** Every token gives the same answer through `url` as through Centavo's gateway before the load. */
const expected = new Map<string, string>();
async function checkAnswers(target: Target, query: string, users: string[]): Promise<void> {
  for (const token of users) {
    const body = JSON.stringify(await post(target.url, query, token));
    const key = `${query}\n${token}`;
    if (!expected.has(key)) expected.set(key, body);
    else if (expected.get(key) !== body) throw new Error(`${target.name} answers differently:\n${body.slice(0, 400)}\nvs\n${expected.get(key)!.slice(0, 400)}`);
    if (body.includes('"errors"')) throw new Error(`${target.name}: ${body.slice(0, 400)}`);
  }
}

const ms = (v: number) => `${Math.round(v)} ms`;
const formatRow = (row: Row) =>
  `| ${row.target} | ${row.load} | ${row.rps.toFixed(1)} | ${ms(row.p50)} | ${ms(row.p99)} | ${row.errors} | ${row.subgraphCalls?.toFixed(2) ?? '-'} | ${row.gatewayCpu?.toFixed(2) ?? '-'} | ${row.subgraphCpu?.toFixed(2) ?? '-'} | ${row.sql?.toFixed(2) ?? '-'} |`;

/**
 * Waits until the previous row's requests still in flight (autocannon stops counting at the
 * end, the system goes on answering them) are done: the subgraphs' CPU stops rising.
 */
async function settle(): Promise<void> {
  const deadline = Date.now() + 20_000;
  let last = subgraphCpu();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1_000));
    const now = subgraphCpu();
    if (now === null || last === null || now - last < 0.05) return;
    last = now;
  }
}

async function load(target: Target, label: string, query: string, users: string[], gatewayPid?: number): Promise<Row> {
  await settle();
  await checkAnswers(target, query, users);
  const body = JSON.stringify({ query });
  let next = 0;
  let errors = 0;
  // Requests sent, each answered by the end of settle(): what the SQL statements are divided by.
  let sent = 0;
  const before = await subgraphOperations();
  const cpuBefore = gatewayPid ? cpuSeconds(gatewayPid) : null;
  const subgraphCpuBefore = subgraphCpu();
  const sqlBefore = await sqlTransactions();
  const result = await autocannon({
    url: target.url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        // Round robin over the users: with as many users as connections no two in flight are alike.
        setupRequest: (req) => (sent++, { ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${users[next++ % users.length]}` }, body }),
        onResponse: (status, resBody) => {
          if (status !== 200 || resBody.includes('"errors"')) {
            errors++;
            // The first few, so a row with errors says which.
            if (errors <= 3) console.log(`  error (HTTP ${status}): ${resBody.slice(0, 300)}`);
          }
        },
      },
    ],
  });
  const after = await subgraphOperations();
  const cpuAfter = gatewayPid ? cpuSeconds(gatewayPid) : null;
  const subgraphCpuAfter = subgraphCpu();
  // The last in-flight requests finish and PostgreSQL publishes its counters (about once a second).
  await settle();
  await new Promise((r) => setTimeout(r, 1_500));
  const sqlAfter = await sqlTransactions();
  const requests = result.requests.total;
  const row: Row = {
    target: target.name,
    load: label,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: errors + result.errors + result.timeouts + result.non2xx,
    subgraphCalls: before !== null && after !== null && requests ? (after - before) / requests : null,
    gatewayCpu: cpuBefore !== null && cpuAfter !== null && requests ? ((cpuAfter - cpuBefore) * 1000) / requests : null,
    subgraphCpu: subgraphCpuBefore !== null && subgraphCpuAfter !== null && requests ? ((subgraphCpuAfter - subgraphCpuBefore) * 1000) / requests : null,
    sql: sqlBefore !== null && sqlAfter !== null && sent ? (sqlAfter - sqlBefore) / sent : null,
  };
  console.log(`  ${formatRow(row)}`);
  return row;
}

/** CPU seconds of the processes that run subgraphs only (not the gateway's). */
function subgraphCpu(): number | null {
  let total = 0;
  for (const p of system.processes.filter((p) => p.label !== 'api')) {
    const cpu = cpuSeconds(p.pid);
    if (cpu === null) return null;
    total += cpu;
  }
  return total;
}

async function startHive(mode: 'default' | 'nodedupe' | 'router'): Promise<Target & { pid: number }> {
  await stopHive();
  hive.dir = mkdtempSync(path.join(os.tmpdir(), 'centavo-hive-'));
  // Our supergraph, with each subgraph's URL on this run's ports.
  const urls: Record<string, string> = { AUTH: subgraphUrl('AUTH'), TRANSACTIONS: subgraphUrl('TRANSACTIONS'), BUDGET: subgraphUrl('BUDGET'), AI: subgraphUrl('AI') };
  const supergraph = readFileSync(path.join(ROOT, 'supergraph.graphql'), 'utf8').replace(
    /(@join__graph\(name: "(\w+)", url: ")[^"]*"/g,
    (_, head: string, name: string) => `${head}${urls[name.toUpperCase()] ?? urls[name]}"`,
  );
  writeFileSync(path.join(hive.dir, 'supergraph.graphql'), supergraph);
  const dedupe = mode === 'nodedupe' ? `transportEntries: { '*': { options: { deduplicateInflightRequests: false } } },` : '';
  writeFileSync(
    path.join(hive.dir, 'gateway.config.mjs'),
    `export const gatewayConfig = {
  supergraph: ${JSON.stringify(path.join(hive.dir, 'supergraph.graphql'))},
  propagateHeaders: { fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') ?? undefined }) },
  ${dedupe}
  logging: 'error',
};\n`,
  );
  const bin = path.join(ROOT, 'bench/node_modules/@graphql-hive/gateway/dist/bin.js');
  const args = [bin, 'supergraph', path.join(hive.dir, 'supergraph.graphql'), '-c', path.join(hive.dir, 'gateway.config.mjs'), '--host', '127.0.0.1', '-p', String(HIVE_PORT)];
  if (mode === 'router') args.splice(2, 0, '--hive-router-runtime');
  const child = spawn(process.execPath, args, { cwd: hive.dir, env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'ignore', 'inherit'] });
  hive.child = child;
  const url = `http://127.0.0.1:${HIVE_PORT}/graphql`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hive-gateway (${mode}) exited with ${child.exitCode}`);
    const ok = await post(url, '{ __typename }').then((b) => b.data?.__typename === 'Query', () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`hive-gateway (${mode}) not ready after 60 s`);
    await new Promise((r) => setTimeout(r, 300));
  }
  const name = { default: 'Hive Gateway (JS planner), default', nodedupe: 'Hive Gateway, in-flight dedupe off', router: 'Hive Gateway, --hive-router-runtime' }[mode];
  return { name, url, pid: child.pid! };
}

async function stopHive(): Promise<void> {
  const child = hive.child;
  if (child && child.exitCode === null && child.signalCode === null) {
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
  if (hive.dir) rmSync(hive.dir, { recursive: true, force: true });
  hive.child = undefined;
  hive.dir = undefined;
}

const rows: Row[] = [];
const all = tokens.slice(0, USERS);
const one = tokens.slice(0, 1);
const gatewayProcess = system.processes.find((p) => p.label === 'api')!;
const loads = (target: Target, pid?: number) => [
  () => load(target, `dashboard, ${all.length} users`, DASHBOARD, all, pid),
  () => load(target, 'dashboard, 1 user', DASHBOARD, one, pid),
  () => load(target, 'me', ME, all, pid),
];
try {
  const plan: (() => Promise<Row>)[] = [];
  const centavo = { name: "Centavo's gateway", url: system.gatewayUrl };
  // Warm-up (JIT, pools, plan caches) is not measured.
  for (const target of [centavo]) await checkAnswers(target, DASHBOARD, all);
  if (ONLY.has('centavo')) plan.push(...loads(centavo, gatewayProcess.pid));
  if (ONLY.has('direct')) plan.push(() => load({ name: 'auth subgraph, direct', url: subgraphUrl('AUTH') }, 'me', ME, all));
  for (const step of plan) rows.push(await step());
  for (const mode of ['default', 'nodedupe', 'router'] as const) {
    if (!ONLY.has(mode === 'default' ? 'hive' : `hive-${mode}`)) continue;
    const target = await startHive(mode);
    for (const step of loads(target, target.pid)) rows.push(await step());
    await stopHive();
  }
} finally {
  await stopAll();
}

console.log(`\nload after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; layout: ${LAYOUT.map((p) => `[${p}]`).join(' ')}; Hive Gateway in a process of its own`);
console.log('| gateway | load | RPS | p50 | p99 | errors | subgraph calls / request | gateway CPU ms / request | subgraph CPU ms / request | SQL statements / request | RPS vs Centavo |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) {
  const base = rows.find((r) => r.target === "Centavo's gateway" && r.load === row.load);
  console.log(`${formatRow(row)} ${base ? (row.rps / base.rps).toFixed(2) : '-'} |`);
}
const me = rows.find((r) => r.target === "Centavo's gateway" && r.load === 'me');
const direct = rows.find((r) => r.target === 'auth subgraph, direct');
if (me && direct) console.log(`\nme through Centavo's gateway / straight to the auth subgraph: ${(me.rps / direct.rps).toFixed(2)}`);
const dash = rows.find((r) => r.target === "Centavo's gateway" && r.load.startsWith('dashboard,') && !r.load.endsWith('1 user'));
const hiveDash = rows.find((r) => r.target.startsWith('Hive Gateway (JS') && r.load === dash?.load);
if (dash && hiveDash) console.log(`dashboard (${dash.load}), Centavo / Hive default: ${(dash.rps / hiveDash.rps).toFixed(2)}`);
if (profileDir) console.log(`CPU profiles in ${profileDir}`);
process.exit(rows.some((r) => r.errors > 0) ? 1 : 0);
