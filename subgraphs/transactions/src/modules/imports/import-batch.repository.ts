import { randomUUID } from 'node:crypto';
import type { PgPool, PgPoolClient } from '@centavo/db';
import type { TransactionsBulkEvent, TransactionSnapshot } from '@centavo/jobs';
import { notYetPresent, presentCounts, type KeyedRow } from './dedup.js';
import type { ImportErrorEntry } from './parsers/types.js';

/** The job a batch belongs to, as the batch needs it. */
export interface BatchJob {
  id: string;
  userId: string;
  accountId: string;
  currency: string;
  /** Live clients hear transactionCategorized for each row (else one importProgress per batch). */
  notifyEachRow?: boolean;
}

export interface Batch {
  rows: KeyedRow[];
  /** Bad rows of this batch to keep (already cut to what the job still has room for)... */
  errors: ImportErrorEntry[];
  /** ...and how many bad rows the batch had in all. */
  errorCount: number;
  /** The job's `processed` before this batch (it must still be so) and after it. */
  from: number;
  to: number;
}

export interface BatchResult {
  /** Rows of the batch inserted (the others were duplicates). */
  imported: number;
  duplicates: number;
}



/** Another run of the same job moved past this batch, or the job ended (cancelled): this run stops. */
export class ImportSuperseded extends Error {}

// serialization_failure and deadlock_detected: the whole batch can run again.
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * Writes one batch of an import in one database transaction: the new transactions and one
 * `transactions.imported` event holding them (budget and ai apply it as each row's
 * `transaction.created`) in one statement, and the job's progress. A worker killed between
 * batches resumes after the last committed one.
 *
 * Plain pg, not Prisma: with 2,000-row batches Prisma's raw queries (parameter conversion and
 * the query events that serialize each parameter) took most of a batch's time.
 */
export class ImportBatchRepository {
  /** Milliseconds spent per part of the batch writes so far (bench/import-write.bench.ts). */
  readonly timings = new Map<string, number>();

  constructor(
    private readonly pool: PgPool,
    private readonly options: { events?: boolean } = {},
  ) {}

  async write(job: BatchJob, batch: Batch): Promise<BatchResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transaction(job, batch);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt >= 4 || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
        await new Promise((r) => setTimeout(r, 15 * 2 ** attempt * (0.5 + Math.random())));
      }
    }
  }

  private async transaction(job: BatchJob, batch: Batch): Promise<BatchResult> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      // One import into an account at a time, so two imports of one file count each other's rows.
      await this.timed('lock', () => client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`import-account:${job.accountId}`]));
      const fresh = batch.rows.length ? notYetPresent(batch.rows, await this.timed('present', () => this.present(client, job.accountId, batch.rows))) : [];
      const imported = fresh.length ? await this.timed('insert', () => this.insert(client, job, fresh)) : 0;
      const duplicates = batch.rows.length - imported;
      const moved = await this.timed('progress', () =>
        client.query(
          `UPDATE import_jobs SET processed = $1, imported = imported + $2, duplicates = duplicates + $3, errors = errors || $4::jsonb,
             error_count = error_count + $5, updated_at = now()
           WHERE id = $6 AND processed = $7 AND status = 'RUNNING'`,
          [batch.to, imported, duplicates, JSON.stringify(batch.errors), batch.errorCount, job.id, batch.from],
        ),
      );
      if (moved.rowCount !== 1) throw new ImportSuperseded();
      await this.timed('commit', () => client.query('COMMIT'));
      return { imported, duplicates };
    } catch (error) {
      await client.query('ROLLBACK').catch((err: Error) => (broken = err));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  private async timed<T>(part: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.timings.set(part, (this.timings.get(part) ?? 0) + performance.now() - started);
    }
  }

  /**
   * How many rows the account has per content key, on the (day, amount) pairs of the batch: one
   * probe of (account_id, date, amount_minor) per distinct pair, so a re-import reads only the
   * rows it matches (with the batch's days and amounts apart, it read most of the account per
   * batch: 15 of a re-import's 20 s).
   */
  private async present(client: PgPoolClient, accountId: string, rows: KeyedRow[]): Promise<Map<string, number>> {
    const pairs = new Map<string, KeyedRow>();
    for (const r of rows) pairs.set(`${r.date}|${r.amountMinor}`, r);
    const { rows: existing } = await client.query<{ day: string; amount: string; description: string }>(
      // A probe per pair, whatever the statistics say: just after an import they are stale, and
      // a join planned from them sorted the whole account for every batch. OFFSET 0 keeps the
      // planner from flattening the lateral subquery back into such a join.
      `SELECT to_char(k.day, 'YYYY-MM-DD') AS day, k.amount::text AS amount, t.description
       FROM unnest($2::date[], $3::bigint[]) AS k(day, amount)
       CROSS JOIN LATERAL (
         SELECT description FROM transactions WHERE account_id = $1 AND date = k.day AND amount_minor = k.amount OFFSET 0
       ) AS t`,
      [accountId, [...pairs.values()].map((r) => r.date), [...pairs.values()].map((r) => r.amountMinor.toString())],
    );
    return presentCounts(existing.map((e) => ({ date: e.day, amountMinor: BigInt(e.amount), description: e.description })));
  }

  /**
   * One statement for the whole batch: the INSERT from arrays built in one pass (a row whose bank
   * id or import key the account has already is skipped) and, from the rows it inserted, the
   * batch's one `transactions.imported` event, built by PostgreSQL. The rows cross the wire once:
   * before, the event sent them again as about 740 KB of JSON text a 2,000-row batch, which the worker
   * built from a record and a snapshot object per row and PostgreSQL parsed again.
   * The number of rows inserted.
   */
  private async insert(client: PgPoolClient, job: BatchJob, rows: KeyedRow[]): Promise<number> {
    const n = rows.length;
    const ids = new Array<string>(n);
    const amounts = new Array<string>(n);
    const days = new Array<string>(n);
    const descriptions = new Array<string>(n);
    const externalIds = new Array<string | null>(n);
    const importKeys = new Array<string | null>(n);
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      ids[i] = randomUUID();
      amounts[i] = r.amountMinor.toString();
      days[i] = r.date;
      descriptions[i] = r.description;
      externalIds[i] = r.externalId;
      importKeys[i] = r.importKey;
    }
    const params = [job.userId, job.accountId, job.currency, ids, amounts, days, descriptions, externalIds, importKeys];
    if (this.options.events === false) {
      const { rowCount } = await client.query(INSERT_ROWS, params);
      return rowCount ?? 0;
    }
    const event = importedEvent(job);
    const { rows: counted } = await client.query<{ n: number }>(INSERT_ROWS_AND_EVENT, [...params, event.head.eventId, job.id, JSON.stringify(event.head), JSON.stringify(event.shared)]);
    return counted[0]?.n ?? 0;
  }
}

/** The batch's rows ($4-$9 as arrays, in file order: `ord`) into transactions. */
const INSERT_ROWS = `
  INSERT INTO transactions (id, user_id, account_id, amount_minor, currency, date, description, external_id, import_key, updated_at)
  SELECT t.id, $1, $2, t.amount, $3, t.day, t.description, t.ext, t.key, now()
  FROM unnest($4::uuid[], $5::bigint[], $6::date[], $7::text[], $8::text[], $9::text[]) AS t(id, amount, day, description, ext, key)
  ON CONFLICT DO NOTHING`;

/**
 * The same INSERT, and the event of the rows it inserted in file order ($10 its id, $11 the
 * import, $12 the event without its rows, $13 what each row's snapshot shares): none when no
 * row was new. Each row adds its id, amount (a string, as bigint is), day and description.
 */
const INSERT_ROWS_AND_EVENT = `
  WITH src AS (
    SELECT * FROM unnest($4::uuid[], $5::bigint[], $6::date[], $7::text[], $8::text[], $9::text[]) WITH ORDINALITY AS t(id, amount, day, description, ext, key, ord)
  ), inserted AS (
    INSERT INTO transactions (id, user_id, account_id, amount_minor, currency, date, description, external_id, import_key, updated_at)
    SELECT id, $1, $2, amount, $3, day, description, ext, key, now() FROM src ORDER BY ord
    ON CONFLICT DO NOTHING
    RETURNING id
  ), event AS (
    INSERT INTO outbox_events (id, type, aggregate_id, payload)
    SELECT $10, 'transactions.imported', $11, $12::jsonb || jsonb_build_object('transactions', jsonb_agg(
      $13::jsonb || jsonb_build_object('id', s.id, 'amountMinor', s.amount::text, 'date', to_char(s.day, 'YYYY-MM-DD'), 'description', s.description)
      ORDER BY s.ord))
    FROM inserted JOIN src s USING (id)
    HAVING count(*) > 0
  )
  SELECT count(*)::int AS n FROM inserted`;

/** The parts of a row's snapshot the SQL above adds from the row itself. */
type OwnFields = 'id' | 'amountMinor' | 'date' | 'description';

/**
 * The `transactions.imported` event of a batch but its rows, and what every row's snapshot
 * shares: with the row's own fields, what bulkOutboxRow writes for a created row (Required: a
 * new snapshot field does not compile until it is given here).
 */
export function importedEvent(job: BatchJob, occurredAt = new Date()): { head: Omit<TransactionsBulkEvent, 'transactions'>; shared: Required<Omit<TransactionSnapshot, OwnFields>> } {
  return {
    head: { eventId: randomUUID(), type: 'transactions.imported', occurredAt: occurredAt.toISOString(), userId: job.userId, importId: job.id, notifyEachRow: job.notifyEachRow ?? false },
    shared: {
      userId: job.userId, accountId: job.accountId, version: 1, deleted: false, currency: job.currency,
      merchant: null, categoryId: null, categorySource: null, transferPeerId: null, tags: [], splits: null,
    },
  };
}
