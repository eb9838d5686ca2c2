/**
 * A steady mixed load through the gateway for a long time, watching the memory of the two
 * processes the system runs as (API modules, and the workers):
 *   node --import tsx bench/soak.bench.ts [minutes=30]
 * Env: SOAK_RATE (20 operations/s in total), SOAK_USERS (20), SOAK_SEEDED_USERS (5 of them log
 * in as users of bench/seed-history.ts, with 18 months of history), SOAK_MAX_IN_FLIGHT (50),
 * SOAK_REFRESH_MINUTES (4), DB_NAME_PREFIX (centavo_soak, seeded first), SOAK_BASE_PORT (15600),
 * SOAK_ENV ("NAME=value ..." for the system's processes), SOAK_NODE_ARGS ("--max-old-space-size=320").
 * Operations fire at the fixed rate whatever the responses: a slow one delays nothing, and one
 * that cannot be sent (too many in flight) is an error. Exits 1 on any error.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadDataset } from '../subgraphs/ai/src/modules/categorize/dataset.js';
import { closePools, poolsFor } from './lib/pg.js';
import { Random } from './lib/random.js';
import { deletePrefix } from './lib/redis.js';
import { cpuSeconds, rssKb, schedSeconds, startCentavo } from './lib/system.js';
import { SEED_EMAIL_LIKE, SEED_PASSWORD } from './seed/credentials.js';
import { CLIENT_TIMEOUT_MS } from './soak/client.js';
import { MIX, runOperation } from './soak/operations.js';
import { EXPECTED, Stats } from './soak/stats.js';
import { refresh, setUpUser, type LoadContext, type SoakUser } from './soak/users.js';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const MINUTES = Number(process.argv[2] ?? 30);
const RATE = num('SOAK_RATE', 20);
const USERS = num('SOAK_USERS', 20);
const SEEDED = Math.min(USERS, num('SOAK_SEEDED_USERS', 5));
const MAX_IN_FLIGHT = num('SOAK_MAX_IN_FLIGHT', 50);
const REFRESH_MS = num('SOAK_REFRESH_MINUTES', 4) * 60_000;
const PREFIX = process.env.DB_NAME_PREFIX ?? 'centavo_soak';
const BASE_PORT = num('SOAK_BASE_PORT', 15600);
const SAMPLE_MS = 10_000;
const durationMs = MINUTES * 60_000;
// RSS "after warm-up": 10% into the run, at most 3 minutes in.
const warmupSeconds = Math.min(180, Math.max(SAMPLE_MS / 1000, (durationMs / 1000) * 0.1));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const commandLine = [
  ...Object.entries(process.env)
    .filter(([k]) => k.startsWith('SOAK_') || k === 'DB_NAME_PREFIX')
    .map(([k, v = '']) => `${k}=${/^[\w.,/:-]*$/.test(v) ? v : `"${v}"`}`),
  'node --import tsx bench/soak.bench.ts',
  ...process.argv.slice(2),
].join(' ');
console.log(`command: ${commandLine}`);
console.log(`${MINUTES} min at ${RATE} operations/s, ${USERS} users (${SEEDED} seeded), at most ${MAX_IN_FLIGHT} in flight, refresh every ${REFRESH_MS / 60_000} min`);

const pools = poolsFor(PREFIX, 1);
const history = await pools.transactions
  .query<{ n: number }>('SELECT COUNT(*)::int AS n FROM transactions')
  .then((r) => r.rows[0]!.n)
  .catch((error: Error) => {
    console.error(`database ${PREFIX}_transactions: ${error.message}; migrate and seed it first (bench/seed-history.ts)`);
    process.exit(2);
  });
const seededEmails = (await pools.auth.query<{ email: string }>('SELECT email FROM users WHERE email LIKE $1 ORDER BY random() LIMIT $2', [SEED_EMAIL_LIKE, SEEDED])).rows.map((r) => r.email);
await closePools(pools);
console.log(`database ${PREFIX}: ${history.toLocaleString('en-US')} transactions before the run; ${seededEmails.length} seeded users join the load`);

const runTag = Date.now().toString(36);
const system = await startCentavo({
  basePort: BASE_PORT,
  dbPrefix: PREFIX,
  redisPrefix: `centavo-soak-${runTag}:`,
  processes: ['auth,transactions,budget,ai,gateway', 'worker'],
  logDir: `/tmp/centavo-soak-${runTag}`,
  // A bounded heap, as the containers run (deploy/k8s, docker-compose.yml): V8 otherwise sizes it
  // from this machine's memory and RSS grows for as long as it may. SOAK_NODE_ARGS replaces it,
  // e.g. "--max-old-space-size=320 --cpu-prof --cpu-prof-dir=/tmp/prof".
  nodeArgs: (process.env.SOAK_NODE_ARGS ?? '--max-old-space-size=320').split(' ').filter(Boolean),
  // E.g. SOAK_ENV="GLOBAL_LEARNING=0 LOG_LEVEL=info": settings of the system under test.
  env: Object.fromEntries((process.env.SOAK_ENV ?? '').split(' ').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
});
const stats = new Stats();
const ctx: LoadContext = { url: system.gatewayUrl, stats, rng: new Random(Date.now() % 2 ** 31), lines: loadDataset().filter((l) => l.slug !== 'transfer'), now: new Date() };
const who = [
  ...seededEmails.map((email) => ({ email, password: SEED_PASSWORD, seeded: true })),
  ...Array.from({ length: USERS - seededEmails.length }, (_, i) => ({ email: `soak-${runTag}-${i}@example.com`, password: `soak password ${randomUUID()}`, seeded: false })),
];
const users: SoakUser[] = [];
let exitCode = 0;
try {
  // A few at a time: registration hashes with argon2, which takes the API's CPU.
  for (let i = 0; i < who.length; i += 4) users.push(...(await Promise.all(who.slice(i, i + 4).map((w) => setUpUser(ctx, w)))));
  console.log(`${users.length} users ready; load starts`);
  exitCode = await runLoad();
} catch (error) {
  console.error(`soak aborted: ${(error as Error).message}`);
  exitCode = 1;
} finally {
  await Promise.all(users.map((u) => u.subscriber.stop()));
  await system.stop();
  await deletePrefix(system.env.REDIS_PREFIX!);
}
process.exit(exitCode);

async function runLoad(): Promise<number> {
  let inFlight = 0;
  const sample = (t: number) => {
    stats.rss.push({
      t: Math.round(t),
      kb: Object.fromEntries(system.processes.map((p) => [p.label, rssKb(p.pid)])),
      cpu: Object.fromEntries(system.processes.map((p) => [p.label, cpuSeconds(p.pid)])),
      wait: Object.fromEntries(system.processes.map((p) => [p.label, schedSeconds(p.pid)?.wait ?? null])),
    });
    // A line a minute, so a long run shows how it goes.
    if (t > 0 && Math.round(t) % 60 < SAMPLE_MS / 1000) {
      const rss = system.processes.map((p) => `${p.label} ${((rssKb(p.pid) ?? 0) / 1024).toFixed(0)} MB`).join(', ');
      console.log(`  t=${Math.round(t)} s: ${stats.attempted} operations, ${stats.errorCount} errors, ${inFlight} in flight, RSS ${rss}`);
    }
  };
  const begin = performance.now();
  stats.begin = Date.now();
  const elapsed = () => (performance.now() - begin) / 1000;
  sample(0);
  const sampler = setInterval(() => sample(elapsed()), SAMPLE_MS);
  const refreshers = users.map((user) => {
    const tick = () => void refresh(ctx, user);
    const first = setTimeout(() => {
      tick();
      refreshers.push(setInterval(tick, REFRESH_MS));
    }, ctx.rng.int(60_000, REFRESH_MS));
    return first;
  });
  const running = new Set<Promise<void>>();
  for (let i = 0; ; i++) {
    const due = begin + (i * 1000) / RATE;
    if (due - begin >= durationMs) break;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const op = ctx.rng.weighted(MIX);
    if (inFlight >= MAX_IN_FLIGHT) {
      stats.fail(op, 'NOT_SENT', `${MAX_IN_FLIGHT} requests already in flight`);
      continue;
    }
    inFlight++;
    const p = runOperation(ctx, ctx.rng.pick(users), op).finally(() => {
      inFlight--;
      running.delete(p);
    });
    running.add(p);
  }
  sample(elapsed());
  for (const timer of refreshers) clearTimeout(timer);
  clearInterval(sampler);
  const loadSeconds = elapsed();
  await Promise.race([Promise.all(running), sleep(CLIENT_TIMEOUT_MS + 5_000)]);
  // Events of the last operations are still on their way.
  await sleep(5_000);
  await checkBackend();
  report(loadSeconds);
  return stats.errorCount > 0 ? 1 : 0;
}

/** Failed jobs (after their last try) and error logs are failures too, only not of a request. */
async function checkBackend(): Promise<void> {
  const metrics = await fetch(`http://127.0.0.1:${system.env.WORKER_PORT}/metrics`).then((r) => r.text(), () => '');
  const queues = [...metrics.matchAll(/^queue_jobs\{queue="([^"]+)",state="([^"]+)"\} (\d+)/gm)].filter((m) => m[3] !== '0');
  console.log(`\nqueues after the run: ${queues.map((m) => `${m[1]} ${m[2]} ${m[3]}`).join(', ') || 'all empty'}`);
  for (const m of queues) if (m[2] === 'failed') stats.error(`job:${m[1]}`, 'FAILED', `${m[3]} jobs failed their last try`);
  for (const p of system.processes) {
    const lines = readFileSync(p.logFile, 'utf8').split('\n').filter((l) => /"level":(50|60)/.test(l));
    for (const line of lines) stats.error(`log:${p.label}`, 'ERROR_LOGGED', line, Date.parse(/"time":"([^"]+)"/.exec(line)?.[1] ?? '') || Date.now());
  }
}

function report(loadSeconds: number): void {
  console.log(`\nRSS (VmRSS every ${SAMPLE_MS / 1000} s; warm-up ${warmupSeconds} s): ${system.processes.map((p) => `${p.label} = pid ${p.pid} --module=${p.modules}`).join('; ')}`);
  for (const line of stats.rssTable(warmupSeconds)) console.log(`  ${line}`);
  for (const line of stats.rssTimeline()) console.log(line);
  console.log(`\nlatency per operation (successful requests):`);
  for (const line of stats.latencyTable()) console.log(`  ${line}`);
  console.log(`\nsubscription events received: ${[...stats.events.entries()].map(([t, n]) => `${t} ${n}`).join(', ') || 'none'}`);
  const total = stats.attempted;
  console.log(`operations: ${total} in ${loadSeconds.toFixed(0)} s (${(total / loadSeconds).toFixed(1)}/s, refreshToken included), errors: ${stats.errorCount}`);
  if (stats.errors.size) {
    console.log('errors by operation and code (count, first at s into the load, first message):');
    for (const [key, e] of [...stats.errors.entries()].sort((a, b) => b[1].count - a[1].count)) {
      console.log(`  ${key.padEnd(48)} ${String(e.count).padStart(6)} ${`t=${e.first}`.padStart(7)}  ${e.sample}`);
    }
  }
  for (const [key, n] of stats.expected) console.log(`expected, not counted: ${key} ${n}× (${EXPECTED.get(key)})`);
  console.log(`logs: ${system.processes.map((p) => p.logFile).join(', ')}`);
  console.log(`command: ${commandLine}`);
}
