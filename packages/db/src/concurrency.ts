/**
 * Interactive transactions that lock rows: retries after a serialization failure or a
 * deadlock, and transaction-scoped advisory locks.
 */

/** serialization_failure and deadlock_detected: running the whole transaction again can succeed. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

interface AdapterCause {
  originalCode?: unknown;
}

/**
 * Whether an error is a serialization failure or a deadlock, in each shape Prisma 6.19 with
 * the pg driver adapter surfaces them (seen against PostgreSQL 15):
 * - a raw query: PrismaClientKnownRequestError P2010 with meta.driverAdapterError.cause.originalCode;
 * - a model query: P2034 with the same meta, or (inside an interactive transaction, for a
 *   deadlock) the bare DriverAdapterError whose cause.originalCode is the SQLSTATE;
 * - plain pg (pgTransaction): the DatabaseError's code is the SQLSTATE.
 */
export function isRetryableConflict(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { name?: unknown; code?: unknown; cause?: AdapterCause; meta?: { driverAdapterError?: { cause?: AdapterCause } } };
  if (e.code === 'P2034') return true;
  if (typeof e.code === 'string' && RETRYABLE_SQLSTATES.has(e.code)) return true;
  const sqlState = e.name === 'DriverAdapterError' ? e.cause?.originalCode : e.meta?.driverAdapterError?.cause?.originalCode;
  return typeof sqlState === 'string' && RETRYABLE_SQLSTATES.has(sqlState);
}

export interface ConflictRetryOptions {
  /** Runs again after a conflict at most this many times (default 3). */
  retries?: number;
  /** First backoff; it doubles each time and is jittered by ±50% (default 15 ms). */
  baseDelayMs?: number;
  onRetry?: (error: unknown, retry: number) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `transaction` (one whole interactive transaction: it must start, and roll back, with
 * each call) again after a serialization failure or a deadlock, a bounded number of times.
 */
export async function retryOnConflict<T>(transaction: () => Promise<T>, options: ConflictRetryOptions = {}): Promise<T> {
  const { retries = 3, baseDelayMs = 15, onRetry } = options;
  for (let retry = 0; ; retry += 1) {
    try {
      return await transaction();
    } catch (error) {
      if (retry >= retries || !isRetryableConflict(error)) throw error;
      onRetry?.(error, retry + 1);
      // Jitter, so the transactions that collided do not meet again at the same moment.
      await sleep(baseDelayMs * 2 ** retry * (0.5 + Math.random()));
    }
  }
}

/** A Prisma client, or the client of an interactive transaction. */
export interface RawExecutor {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

/**
 * Takes PostgreSQL's transaction-scoped advisory lock on `scope:key`, held until commit or
 * rollback: work on one key (a user's quota, a token family) runs one at a time across
 * processes, with no row or table to lock and no migration.
 */
export async function advisoryXactLock(tx: RawExecutor, scope: string, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${scope}:${key}`}, 0))`;
}
