/**
 * What the event pipeline costs per created transaction, end to end, and idle:
 *   [PIPELINE_TRACE=1] node --import tsx bench/pipeline-cost.bench.ts [transactions=200] [rate=20] [loadRate=100] [loadSeconds=10]
 * Runs the system as production does (one process for the subgraphs and the gateway, one for the
 * workers) against the local PostgreSQL through a counting proxy (bench/lib/pg-counter.ts: every
 * Query and Execute message is a statement, BEGIN/COMMIT included, per database) and a Redis
 * server of its own (redis-server on a free port, so INFO commandstats counts only this system).
 * Reports:
 * - idle statements and Redis commands per second (nothing written for 10 s);
 * - statements and Redis commands per created transaction: `transactions` createTransaction
 *   through the gateway at `rate` per second over 20 users (few events per relay pass: the
 *   per-row worst case), then `loadRate` per second for `loadSeconds`, each measured from the
 *   first write until the whole pipeline is quiet again (every transaction categorized and
 *   counted), the idle Redis rate subtracted; of those, the commands clients sent (MONITOR: an
 *   EVALSHA is one, the commands its script runs are not), which is what costs round trips.
 * With PIPELINE_TRACE=1, also every statement and every client-sent Redis command of one write.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { ok, registerUser } from '@centavo/testing';
import { startStatementCounter } from './lib/pg-counter.js';
import { dropDatabases, migrateDatabases } from './lib/pg.js';
import { startCentavo } from './lib/system.js';

const [count = 200, rate = 20, loadRate = 100, loadSeconds = 10] = process.argv.slice(2).map(Number);
const USERS = 20;
const MERCHANTS = ['NETFLIX.COM', 'UBER *TRIP HELP.UBER.COM', 'IFOOD *RESTAURANTE', 'POSTO IPIRANGA', 'DROGASIL 1234', 'CARREFOUR HIPER', 'SPOTIFY', 'SHELL SELECT'];

const requireFromTesting = createRequire(new URL('../packages/testing/package.json', import.meta.url));
interface RedisMonitor {
  on(event: 'monitor', listener: (time: string, args: string[], source: string) => void): void;
  disconnect(): void;
}
interface RedisClient {
  info(section: string): Promise<string>;
  monitor(): Promise<RedisMonitor>;
  quit(): Promise<unknown>;
}
const { Redis } = requireFromTesting('ioredis') as { Redis: new (url: string) => RedisClient };

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

// BENCH_BASE_PORT=N puts every port of the run at N.. (the system N..N+5, Redis N+10, the counter N+11), for a shared machine.
const basePort = Number(process.env.BENCH_BASE_PORT ?? 16500);
const fixedPorts = process.env.BENCH_BASE_PORT !== undefined;
const redisPort = fixedPorts ? basePort + 10 : await freePort();
const redisServer = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
const redisUrl = `redis://127.0.0.1:${redisPort}`;
await new Promise((r) => setTimeout(r, 500)); // redis-server listening
const redis = new Redis(redisUrl);
const redisCalls = async () =>
  (await redis.info('commandstats')).split('\n').reduce((sum, line) => sum + Number(/calls=(\d+)/.exec(line)?.[1] ?? 0), 0);
/**
 * Counts the commands clients send (round trips' worth: an EVALSHA is one, however many commands
 * its script runs; those come with source "lua" and are counted apart) until stop().
 */
async function countClientCommands(): Promise<{ stop(): { sent: number; inScripts: number } }> {
  const monitor = await redis.monitor();
  let sent = 0;
  let inScripts = 0;
  monitor.on('monitor', (_time, _args, source) => {
    if (source === 'lua') inScripts += 1;
    else sent += 1;
  });
  return {
    stop() {
      monitor.disconnect();
      return { sent, inScripts };
    },
  };
}

const counter = await startStatementCounter({ host: '127.0.0.1', port: 5432 }, fixedPorts ? basePort + 11 : 0);
const dbPrefix = `centavo_h11_pipeline_bench_${randomUUID().slice(0, 6)}`;
// The databases are created and migrated directly, not through the proxy.
await migrateDatabases(dbPrefix);
const system = await startCentavo({
  basePort,
  dbPrefix,
  processes: ['auth,transactions,budget,ai,gateway', 'worker'],
  logDir: `/tmp/${dbPrefix}`,
  env: { DATABASE_URL: `postgresql://postgres@127.0.0.1:${process.env.PG_DIRECT ? 5432 : counter.port}/postgres`, REDIS_URL: redisUrl },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until no statement ran for `quietMs` (the pipeline is done: idle runs none). */
async function quiet(quietMs = 3000, maxMs = 120_000): Promise<number> {
  const start = Date.now();
  let last = counter.total();
  let lastChange = Date.now();
  while (Date.now() - lastChange < quietMs) {
    if (Date.now() - start > maxMs) {
      const tally = new Map<string, number>();
      for (const text of counter.recent().slice(-100)) tally.set(text, (tally.get(text) ?? 0) + 1);
      const top = [...tally].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([text, n]) => `${n}x ${text}`);
      throw new Error(`the pipeline never went quiet; the last 100 statements:\n${top.join('\n')}`);
    }
    await sleep(200);
    const now = counter.total();
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    }
  }
  return lastChange;
}

// pg is a dependency of @centavo/db; borrowed from there (its types do not resolve from bench/).
const pg = createRequire(new URL('../packages/db/package.json', import.meta.url))('pg') as {
  Client: new (o: { connectionString: string }) => {
    connect(): Promise<void>;
    query<R>(sql: string): Promise<{ rows: R[] }>;
    end(): Promise<void>;
  };
};
// Read directly, not through the proxy: what the system stored, outside the counts.
const direct = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:5432/${dbPrefix}_transactions` });
await direct.connect();
const stored = async () =>
  (await direct.query<{ total: string; categorized: string }>(`SELECT count(*) AS total, count(category_id) AS categorized FROM transactions`)).rows[0]!;

try {
  const url = system.gatewayUrl;
  // One after the other: password hashing is slow on purpose, and the machine is shared.
  const users: { token: string; account: string }[] = [];
  for (let i = 0; i < USERS; i++) {
    const user = await registerUser(url, 'bench');
    const { createAccount } = await ok<{ createAccount: { id: string } }>(
      url,
      `mutation { createAccount(input: { name: "Bench", type: CHECKING, currency: "BRL" }) { id } }`,
      {},
      user.accessToken,
    );
    users.push({ token: user.accessToken, account: createAccount.id });
  }
  const write = (i: number) => {
    const u = users[i % users.length]!;
    const description = `${MERCHANTS[i % MERCHANTS.length]} ${randomUUID().slice(0, 8)}`;
    return ok(
      url,
      `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
      { i: { accountId: u.account, amount: '-10.00', date: `2026-11-${String((i % 28) + 1).padStart(2, '0')}`, description } },
      u.token,
    );
  };
  // Warm-up (every user's default categories, the model): one transaction each, end to end.
  const warm: number[] = [];
  for (let i = 0; i < users.length; i++) {
    const t = Date.now();
    await write(i);
    warm.push(Date.now() - t);
  }
  await quiet();
  console.log(`warm-up: createTransaction took ${warm.join(', ')} ms`);

  // One more write, alone: every statement it cost, in order (PIPELINE_TRACE=1).
  if (process.env.PIPELINE_TRACE) {
    const before = counter.total();
    await write(users.length);
    await quiet();
    const texts = counter.recent().slice(-(counter.total() - before));
    console.log(`one write, statement by statement (${texts.length}):\n${texts.map((t) => `  ${t.replace(`${dbPrefix}_`, '').replace(/\s+/g, ' ')}`).join('\n')}`);
    // The same for Redis: every command of one more write, grouped by command and the shape
    // of its first key (ids and numbers masked), the workers' blocking waits included.
    const monitor = await redis.monitor();
    const seen = new Map<string, number>();
    let inScripts = 0;
    monitor.on('monitor', (_time, args, source) => {
      // Commands a Lua script ran (BullMQ's) come with source "lua": counted apart.
      if (source === 'lua') {
        inScripts += 1;
        return;
      }
      const [command = '', first = ''] = args;
      const key = /^(eval|evalsha)$/i.test(command) ? String(args[3] ?? '') : first;
      const shape = `${command.toLowerCase()} ${key.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '<id>').replace(/\d+/g, '<n>')}`;
      seen.set(shape, (seen.get(shape) ?? 0) + 1);
    });
    await write(users.length + 1);
    await quiet();
    monitor.disconnect();
    const commands = [...seen].sort((a, b) => b[1] - a[1]);
    const sum = commands.reduce((n, [, c]) => n + c, 0);
    console.log(`one write, Redis commands sent by clients, by shape (${sum}; and ${inScripts} run inside scripts):\n${commands.map(([shape, c]) => `  ${c}x ${shape}`).join('\n')}`);
  }

  const idleSeconds = 10;
  const idleClients = await countClientCommands();
  const idle0 = { sql: counter.total(), redis: await redisCalls() };
  await sleep(idleSeconds * 1000);
  const idle1 = { sql: counter.total(), redis: await redisCalls() };
  const idleSentPerMs = idleClients.stop().sent / (idleSeconds * 1000);
  const idleRedisPerMs = (idle1.redis - idle0.redis - 1) / (idleSeconds * 1000);
  console.log(`idle: ${((idle1.sql - idle0.sql) / idleSeconds).toFixed(2)} statements/s, ${(idleRedisPerMs * 1000).toFixed(1)} Redis commands/s (the workers' blocking waits)`);

  async function measure(label: string, sent: number, perSecond: number): Promise<void> {
    let n = sent;
    const created0 = Number((await stored()).total);
    const byDb0 = counter.counts();
    const sql0 = counter.total();
    const clients = await countClientCommands();
    const redis0 = await redisCalls();
    const t0 = Date.now();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < sent; i++) {
      const wait = t0 + (i * 1000) / perSecond - Date.now();
      if (wait > 0) await sleep(wait);
      const one = write(i);
      one.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      sends.push(one);
    }
    // Under a shared, loaded machine the gateway's 5 s timeout can fail a write that still
    // commits: the figures divide by the transactions stored, not by the writes sent.
    const failures = (await Promise.allSettled(sends)).flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error)?.message ?? r.reason).slice(0, 200)] : []));
    const failed = failures.length;
    if (failed > 0) console.log(`${label}: the gateway's errors: ${[...new Set(failures)].slice(0, 5).join(' | ')}`);
    const doneAt = await quiet();
    n = Number((await stored()).total) - created0;
    const redis1 = await redisCalls();
    const { sent: clientSent } = clients.stop();
    const sql = counter.total() - sql0;
    const byDb = [...counter.counts()].map(([db, c]) => [db.replace(`${dbPrefix}_`, ''), (c - (byDb0.get(db) ?? 0)) / n] as const).filter(([, c]) => c > 0);
    const redisRaw = redis1 - redis0 - 1;
    const redisIdle = idleRedisPerMs * (Date.now() - t0);
    console.log(
      `${label}: ${sent} createTransaction at ${perSecond}/s (${failed} failed at the gateway), ${n} stored, done ${((doneAt - t0) / 1000).toFixed(1)} s after the first write; ` +
        `${(sql / n).toFixed(1)} statements/tx (${byDb.map(([db, c]) => `${db} ${c.toFixed(1)}`).join(', ')}); ` +
        `${((redisRaw - redisIdle) / n).toFixed(1)} Redis commands/tx (${(redisRaw / n).toFixed(1)} with the idle waits), ` +
        `of which ${((clientSent - idleSentPerMs * (Date.now() - t0)) / n).toFixed(1)} sent by clients (${(clientSent / n).toFixed(1)} with the idle waits; the rest run inside BullMQ's scripts)`,
    );
  }
  await measure('single writes', count, rate);
  await measure('load', loadRate * loadSeconds, loadRate);

  const { total, categorized } = await stored();
  console.log(`check: ${categorized}/${total} transactions categorized`);
} finally {
  await system.stop();
  await direct.end();
  await redis.quit();
  redisServer.kill('SIGTERM');
  await counter.close();
  // The run's own databases (a fresh prefix each run) are of no use afterwards.
  await dropDatabases(dbPrefix);
}
process.exit(0);
