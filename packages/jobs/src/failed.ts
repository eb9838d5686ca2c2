import { createQueue, type QueueConfig } from './queues.js';
import {
  aiCategoryChanged,
  aiTransactionBatch,
  applyCategorization,
  budgetTransactionBatch,
  retrainModel,
  runImport,
  sendAlertEmail,
  transactionsCategoryChanged,
  webhookDrain,
  webhookEvent,
  webhookTransactionBatch,
} from './definitions.js';

/** Every queue of Centavo, for operators' tools. */
export const ALL_QUEUES = [
  budgetTransactionBatch.queue,
  aiTransactionBatch.queue,
  applyCategorization.queue,
  retrainModel.queue,
  transactionsCategoryChanged.queue,
  aiCategoryChanged.queue,
  runImport.queue,
  sendAlertEmail.queue,
  webhookTransactionBatch.queue,
  webhookEvent.queue,
  webhookDrain.queue,
] as const;

export interface FailedJob {
  queue: string;
  id: string;
  name: string;
  attempts: number;
  reason: string;
  failedAt: string | null;
}

/** Jobs that failed their last try, newest first (they stay a week: DEFAULT_JOB_OPTIONS). */
export async function listFailedJobs(config: QueueConfig, queues: readonly string[] = ALL_QUEUES, limit = 50): Promise<FailedJob[]> {
  const found: FailedJob[] = [];
  for (const name of queues) {
    const queue = createQueue(config, name);
    try {
      for (const job of await queue.getFailed(0, limit - 1)) {
        found.push({
          queue: name,
          id: String(job.id),
          name: job.name,
          attempts: job.attemptsMade,
          reason: job.failedReason,
          failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
        });
      }
    } finally {
      await queue.close();
    }
  }
  return found.sort((a, b) => (b.failedAt ?? '').localeCompare(a.failedAt ?? '')).slice(0, limit);
}

/** Moves every failed job of the queues back to waiting; returns how many per queue. */
export async function retryFailedJobs(config: QueueConfig, queues: readonly string[] = ALL_QUEUES): Promise<Record<string, number>> {
  const retried: Record<string, number> = {};
  for (const name of queues) {
    const queue = createQueue(config, name);
    try {
      retried[name] = (await queue.getJobCounts('failed')).failed ?? 0;
      if (retried[name]) await queue.retryJobs({ state: 'failed' });
    } finally {
      await queue.close();
    }
  }
  return retried;
}
