import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { LeakFreePrismaPg } from './pg-adapter.js';

export { PrismaPg, LeakFreePrismaPg };
export { advisoryXactLock, isRetryableConflict, retryOnConflict, type ConflictRetryOptions, type RawExecutor } from './concurrency.js';

/** PostgreSQL error codes surfaced through Prisma's driver adapter. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { name?: string; code?: string; cause?: { originalCode?: string }; meta?: { code?: string; driverAdapterError?: { cause?: { originalCode?: string } } } };
  // Inside an interactive transaction a model query may throw the bare DriverAdapterError (see concurrency.ts).
  if (e?.name === 'DriverAdapterError') return e.cause?.originalCode === '23505';
  return e?.code === 'P2002' || e?.meta?.driverAdapterError?.cause?.originalCode === '23505';
}

/**
 * SQL statements run by this process's Prisma clients (each client reports its queries here):
 * what the N+1 tests count.
 */
let statements = 0;
export const countSqlStatement = (): void => {
  statements++;
};
export const sqlStatementCount = (): number => statements;

/**
 * Options every subgraph passes to its PrismaClient: the pg adapter and, when something counts
 * statements (`queryEvents`), query events. Background clients go without: an event serializes
 * every parameter, a third of the CPU of a raw query over an import batch's 2,000-row arrays.
 */
/**
 * Connections of one Prisma client's pool: `DATABASE_POOL_SIZE` (1-500), else 20. A process of
 * every module holds ten clients, so a PostgreSQL with the default 100 connections shared by
 * several such processes (the test suite runs three systems at once) wants fewer each.
 */
export function defaultPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.DATABASE_POOL_SIZE);
  return Number.isInteger(n) && n >= 1 && n <= 500 ? n : 20;
}

export function prismaOptions(databaseUrl: string, poolSize = defaultPoolSize(), queryEvents = true) {
  const log: { level: 'query'; emit: 'event' }[] = queryEvents ? [{ level: 'query', emit: 'event' }] : [];
  return {
    adapter: new LeakFreePrismaPg({ connectionString: databaseUrl, max: poolSize }),
    log,
    // Under bursts a request waits for a connection instead of failing after Prisma's 2 s default.
    transactionOptions: { maxWait: 10_000, timeout: 15_000 },
  };
}

export type { Pool as PgPool, PoolClient as PgPoolClient } from 'pg';

/**
 * A plain pg pool beside Prisma, for bulk byte and row streams (statement files, import
 * batches): Prisma's query events serialize every parameter (a 1 MiB bytea becomes a string
 * of megabytes per statement), and its raw queries add a round of conversion per value.
 */
export function createPgPool(databaseUrl: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  // An idle client that loses its connection (a restart of PostgreSQL) must not crash the process.
  pool.on('error', () => undefined);
  // Nor one that is checked out (the pool listens to idle clients only): its queries fail, and
  // its holder releases it broken, or the pool finds it not queryable on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** How long a pgTransaction statement may wait for a lock, and may run, before it fails (the transaction rolls back). */
export const PG_TRANSACTION_LIMITS = { lockTimeoutMs: 10_000, statementTimeoutMs: 30_000 };

/**
 * Runs `work` in one database transaction on a client of `pool`: COMMIT when it resolves,
 * ROLLBACK when it throws (a client whose ROLLBACK failed is discarded, not reused). One whole
 * transaction per call, so retryOnConflict can run it again. A statement waiting on a lock longer
 * than `lockTimeoutMs`, or running longer than `statementTimeoutMs`, fails, as Prisma's
 * interactive transactions are bounded by their timeout: a stuck batch fails and is retried
 * instead of holding its locks and a connection for ever. The limits are set in BEGIN's round trip.
 */
export async function pgTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, limits = PG_TRANSACTION_LIMITS): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client has no listener of the pool's: a connection lost mid-transaction (a
  // PostgreSQL restart) would be an uncaught 'error' event. Its queries fail, which is enough.
  const lost = (err: Error) => (broken = err);
  client.on('error', lost);
  try {
    await client.query(
      `BEGIN; SET LOCAL lock_timeout = ${Math.trunc(limits.lockTimeoutMs)}; SET LOCAL statement_timeout = ${Math.trunc(limits.statementTimeoutMs)}`,
    );
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((err: Error) => (broken = err));
    throw error;
  } finally {
    client.removeListener('error', lost);
    client.release(broken);
  }
}
