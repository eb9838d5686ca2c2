import { advisoryXactLock, retryOnConflict } from '@centavo/db';
import type { TransactionsPrisma } from '../../db.js';
import type { ImportFormat, ImportStatus } from '../../generated/prisma/client.js';
import type { ImportErrorEntry } from './parsers/types.js';

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
  createdAt: Date;
}

/** A job as the worker runs it: the file and the account's currency with it. */
export interface ImportRun extends ImportJobRecord {
  bytes: Uint8Array;
  currency: string;
  notifyEachRow: boolean;
}

export interface NewImport {
  id: string;
  userId: string;
  accountId: string;
  format: ImportFormat;
  bytes: Uint8Array;
  /** transactionCategorized for each row as it is categorized (default: one importProgress per batch). */
  notifyEachRow?: boolean;
}

const ACTIVE: ImportStatus[] = ['QUEUED', 'RUNNING'];

/** The import_jobs table and the files waiting in import_contents. */
export class ImportsRepository {
  constructor(private readonly prisma: TransactionsPrisma) {}

  /**
   * Stores the job and its file in one transaction unless the user already has `max` imports
   * queued or running (null then). Counted under the user's advisory lock: no overshoot.
   */
  createWithin(max: number, job: NewImport): Promise<ImportJobRecord | null> {
    const { bytes, ...data } = job;
    return retryOnConflict(() =>
      this.prisma.$transaction(async (tx) => {
        await advisoryXactLock(tx, 'imports-quota', job.userId);
        if ((await tx.importJob.count({ where: { userId: job.userId, status: { in: ACTIVE } } })) >= max) return null;
        return tx.importJob.create({ data: { ...data, content: { create: { bytes: Uint8Array.from(bytes) } } } });
      }),
    );
  }

  findForUser(userId: string, id: string): Promise<ImportJobRecord | null> {
    return this.prisma.importJob.findFirst({ where: { id, userId } });
  }

  /** The job with its file, while it is still to run; null once it ended (or never existed). */
  async loadRun(id: string): Promise<ImportRun | null> {
    const job = await this.prisma.importJob.findFirst({
      where: { id, status: { in: ACTIVE } },
      include: { content: true, account: { select: { currency: true } } },
    });
    if (!job?.content) return null;
    const { content, account, ...record } = job;
    return { ...record, bytes: content.bytes, currency: account.currency };
  }

  /** RUNNING with the number of rows found; false when the job ended meanwhile. */
  async markRunning(id: string, total: number): Promise<boolean> {
    const { count } = await this.prisma.importJob.updateMany({ where: { id, status: { in: ACTIVE } }, data: { status: 'RUNNING', total } });
    return count === 1;
  }

  /**
   * Ends the job and drops its file, atomically; a failure adds its errors (up to `maxErrors`
   * kept) and, when the file was read, how many rows it had (all handled: none imported).
   */
  async finish(id: string, status: 'COMPLETED' | 'FAILED', errors: ImportErrorEntry[] = [], maxErrors = 1000, rows?: number): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const job = await tx.importJob.findUnique({ where: { id }, select: { errorCount: true } });
      if (!job) return;
      const room = Math.max(0, maxErrors - job.errorCount);
      await tx.$executeRaw`
        UPDATE import_jobs SET status = ${status}::"ImportStatus", finished_at = now(), updated_at = now(),
          total = COALESCE(${rows ?? null}::int, total), processed = COALESCE(${rows ?? null}::int, processed),
          errors = errors || ${JSON.stringify(errors.slice(0, room))}::jsonb, error_count = error_count + ${errors.length}
        WHERE id = ${id}::uuid AND status IN ('QUEUED', 'RUNNING')`;
      await tx.importContent.deleteMany({ where: { jobId: id } });
    });
  }

  /** Jobs that have not ended, oldest first: what a starting worker enqueues again. */
  unfinished(): Promise<{ id: string; userId: string }[]> {
    return this.prisma.importJob.findMany({ where: { status: { in: ACTIVE } }, select: { id: true, userId: true }, orderBy: { createdAt: 'asc' }, take: 10_000 });
  }
}
