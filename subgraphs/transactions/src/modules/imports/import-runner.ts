import type { Logger } from '@centavo/logger';
import { keyRows, type KeyedRow } from './dedup.js';
import { ImportSuperseded, type BatchJob, type ImportBatchRepository } from './import-batch.repository.js';
import type { ImportRun, ImportsRepository } from './imports.repository.js';
import { parseStatement, type ImportErrorEntry, type ParsedItem } from './parsers/index.js';

export interface ImportRunnerDeps {
  jobs: Pick<ImportsRepository, 'loadRun' | 'markRunning' | 'finish'>;
  batches: Pick<ImportBatchRepository, 'write'>;
  /** Tells the user's live subscribers that the job moved (importProgress). */
  publish(userId: string, importId: string): Promise<void>;
  /** Called after a batch wrote events, so the relay sends them at once. */
  onEvents(): void;
  batchSize: number;
  maxErrors: number;
  /** Progress events at most this often (ms), besides the first and the last. */
  progressIntervalMs?: number;
  now?: () => number;
}

type Item = { ok: true; row: KeyedRow } | { ok: false; error: ImportErrorEntry };

/** Rows keyed over the whole file (occurrences count across batches), errors in place. */
function keyedItems(items: ParsedItem[]): Item[] {
  const keyed = keyRows(items.filter((i) => i.ok));
  let next = 0;
  return items.map((i) => (i.ok ? { ok: true, row: keyed[next++]! } : { ok: false, error: { line: i.line, message: i.message } }));
}

/**
 * Runs one import: parses the stored file, then writes it batch by batch from where the job
 * stands (`processed`), each batch with its progress in one database transaction.
 */
export class ImportRunner {
  private readonly now: () => number;

  constructor(private readonly d: ImportRunnerDeps) {
    this.now = d.now ?? Date.now;
  }

  async run(importId: string, logger: Logger): Promise<void> {
    const job = await this.d.jobs.loadRun(importId);
    if (!job) return; // ended already (a replayed job), or gone
    const parsed = parseStatement(job.format, job.bytes, { currency: job.currency });
    logger.info({ importId, notes: parsed.notes, found: parsed.items.length }, 'import parsed');
    const errors = parsed.items.filter((i) => !i.ok).map((i) => ({ line: i.line, message: i.message }));
    if (parsed.fatal || errors.length === parsed.items.length) {
      const reason = parsed.fatal ?? (errors.length ? 'no row of the file could be read' : 'the file has no rows');
      await this.d.jobs.finish(importId, 'FAILED', [{ line: 0, message: reason }, ...errors], this.d.maxErrors, parsed.items.length);
      await this.notify(job, logger);
      return;
    }
    if (!(await this.d.jobs.markRunning(importId, parsed.items.length))) return;
    await this.notify(job, logger);
    try {
      await this.batches(job, keyedItems(parsed.items), logger);
    } catch (error) {
      if (!(error instanceof ImportSuperseded)) throw error;
      logger.warn({ importId }, 'import moved on in another run: this one stops');
      return;
    }
    await this.d.jobs.finish(importId, 'COMPLETED');
    await this.notify(job, logger);
  }

  /** After the last attempt failed: the job ends FAILED instead of staying RUNNING forever. */
  async giveUp(importId: string, userId: string, logger: Logger): Promise<void> {
    await this.d.jobs.finish(importId, 'FAILED', [{ line: 0, message: 'the import failed unexpectedly; please try again' }], this.d.maxErrors);
    await this.notify({ id: importId, userId }, logger);
  }

  private async batches(job: ImportRun, items: Item[], logger: Logger): Promise<void> {
    const target: BatchJob = { id: job.id, userId: job.userId, accountId: job.accountId, currency: job.currency, notifyEachRow: job.notifyEachRow };
    let errorCount = job.errorCount;
    let lastNotice = this.now();
    for (let from = job.processed; from < items.length; from += this.d.batchSize) {
      const slice = items.slice(from, from + this.d.batchSize);
      const rows = slice.flatMap((i) => (i.ok ? [i.row] : []));
      const errors = slice.flatMap((i) => (i.ok ? [] : [i.error]));
      const room = Math.max(0, this.d.maxErrors - errorCount);
      const result = await this.d.batches.write(target, { rows, errors: errors.slice(0, room), errorCount: errors.length, from, to: from + slice.length });
      errorCount += errors.length;
      if (result.imported.length) this.d.onEvents();
      if (this.now() - lastNotice >= (this.d.progressIntervalMs ?? 250)) {
        lastNotice = this.now();
        await this.notify(job, logger);
      }
    }
  }

  // Progress is a hint for live clients: a lost notice never fails the import.
  private async notify(job: { id: string; userId: string }, logger: Logger): Promise<void> {
    await this.d.publish(job.userId, job.id).catch((err: unknown) => logger.warn({ err, importId: job.id }, 'import progress not published'));
  }
}
