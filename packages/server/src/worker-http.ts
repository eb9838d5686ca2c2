import express from 'express';
import { ALL_QUEUES, createQueue, type QueueConfig } from '@centavo/jobs';
import { registerQueueGauge, type QueueJobCount } from '@centavo/metrics';
import { mountHealth, type ReadinessCheck } from './health.js';
import { mountErrorHandling } from './http-errors.js';
import { listen } from './http.js';

/** The states `queue_jobs` reports. */
export const QUEUE_GAUGE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
const SCRAPE_TIMEOUT_MS = 2_000;

export interface WorkerHttpOptions {
  host: string;
  port: number;
  checks: ReadinessCheck[];
  queues: { config: QueueConfig };
}

export interface RunningWorkerHttp {
  url: string;
  close(): Promise<void>;
}

/**
 * The HTTP side of a worker process: /live, /ready, /health and /metrics, the latter with
 * `queue_jobs{queue,state}` of every queue (ALL_QUEUES), counted when Prometheus scrapes.
 */
export async function startWorkerHttp({ host, port, checks, queues: { config } }: WorkerHttpOptions): Promise<RunningWorkerHttp> {
  const queues = ALL_QUEUES.map((name) => createQueue(config, name));
  // Errors surface through /ready; without a listener ioredis would log them unhandled.
  for (const queue of queues) queue.on('error', () => {});
  const collect = async (): Promise<QueueJobCount[]> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('queue counts timed out')), SCRAPE_TIMEOUT_MS);
    });
    try {
      const counts = await Promise.race([Promise.all(queues.map((q) => q.getJobCounts(...QUEUE_GAUGE_STATES))), timeout]);
      return queues.flatMap((queue, i) => QUEUE_GAUGE_STATES.map((state) => ({ queue: queue.name, state, count: counts[i]?.[state] ?? 0 })));
    } finally {
      clearTimeout(timer);
    }
  };
  const unregister = registerQueueGauge(collect);

  const app = express();
  app.disable('x-powered-by');
  // Redis is what the workers live on: ready only while their queues answer.
  mountHealth(app, 'worker', [{ name: 'redis', check: () => queues[0]!.getJobCounts('waiting') }, ...checks]);
  mountErrorHandling(app);
  const http = await listen(app, host, port);
  return {
    url: http.url,
    async close() {
      unregister();
      await http.close();
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}
