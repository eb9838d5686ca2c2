import type { Job, WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { connectionErrorLogger, type Logger } from '@centavo/logger';
import { bumpGenerations, usersOfPayload } from '@centavo/pubsub';
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

/**
 * The request(s) a job came from, for its log lines: the payload's own `requestId`, or, for a
 * batch of events (`events: [{ requestId }]`), the one request they share or the distinct ones.
 */
export function requestIdsOf(payload: unknown): { requestId?: string; requestIds?: string[] } {
  const own = (payload as { requestId?: unknown } | null)?.requestId;
  if (typeof own === 'string') return { requestId: own };
  const events = (payload as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return {};
  const ids = [...new Set(events.map((e) => (e as { requestId?: unknown } | null)?.requestId).filter((id): id is string => typeof id === 'string'))];
  if (ids.length === 0) return {};
  return ids.length === 1 ? { requestId: ids[0]! } : { requestIds: ids.slice(0, 20) };
}

/**
 * One BullMQ worker per processor; `defaults` apply to each unless the processor sets its own.
 * After a job succeeds, the cached responses of the users its payload names are invalidated
 * (a job changes data after its commit); if that fails the job fails and is retried.
 */
export async function runProcessors(
  config: QueueConfig,
  processors: readonly JobProcessor[],
  logger: Logger,
  defaults: Partial<WorkerOptions> = {},
): Promise<RunningProcessors> {
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: true });
  redis.on('error', connectionErrorLogger(logger, 'redis (response-cache invalidation)'));
  const workers = processors.map((p) =>
    createWorker(
      config,
      p.definition,
      async (payload, job) => {
        const result = await p.handle(payload, { job, logger: logger.child({ jobId: job.id, ...requestIdsOf(payload) }) });
        await bumpGenerations(redis, config.REDIS_PREFIX, usersOfPayload(payload));
        return result;
      },
      logger,
      { ...defaults, ...p.options },
    ),
  );
  const closeRedis = () => redis.quit().catch(() => redis.disconnect());
  try {
    await Promise.all(workers.map((w) => w.waitUntilReady()));
  } catch (error) {
    await Promise.all(workers.map((w) => w.close()));
    await closeRedis();
    throw error;
  }
  return {
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
      await closeRedis();
    },
  };
}
