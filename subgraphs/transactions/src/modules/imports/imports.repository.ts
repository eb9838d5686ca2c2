import type { PgPool } from '@centavo/db';
import type { TransactionsPrisma } from '../../db.js';
import type { ImportFormat, ImportStatus } from '../../generated/prisma/client.js';
import type { Detection, ImportErrorEntry, ImportMapping } from './parsers/types.js';

export interface ImportJobRecord {
  id: string;
  userId: string;
  accountId: string;
  format: ImportFormat;
  status: ImportStatus;
  total: number | null;
  processed: number;
  imported: number;
  duplicates: number;
  /** JSON array of ImportErrorEntry (the first IMPORT_MAX_ERRORS). */
  errors: unknown;
  errorCount: number;
  /** JSON Detection once parsing started (what was used to read the file), else null. */
  detected: unknown;
  createdAt: Date;
}

/** A job as the worker runs it: the account's currency with it; the file is read with `chunks`. */
export interface ImportRun extends ImportJobRecord {
  currency: string;
  /** How the user said to read the file (validated when the job was created). */
  mapping: ImportMapping | null;
  /** transactionCategorized for each row as it is categorized (default: one importProgress per batch). */
  notifyEachRow: boolean;
}

export interface NewImport {
  id: string;
  userId: string;
  accountId: string;
  format: ImportFormat;
  mapping?: ImportMapping | null;
  /** transactionCategorized for each row as it is categorized (default: one importProgress per batch). */
  notifyEachRow?: boolean;
}

/** Rows of import_chunks: large enough that a 200 MiB file is 200 rows, small enough to hold one at a time. */
export const CHUNK_BYTES = 1024 * 1024;

const ACTIVE: ImportStatus[] = ['QUEUED', 'RUNNING'];

/** The file went past IMPORT_MAX_BYTES while it was being stored; nothing of it is kept. */
export class ImportTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the file is larger than ${limit} bytes`);
  }
}

/** `source` cut into pieces of exactly `size` bytes (the last one shorter), holding one piece at a time. */
export async function* rechunk(source: AsyncIterable<Uint8Array>, size: number, maxBytes: number): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  let chunk = new Uint8Array(size);
  let held = 0;
  let total = 0;
  for await (const piece of source) {
    total += piece.byteLength;
    if (total > maxBytes) throw new ImportTooLarge(maxBytes);
    let offset = 0;
    while (offset < piece.byteLength) {
      const take = Math.min(size - held, piece.byteLength - offset);
      chunk.set(piece.subarray(offset, offset + take), held);
      held += take;
      offset += take;
      if (held === size) {
        yield chunk;
        chunk = new Uint8Array(size);
        held = 0;
      }
    }
  }
  if (held) yield chunk.slice(0, held);
}

/** The import_jobs table and the files waiting in import_chunks (their bytes through `pool`, not Prisma). */
export class ImportsRepository {
  constructor(
    private readonly prisma: TransactionsPrisma,
    private readonly pool: PgPool,
  ) {}

  /** Imports the user has queued or running. */
  countActive(userId: string): Promise<number> {
    return this.prisma.importJob.count({ where: { userId, status: { in: ACTIVE } } });
  }

  /**
   * Stores the job and its file in one transaction, the file in CHUNK_BYTES rows as `source`
   * yields it (never whole in memory), unless the user already has `max` imports queued or
   * running (null then; counted under the user's advisory lock once the file is in: no
   * overshoot, and a long upload does not hold the lock). An upload that fails, stalls past
   * `timeoutMs` between pieces, or goes past `maxBytes` (ImportTooLarge) rolls back: no job, no chunks.
   */
  async create(max: number, job: NewImport, source: AsyncIterable<Uint8Array>, limits: { maxBytes: number; timeoutMs: number }): Promise<{ job: ImportJobRecord; bytes: number } | null> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    let bytes = 0;
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL idle_in_transaction_session_timeout = ${Math.floor(limits.timeoutMs)}`);
      await client.query(`INSERT INTO import_jobs (id, user_id, account_id, format, mapping, notify_each_row, updated_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6, now())`, [
        job.id,
        job.userId,
        job.accountId,
        job.format,
        job.mapping ? JSON.stringify(job.mapping) : null,
        job.notifyEachRow ?? false,
      ]);
      let seq = 0;
      for await (const data of rechunk(source, CHUNK_BYTES, limits.maxBytes)) {
        await client.query(`INSERT INTO import_chunks (import_id, seq, data) VALUES ($1, $2, $3)`, [job.id, seq++, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
        bytes += data.byteLength;
      }
      // As advisoryXactLock(tx, 'imports-quota', userId) takes it for createTransaction's quota checks.
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`imports-quota:${job.userId}`]);
      const active = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM import_jobs WHERE user_id = $1 AND status IN ('QUEUED', 'RUNNING') AND id <> $2`, [job.userId, job.id]);
      if ((active.rows[0]?.n ?? 0) >= max) {
        await client.query('ROLLBACK');
        return null;
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch((err: Error) => (broken = err));
      throw error;
    } finally {
      client.release(broken);
    }
    return { job: await this.prisma.importJob.findUniqueOrThrow({ where: { id: job.id } }), bytes };
  }

  findForUser(userId: string, id: string): Promise<ImportJobRecord | null> {
    return this.prisma.importJob.findFirst({ where: { id, userId } });
  }

  /** The job, while it is still to run; null once it ended (or never existed). */
  async loadRun(id: string): Promise<ImportRun | null> {
    const job = await this.prisma.importJob.findFirst({ where: { id, status: { in: ACTIVE } }, include: { account: { select: { currency: true } } } });
    if (!job) return null;
    const { account, mapping, ...record } = job;
    return { ...record, currency: account.currency, mapping: (mapping ?? null) as ImportMapping | null };
  }

  /** Stores what was used to read the file (parsing started); a job that ended keeps what it had. */
  async saveDetected(id: string, detected: Detection | null): Promise<void> {
    if (!detected) return;
    await this.prisma.$executeRaw`
      UPDATE import_jobs SET detected = ${JSON.stringify(detected)}::jsonb, updated_at = now()
      WHERE id = ${id}::uuid AND status IN ('QUEUED', 'RUNNING')`;
  }

  /** The stored file, one chunk at a time in order (a chunk is read when the consumer asks for it). */
  async *chunks(id: string): AsyncGenerator<Uint8Array> {
    for (let seq = 0; ; seq++) {
      const { rows } = await this.pool.query<{ data: Buffer }>(`SELECT data FROM import_chunks WHERE import_id = $1 AND seq = $2`, [id, seq]);
      if (!rows[0]) return;
      yield rows[0].data;
    }
  }

  /** RUNNING; false when the job ended meanwhile (cancelled, or finished by another run). */
  async markRunning(id: string): Promise<boolean> {
    const { count } = await this.prisma.importJob.updateMany({ where: { id, status: { in: ACTIVE } }, data: { status: 'RUNNING' } });
    return count === 1;
  }

  /**
   * Ends the job and drops its file, atomically; a failure adds its errors (up to `maxErrors`
   * kept) and, when the file was read, how many rows it had (all handled: none imported).
   * COMPLETED sets `total` to the rows handled (a streamed file is counted as it is read).
   */
  async finish(id: string, status: 'COMPLETED' | 'FAILED', errors: ImportErrorEntry[] = [], maxErrors = 1000, rows?: number): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const job = await tx.importJob.findUnique({ where: { id }, select: { errorCount: true } });
      if (!job) return;
      const room = Math.max(0, maxErrors - job.errorCount);
      await tx.$executeRaw`
        UPDATE import_jobs SET status = ${status}::"ImportStatus", finished_at = now(), updated_at = now(),
          total = COALESCE(${rows ?? null}::int, CASE WHEN ${status} = 'COMPLETED' THEN processed END, total), processed = COALESCE(${rows ?? null}::int, processed),
          errors = errors || ${JSON.stringify(errors.slice(0, room))}::jsonb, error_count = error_count + ${errors.length}
        WHERE id = ${id}::uuid AND status IN ('QUEUED', 'RUNNING')`;
      await tx.importChunk.deleteMany({ where: { importId: id } });
    });
  }

  /**
   * Cancels the user's job if it has not ended and drops its file: the worker stops after the
   * batch it is writing (each batch checks the status). The job as it stands after, 'ended'
   * when it had already ended, null when the user has no such job.
   */
  async cancel(userId: string, id: string): Promise<ImportJobRecord | 'ended' | null> {
    return this.prisma.$transaction(async (tx) => {
      const job = await tx.importJob.findFirst({ where: { id, userId }, select: { status: true } });
      if (!job) return null;
      const { count } = await tx.importJob.updateMany({ where: { id, status: { in: ACTIVE } }, data: { status: 'CANCELLED', finishedAt: new Date() } });
      if (count === 0) return 'ended';
      await tx.importChunk.deleteMany({ where: { importId: id } });
      return tx.importJob.findUniqueOrThrow({ where: { id } });
    });
  }

  /** Jobs that have not ended, oldest first: what a starting worker enqueues again. */
  unfinished(): Promise<{ id: string; userId: string }[]> {
    return this.prisma.importJob.findMany({ where: { status: { in: ACTIVE } }, select: { id: true, userId: true }, orderBy: { createdAt: 'asc' }, take: 10_000 });
  }
}
