import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Pool, PoolClient } from 'pg';

// pg is a dependency of @centavo/db; the benchmarks borrow it from there instead of adding one.
const requireFromDb = createRequire(new URL('../../packages/db/package.json', import.meta.url));
const pg = requireFromDb('pg') as typeof import('pg');

export type { Pool, PoolClient };
export type SubgraphName = 'auth' | 'transactions' | 'budget' | 'ai';
export const SUBGRAPH_NAMES: readonly SubgraphName[] = ['auth', 'transactions', 'budget', 'ai'];

/** A pool on database `<prefix>_<name>` of the server in DATABASE_URL (default: the local one). */
export function poolFor(prefix: string, name: SubgraphName, max = 4): Pool {
  const server = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  return new pg.Pool({
    host: server.hostname,
    port: Number(server.port || 5432),
    user: decodeURIComponent(server.username || 'postgres'),
    password: server.password ? decodeURIComponent(server.password) : undefined,
    database: `${prefix}_${name}`,
    max,
  });
}

export type Pools = Record<SubgraphName, Pool>;

export function poolsFor(prefix: string, max = 4): Pools {
  return Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, poolFor(prefix, n, max)])) as Pools;
}

export async function closePools(pools: Pools): Promise<void> {
  await Promise.all(Object.values(pools).map((p) => p.end()));
}

/** Runs `work` in one database transaction on a client of the pool. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Creates the databases `<prefix>_<subgraph>` and applies the migrations (`centavo migrate`, a child process). */
export function migrateDatabases(prefix: string): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    spawn(process.execPath, ['--import', 'tsx', 'bin/centavo.ts', 'migrate'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, DB_NAME_PREFIX: prefix, APOLLO_TELEMETRY_DISABLED: '1', CHECKPOINT_DISABLE: '1' },
      stdio: 'ignore',
    }).on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`migrate exited ${code}`)))),
  );
}

/** Drops the databases `<prefix>_<subgraph>`, from the server's maintenance database (one cannot drop itself). */
export async function dropDatabases(prefix: string): Promise<void> {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  try {
    for (const name of SUBGRAPH_NAMES) await admin.query(`DROP DATABASE IF EXISTS "${prefix}_${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
