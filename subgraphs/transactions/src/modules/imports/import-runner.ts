import type { Logger } from '@centavo/logger';
import { RowKeyer } from './dedup.js';
import { ImportSuperseded, type Batch, type BatchJob, type BatchResult, type ImportBatchRepository } from './import-batch.repository.js';
import type { ImportRun, ImportsRepository } from './imports.repository.js';
import { parseStatementStream, type ParsedItem } from './parsers/index.js';

/** Nothing (more) of the file can be imported: not a statement of this format, wrong currency... */
class UnreadableStatement extends Error {}

export interface ImportRunnerDeps {
  jobs: Pick<ImportsRepository, 'loadRun' | 'chunks' | 'markRunning' | 'finish' | 'saveDetected'>;
  batches: Pick<ImportBatchRepository, 'write'>;
  /** Tells the user's live subscribers that the job moved (importProgress). */
  publish(userId: string, importId: string): Promise<void>;
  /** After the job ended (COMPLETED or FAILED): its webhook event (import.finished). */
  finished?(userId: string, importId: string): Promise<void>;
  /** Called after a batch wrote events, so the relay sends them at once. */
  onEvents(): void;
  batchSize: number;
  maxErrors: number;
  /** Progress events at most this often (ms), besides the first and the last. */
  progressIntervalMs?: number;
  now?: () => number;
}

/**
 * Runs one import: reads the stored file chunk by chunk through the streaming parser and
 * writes it batch by batch, each batch with the job's progress (`processed`) in one database
 * transaction. After a crash the next run reads the file again, keys (but does not write) the
 * first `processed` items, and goes on from there: no row twice. A batch that finds the job
 * no longer RUNNING (cancelled, or finished by another run) stops the run.
 */
export class ImportRunner {
  private readonly now: () => number;

  constructor(private readonly d: ImportRunnerDeps) {
    this.now = d.now ?? Date.now;
  }

  async run(importId: string, logger: Logger): Promise<void> {
    const job = await this.d.jobs.loadRun(importId);
    if (!job) return; // ended already (a replayed job), cancelled, or gone
    if (!(await this.d.jobs.markRunning(importId))) return;
    await this.notify(job, logger);
    let outcome: { rows: number; good: number; handled: number };
    try {
      outcome = await this.batches(job, logger);
    } catch (error) {
      if (error instanceof ImportSuperseded) {
        logger.info({ importId }, 'import cancelled or moved on in another run: this run stops');
        return;
      }
      if (!(error instanceof UnreadableStatement)) throw error;
      await this.d.jobs.finish(importId, 'FAILED', [{ line: 0, message: error.message }], this.d.maxErrors);
      await this.ended(job, logger);
      return;
    }
    logger.info({ importId, ...outcome }, 'import read');
    if (outcome.good === 0) {
      const reason = outcome.rows ? 'no row of the file could be read' : 'the file has no rows';
      await this.d.jobs.finish(importId, 'FAILED', [{ line: 0, message: reason }], this.d.maxErrors, outcome.rows);
    } else {
      await this.d.jobs.finish(importId, 'COMPLETED');
    }
    await this.ended(job, logger);
  }

  /** After the last attempt failed: the job ends FAILED instead of staying RUNNING forever. */
  async giveUp(importId: string, userId: string, logger: Logger): Promise<void> {
    await this.d.jobs.finish(importId, 'FAILED', [{ line: 0, message: 'the import failed unexpectedly; please try again' }], this.d.maxErrors);
    await this.ended({ id: importId, userId }, logger);
  }

  /**
   * Streams the file into batches. One batch is written while the next is parsed: parsing
   * (CPU here) and writing (the database) overlap, and at most two batches are in memory.
   */
  private async batches(job: ImportRun, logger: Logger): Promise<{ rows: number; good: number; handled: number }> {
    const target: BatchJob = { id: job.id, userId: job.userId, accountId: job.accountId, currency: job.currency, notifyEachRow: job.notifyEachRow };
    const keyer = new RowKeyer();
    let errorCount = job.errorCount;
    let lastNotice = this.now();
    let position = 0;
    let good = 0;
    let batch: Batch = { rows: [], errors: [], errorCount: 0, from: job.processed, to: job.processed };
    let writing: Promise<BatchResult> | null = null;

    const settle = async () => {
      if (!writing) return;
      const result = await writing;
      writing = null;
      if (result.imported) this.d.onEvents();
      if (this.now() - lastNotice >= (this.d.progressIntervalMs ?? 250)) {
        lastNotice = this.now();
        await this.notify(job, logger);
      }
    };
    const flush = async () => {
      await settle();
      const full = batch;
      batch = { rows: [], errors: [], errorCount: 0, from: full.to, to: full.to };
      // A rejection is awaited in settle(); until then keep it from being reported as unhandled.
      writing = this.d.batches.write(target, full);
      writing.catch(() => undefined);
    };

    try {
      const options = { currency: job.currency, mapping: job.mapping };
      for await (const item of parseStatementStream(job.format, this.d.jobs.chunks(job.id), options)) {
        // First what was used to read the file (given or detected), for the job's `detected`.
        if ('detected' in item) {
          await this.d.jobs.saveDetected(job.id, item.detected);
          logger.info({ importId: job.id, detected: item.detected }, 'import reading');
          continue;
        }
        if ('fatal' in item) throw new UnreadableStatement(item.message);
        position++;
        const keyed = item.ok ? keyer.key(item) : null;
        if (item.ok) good++;
        // Written by an earlier run (its occurrences still counted above): skipped.
        if (position <= job.processed) continue;
        this.add(batch, item, keyed, errorCount);
        if (!item.ok) errorCount++;
        batch.to = position;
        if (batch.to - batch.from >= this.d.batchSize) await flush();
      }
      if (batch.to > batch.from) await flush();
      await settle();
    } finally {
      // A parse error while a batch is written: wait for it (it may have committed) before leaving.
      if (writing) await (writing as Promise<BatchResult>).catch(() => undefined);
    }
    return { rows: position, good, handled: position - job.processed };
  }

  private add(batch: Batch, item: ParsedItem, keyed: ReturnType<RowKeyer['key']> | null, errorsBefore: number): void {
    if (keyed) {
      batch.rows.push(keyed);
      return;
    }
    if (item.ok) return;
    batch.errorCount++;
    if (errorsBefore < this.d.maxErrors) batch.errors.push({ line: item.line, message: item.message });
  }

  // Progress is a hint for live clients: a lost notice never fails the import.
  /** Live clients hear the last progress; webhooks hear import.finished (a lost one is logged, not retried: the job has ended). */
  private async ended(job: { id: string; userId: string }, logger: Logger): Promise<void> {
    await this.notify(job, logger);
    await this.d.finished?.(job.userId, job.id).catch((err: unknown) => logger.warn({ err, importId: job.id }, 'import.finished webhook event not queued'));
  }

  private async notify(job: { id: string; userId: string }, logger: Logger): Promise<void> {
    await this.d.publish(job.userId, job.id).catch((err: unknown) => logger.warn({ err, importId: job.id }, 'import progress not published'));
  }
}
