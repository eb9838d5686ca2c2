import type { Job, WorkerOptions } from 'bullmq';
import type { Logger } from '@centavo/logger';
import type { z } from 'zod';
import type { JobDefinition } from './definitions.js';
import { createWorker, type QueueConfig } from './queues.js';

/** What a processor knows of the job it runs besides the payload. */
export interface JobRun {
  /** A child of the worker's logger with the job id and the request id the payload carries. */
  logger: Logger;
  job: Pick<Job, 'id' | 'attemptsMade'>;
}

/**
 * The one shape of every job processor: its job definition (queue, name, payload schema) and
 * the function that handles one validated payload, throwing to have the job retried. A domain's
 * composition root builds its processors; the worker module runs them all the same way.
 */
export interface JobProcessor<S extends z.ZodType = z.ZodType> {
  definition: JobDefinition<S>;
  handle(payload: z.infer<S>, run: JobRun): Promise<unknown>;
  /** BullMQ options of this processor's worker (e.g. concurrency 1 for a retrain). */
  options?: Partial<WorkerOptions>;
}

export const processor = <S extends z.ZodType>(
  definition: JobDefinition<S>,
  handle: (payload: z.infer<S>, run: JobRun) => Promise<unknown>,
  options?: Partial<WorkerOptions>,
): JobProcessor<S> => ({ definition, handle, ...(options ? { options } : {}) });

export interface RunningProcessors {
  /** Lets the jobs in progress finish, then closes every worker. */
  close(): Promise<void>;
}

/** One BullMQ worker per processor; `defaults` apply to each unless the processor sets its own. */
export async function runProcessors(
  config: QueueConfig,
  processors: readonly JobProcessor[],
  logger: Logger,
  defaults: Partial<WorkerOptions> = {},
): Promise<RunningProcessors> {
  const workers = processors.map((p) =>
    createWorker(
      config,
      p.definition,
      (payload, job) => {
        const requestId = (payload as { requestId?: unknown } | null)?.requestId;
        return p.handle(payload, { job, logger: logger.child({ jobId: job.id, ...(typeof requestId === 'string' ? { requestId } : {}) }) });
      },
      logger,
      { ...defaults, ...p.options },
    ),
  );
  try {
    await Promise.all(workers.map((w) => w.waitUntilReady()));
  } catch (error) {
    await Promise.all(workers.map((w) => w.close()));
    throw error;
  }
  return { close: async () => void (await Promise.all(workers.map((w) => w.close()))) };
}
