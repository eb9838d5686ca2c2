import type pg from 'pg';
import { pgTransaction } from '@centavo/db';
/** One unpublished event: its id (the job id in every consumer queue) and its payload as stored. */
export interface OutboxRow {
  id: string;
  payload: unknown;
}

/** What a claim took: how many rows, and whether more may be waiting (the claim was full). */
export interface ClaimResult {
  claimed: number;
  more: boolean;
}

/**
 * Where a domain keeps its outbox. The relay knows nothing of the table: a store claims rows and
 * marks them published in one database transaction, and deletes old published ones.
 */
export interface OutboxStore {
  /**
   * In one database transaction: claims up to `limit` unpublished rows, oldest first, that no
   * other transaction holds (FOR UPDATE SKIP LOCKED), awaits `publish(rows, alongside)`, and
   * marks them published. If `publish` throws, the transaction rolls back and the rows stay
   * unpublished. `alongside`: the rows of the store's own query over the claimed rows, when it
   * has one (outboxEventsPgStore). Returns how many rows it claimed, and whether more may wait:
   * it claimed `limit`, or stopped at a payload budget (outboxEventsPgStore) before `limit`.
   */
  claim(limit: number, publish: (rows: OutboxRow[], alongside?: unknown[]) => Promise<void>): Promise<ClaimResult>;
  /**
   * Whether any row is unpublished and not held by a claim in progress, in one statement outside
   * a transaction: a NOTIFY's pass asks first, since another process's relay has usually
   * published the rows already, or is publishing them (a claim that finds nothing costs BEGIN,
   * the claim and COMMIT). A claim in progress that fails leaves its rows to its own relay's retry.
   */
  pending?(): Promise<boolean>;
  /** Deletes rows published more than `retentionDays` days ago. */
  cleanup(retentionDays: number): Promise<void>;
}

/** The raw-SQL part of a Prisma client (any generated client, or its transaction client). */
export interface SqlClient {
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

export interface TransactionalSqlClient extends SqlClient {
  $transaction<R>(work: (tx: SqlClient) => Promise<R>, options?: { timeout?: number }): Promise<R>;
}

/** Unpublished rows that no claim holds (a claim in progress is publishing the rows it locked). */
const PENDING_SQL = 'SELECT EXISTS (SELECT 1 FROM outbox_events WHERE published_at IS NULL LIMIT 1 FOR UPDATE SKIP LOCKED) AS pending';

/**
 * Stored payload bytes (pg_column_size: compressed as stored) a pass of outboxEventsPgStore
 * claims at most, beyond its first row: about 8 import events of 2,000 rows (each ~130 KB
 * stored, ~740 KB of JSON once read).
 */
export const CLAIM_MAX_PAYLOAD_BYTES = 1024 * 1024;

// Long enough for a batch of enqueues to a slow Redis; Prisma's default (5 s) is not.
const CLAIM_TIMEOUT_MS = 30_000;

/**
 * The store of an `outbox_events` table, the shape every Centavo database's outbox has
 * (prisma/transactions/schema.prisma and prisma/budget/schema.prisma, model OutboxEvent).
 */
export function outboxEventsStore(db: TransactionalSqlClient): OutboxStore {
  return {
    claim: (limit, publish) =>
      db.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<OutboxRow[]>`
          SELECT id, payload FROM outbox_events
          WHERE published_at IS NULL
          ORDER BY created_at
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return { claimed: 0, more: false };
        await publish(rows);
        const ids = rows.map((r) => r.id);
        await tx.$executeRaw`UPDATE outbox_events SET published_at = now() WHERE id = ANY(${ids}::uuid[])`;
        return { claimed: rows.length, more: rows.length === limit };
      }, { timeout: CLAIM_TIMEOUT_MS }),
    async pending() {
      const [row] = await db.$queryRaw<{ pending: boolean }[]>`SELECT EXISTS (SELECT 1 FROM outbox_events WHERE published_at IS NULL LIMIT 1 FOR UPDATE SKIP LOCKED) AS pending`;
      return row?.pending ?? true;
    },
    async cleanup(retentionDays) {
      await db.$executeRaw`DELETE FROM outbox_events WHERE published_at < now() - make_interval(days => ${retentionDays})`;
    },
  };
}

/** As Prisma's interactive transaction of outboxEventsStore: a publish that hangs rolls the claim back after CLAIM_TIMEOUT_MS. */
async function withinClaimTimeout(work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`outbox claim not published within ${CLAIM_TIMEOUT_MS} ms`)), CLAIM_TIMEOUT_MS);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * outboxEventsStore over plain pg: the same transaction, with the claim and its mark in one
 * statement. An import batch's event holds 2,000 rows (hundreds of KiB of JSON); pg parses it
 * once, where Prisma's raw query converted it again value by value.
 */
export function outboxEventsPgStore(pool: pg.Pool, alongside?: (claimed: string) => string, maxPayloadBytes = CLAIM_MAX_PAYLOAD_BYTES): OutboxStore {
  // Claimed and marked in one statement: a publish that fails rolls the mark back with the claim.
  // The oldest rows are locked, and claimed while their stored payloads stay within the budget
  // (the first one always): a backlog of import events, 2,000 rows each, is published a few at a
  // time, not 500 of them (hundreds of MB of JSON) in one pass. Locked rows past the budget are
  // released at COMMIT, for the next pass.
  // With `alongside`, its rows (a query over the CTE `marked`: id, payload) come in the same
  // statement, as JSON after the claimed rows: what the pass needs to know of them, read once.
  const claimed = `locked AS (
      SELECT id, created_at, pg_column_size(payload) AS size FROM outbox_events WHERE published_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED
    ), claimed AS (
      SELECT id, created_at FROM (
        SELECT id, created_at, sum(size) OVER (ORDER BY created_at, id ROWS UNBOUNDED PRECEDING) - size AS before FROM locked
      ) budget WHERE before < $2
    ), marked AS (
      UPDATE outbox_events o SET published_at = now() FROM claimed c WHERE o.id = c.id RETURNING o.id, o.payload, c.created_at
    )`;
  // Every row carries how many rows were locked: more than were claimed means the budget stopped the claim.
  const sql = alongside
    ? `WITH ${claimed}
      SELECT id, payload, created_at, NULL::jsonb AS alongside, (SELECT count(*) FROM locked)::int AS locked FROM marked
      UNION ALL
      SELECT NULL, NULL, NULL, to_jsonb(x), NULL FROM (${alongside('marked')}) x
      ORDER BY 3 NULLS LAST`
    : `WITH ${claimed} SELECT id, payload, (SELECT count(*) FROM locked)::int AS locked FROM marked ORDER BY created_at`;
  return {
    claim: (limit, publish) =>
      pgTransaction(pool, async (client) => {
        const { rows } = await client.query<OutboxRow & { alongside?: unknown; locked: number | null }>(sql, [limit, maxPayloadBytes]);
        const events = rows.filter((r) => r.id !== null).map(({ id, payload }) => ({ id, payload }));
        if (events.length > 0) {
          await withinClaimTimeout(publish(events, alongside ? rows.filter((r) => r.id === null).map((r) => r.alongside) : undefined));
        }
        const locked = rows[0]?.locked ?? 0;
        return { claimed: events.length, more: events.length === limit || locked > events.length };
      }),
    async pending() {
      const { rows } = await pool.query<{ pending: boolean }>(PENDING_SQL);
      return rows[0]?.pending ?? true;
    },
    async cleanup(retentionDays) {
      await pool.query('DELETE FROM outbox_events WHERE published_at < now() - make_interval(days => $1)', [retentionDays]);
    },
  };
}
