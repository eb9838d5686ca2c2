import { randomUUID } from 'node:crypto';
import type { PgPool, PgPoolClient } from '@centavo/db';
import { bulkOutboxRow } from '../outbox/outbox.events.js';
import type { TransactionRecord } from '../transactions/transactions.repository.js';
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
  imported: TransactionRecord[];
  duplicates: number;
}

/** Another run of the same job moved past this batch, or the job ended (cancelled): this run stops. */
export class ImportSuperseded extends Error {}

// serialization_failure and deadlock_detected: the whole batch can run again.
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * Writes one batch of an import in one database transaction: the new transactions (one
 * multi-row INSERT ... ON CONFLICT DO NOTHING from arrays), one `transactions.imported` event
 * holding them (budget and ai apply it as each row's `transaction.created`) and the job's
 * progress. A worker killed between batches resumes after the last committed one.
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
      const imported = fresh.length ? await this.timed('insert', () => this.insert(client, job, fresh)) : [];
      if (imported.length && this.options.events !== false) await this.timed('events', () => events(client, job, imported));
      const duplicates = batch.rows.length - imported.length;
      const moved = await this.timed('progress', () =>
        client.query(
          `UPDATE import_jobs SET processed = $1, imported = imported + $2, duplicates = duplicates + $3, errors = errors || $4::jsonb,
             error_count = error_count + $5, updated_at = now()
           WHERE id = $6 AND processed = $7 AND status = 'RUNNING'`,
          [batch.to, imported.length, duplicates, JSON.stringify(batch.errors), batch.errorCount, job.id, batch.from],
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

  /** One INSERT for the whole batch, from arrays; a row whose bank id or import key the account has already is skipped. */
  private async insert(client: PgPoolClient, job: BatchJob, rows: KeyedRow[]): Promise<TransactionRecord[]> {
    const ids = rows.map(() => randomUUID());
    const byId = new Map<string, KeyedRow>(ids.map((id, i) => [id, rows[i]!]));
    const { rows: inserted } = await client.query<{ id: string; created_at: Date; updated_at: Date }>(
      `INSERT INTO transactions (id, user_id, account_id, amount_minor, currency, date, description, external_id, import_key, updated_at)
       SELECT t.id, $1, $2, t.amount, $3, t.day, t.description, t.ext, t.key, now()
       FROM unnest($4::uuid[], $5::bigint[], $6::date[], $7::text[], $8::text[], $9::text[]) AS t(id, amount, day, description, ext, key)
       ON CONFLICT DO NOTHING
       RETURNING id, created_at, updated_at`,
      [
        job.userId,
        job.accountId,
        job.currency,
        ids,
        rows.map((r) => r.amountMinor.toString()),
        rows.map((r) => r.date),
        rows.map((r) => r.description),
        rows.map((r) => r.externalId),
        rows.map((r) => r.importKey),
      ],
    );
    return inserted.map(({ id, created_at, updated_at }) => {
      const r = byId.get(id)!;
      return {
        id, userId: job.userId, accountId: job.accountId, amountMinor: r.amountMinor, currency: job.currency,
        date: new Date(`${r.date}T00:00:00Z`), description: r.description, merchant: null, notes: null,
        categoryId: null, categorySource: null, transferPeerId: null, idempotencyKey: null, version: 1,
        createdAt: created_at, updatedAt: updated_at,
      };
    });
  }
}

/**
 * The batch's events: one `transaction.created` per row (outboxRow, as createTransaction writes
 * them) in one INSERT from a JSON array, in the batch's transaction. The one place an import
 * emits events (the bulk pipeline replaces this with summary events per batch).
 */
/**
 * The batch's one `transactions.imported` event holding every new row (bulkOutboxRow): one
 * outbox row per batch, so the relay and the consumers move an import in a few hundred events,
 * not one per row, and another user's event never waits behind 100,000 rows in the outbox.
 */
export async function events(client: PgPoolClient, job: BatchJob, rows: TransactionRecord[]): Promise<void> {
  const e = bulkOutboxRow('transactions.imported', job.userId, { importId: job.id, notifyEachRow: job.notifyEachRow ?? false }, rows);
  await client.query(`INSERT INTO outbox_events (id, type, aggregate_id, payload) VALUES ($1, $2, $3, $4::jsonb)`, [e.id, e.type, e.aggregateId, JSON.stringify(e.payload)]);
}
