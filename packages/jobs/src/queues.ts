import { Queue, Worker, type ConnectionOptions, type Job, type JobsOptions, type Telemetry, type WorkerOptions } from 'bullmq';
import { connectionErrorLogger, type Logger } from '@centavo/logger';
import { metrics } from '@centavo/metrics';
import { bullmqTelemetry } from '@centavo/telemetry';
import type { JobDefinition } from './definitions.js';
import type { z } from 'zod';

/** Retries with exponential backoff; completed jobs stay a day (their ids dedupe replays), failed ones a week. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export interface QueueConfig {
  REDIS_URL: string;
  REDIS_PREFIX: string;
}

/** BullMQ gets connection options, not ioredis instances, so close() frees everything (docs/toolchain.md). */
export function connectionOf(config: QueueConfig): ConnectionOptions {
  const url = new URL(config.REDIS_URL);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
    maxRetriesPerRequest: null,
  };
}

export const bullPrefix = (config: QueueConfig) => `${config.REDIS_PREFIX}bull`;

/**
 * Trace context across the queue: when @centavo/telemetry started tracing in this process it
 * holds a bullmq-otel instance. Queues then put the W3C `traceparent` of the
 * enqueuing span into the job's options (`opts.telemetry.metadata`) and workers start each
 * job's `process` span as its child. Unset (tracing off), BullMQ runs without telemetry.
 */
function telemetryOption(): { telemetry?: Telemetry } {
  const telemetry = bullmqTelemetry();
  return telemetry ? { telemetry } : {};
}

/** Without a logger (CLI, tests) connection errors still reach callers through add() and friends. */
export function createQueue(config: QueueConfig, queue: string, logger?: Logger): Queue {
  const created = new Queue(queue, { connection: connectionOf(config), prefix: bullPrefix(config), defaultJobOptions: DEFAULT_JOB_OPTIONS, ...telemetryOption() });
  // A Queue without an `error` listener prints every reconnect failure to stderr.
  created.on('error', logger ? connectionErrorLogger(logger, `queue ${queue}`) : () => undefined);
  return created;
}

/** Adds a job under a fixed id: adding the same id again while it is kept is a no-op. */
export async function enqueue<S extends z.ZodType>(
  queue: Queue,
  def: JobDefinition<S>,
  payload: z.infer<S>,
  jobId: string,
): Promise<void> {
  await queue.add(def.name, def.schema.parse(payload), { jobId });
}

export function createWorker<S extends z.ZodType>(
  config: QueueConfig,
  def: JobDefinition<S>,
  handler: (payload: z.infer<S>, job: Job) => Promise<unknown>,
  logger: Logger,
  options: Partial<WorkerOptions> = {},
): Worker {
  const worker = new Worker(
    def.queue,
    async (job) => {
      if (job.name !== def.name) throw new Error(`unexpected job ${job.name} on ${def.queue}`);
      const done = metrics.jobDuration.startTimer({ queue: def.queue });
      try {
        const result = await handler(def.schema.parse(job.data), job);
        done({ status: 'completed' });
        return result;
      } catch (error) {
        done({ status: 'failed' });
        throw error;
      }
    },
    {
      connection: connectionOf(config),
      prefix: bullPrefix(config),
      concurrency: 4,
      ...telemetryOption(),
      ...options,
    },
  );
  worker.on('failed', (job, err) =>
    logger.warn({ jobId: job?.id, queue: def.queue, attempt: job?.attemptsMade, err }, 'job failed'),
  );
  worker.on('error', connectionErrorLogger(logger, `worker ${def.queue}`));
  return worker;
}
