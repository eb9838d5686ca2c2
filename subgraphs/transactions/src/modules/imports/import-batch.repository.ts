import { randomUUID } from 'node:crypto';
import { advisoryXactLock, retryOnConflict } from '@centavo/db';
import type { TransactionsPrisma } from '../../db.js';
import { Prisma } from '../../generated/prisma/client.js';
import { bulkOutboxRow } from '../outbox/outbox.events.js';
import { insertOutboxRows, type TransactionRecord } from '../transactions/transactions.repository.js';
import { notYetPresent, presentCounts, type KeyedRow } from './dedup.js';
import type { ImportErrorEntry } from './parsers/types.js';

/** The job a batch belongs to, as the batch needs it. */
export interface BatchJob {
  id: string;
  userId: string;
  accountId: string;
  currency: string;
  /** Whether live clients hear transactionCategorized for each row (default: one importProgress per batch). */
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

/** Another run of the same job moved past this batch, or the job ended: this run stops. */
export class ImportSuperseded extends Error {}

/**
 * Writes one batch of an import in one database transaction: the new transactions (one
 * multi-row INSERT ... ON CONFLICT DO NOTHING), one `transactions.imported` event holding them
 * (budget and ai apply it as each row's `transaction.created`) and the job's
 * progress. A worker killed between batches resumes after the last committed one.
 */
export class ImportBatchRepository {
  constructor(private readonly prisma: TransactionsPrisma) {}

  write(job: BatchJob, batch: Batch): Promise<BatchResult> {
    return retryOnConflict(() =>
      this.prisma.$transaction(
        async (tx) => {
          // One import into an account at a time, so two imports of one file count each other's rows.
          await advisoryXactLock(tx, 'import-account', job.accountId);
          const fresh = batch.rows.length ? notYetPresent(batch.rows, await this.present(tx, job.accountId, batch.rows)) : [];
          const imported = fresh.length ? await this.insert(tx, job, fresh) : [];
          if (imported.length) await this.events(tx, job, imported);
          const duplicates = batch.rows.length - imported.length;
          const moved = await tx.$executeRaw`
            UPDATE import_jobs SET processed = ${batch.to}, imported = imported + ${imported.length},
              duplicates = duplicates + ${duplicates}, errors = errors || ${JSON.stringify(batch.errors)}::jsonb,
              error_count = error_count + ${batch.errorCount}, updated_at = now()
            WHERE id = ${job.id}::uuid AND processed = ${batch.from} AND status = 'RUNNING'`;
          if (moved !== 1) throw new ImportSuperseded();
          return { imported, duplicates };
        },
        { timeout: 60_000 },
      ),
    );
  }

  /** How many rows the account has per content key, on the days and amounts of the batch. */
  private async present(tx: Prisma.TransactionClient, accountId: string, rows: KeyedRow[]): Promise<Map<string, number>> {
    const days = [...new Set(rows.map((r) => r.date))];
    const amounts = [...new Set(rows.map((r) => r.amountMinor.toString()))];
    const existing = await tx.$queryRaw<{ day: string; amount: string; description: string }[]>`
      SELECT to_char(date, 'YYYY-MM-DD') AS day, amount_minor::text AS amount, description FROM transactions
      WHERE account_id = ${accountId}::uuid
        AND date IN (SELECT jsonb_array_elements_text(${JSON.stringify(days)}::jsonb)::date)
        AND amount_minor IN (SELECT jsonb_array_elements_text(${JSON.stringify(amounts)}::jsonb)::bigint)`;
    return presentCounts(existing.map((e) => ({ date: e.day, amountMinor: BigInt(e.amount), description: e.description })));
  }

  /**
   * The batch's one `transactions.imported` event holding every new row (bulkOutboxRow): one
   * outbox row per batch, so the relay and the consumers move an import in a few hundred events,
   * not one per row, and another user's event never waits behind 100,000 rows in the outbox.
   */
  private async events(tx: Prisma.TransactionClient, job: BatchJob, rows: TransactionRecord[]): Promise<void> {
    await insertOutboxRows(tx, [bulkOutboxRow('transactions.imported', job.userId, { importId: job.id, notifyEachRow: job.notifyEachRow ?? false }, rows)]);
  }

  /** One INSERT for the whole batch; a row whose bank id or import key the account has already is skipped. */
  private async insert(tx: Prisma.TransactionClient, job: BatchJob, rows: KeyedRow[]): Promise<TransactionRecord[]> {
    const byId = new Map<string, KeyedRow>(rows.map((r) => [randomUUID(), r]));
    const json = JSON.stringify(
      [...byId].map(([id, r]) => ({ id, amount: r.amountMinor.toString(), day: r.date, description: r.description, ext: r.externalId, key: r.importKey })),
    );
    const inserted = await tx.$queryRaw<{ id: string; created_at: Date; updated_at: Date }[]>`
      INSERT INTO transactions (id, user_id, account_id, amount_minor, currency, date, description, external_id, import_key, updated_at)
      SELECT t.id, ${job.userId}::uuid, ${job.accountId}::uuid, t.amount, ${job.currency}, t.day, t.description, t.ext, t.key, now()
      FROM jsonb_to_recordset(${json}::jsonb) AS t(id uuid, amount bigint, day date, description text, ext text, key text)
      ON CONFLICT DO NOTHING
      RETURNING id, created_at, updated_at`;
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
