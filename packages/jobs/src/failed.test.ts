import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { budgetTransactionBatch } from './definitions.js';
import { listFailedJobs, retryFailedJobs } from './failed.js';
import { bullPrefix, connectionOf, createQueue } from './queues.js';

const config = { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: `centavo-test-failed-${randomUUID().slice(0, 8)}:` };
const queue = createQueue(config, budgetTransactionBatch.queue);
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
});

describe('failed jobs', () => {
  it('stay inspectable after their last try and can be retried', async () => {
    let calls = 0;
    const worker = new Worker(
      budgetTransactionBatch.queue,
      async () => {
        calls++;
        if (calls === 1) throw new Error('database unreachable');
      },
      { connection: connectionOf(config), prefix: bullPrefix(config) },
    );
    const failed = new Promise((resolve) => worker.once('failed', resolve));
    await queue.add(budgetTransactionBatch.name, { any: 'payload' }, { jobId: 'job-1', attempts: 1 });
    await failed;

    const listed = await listFailedJobs(config);
    expect(listed).toMatchObject([{ queue: 'budget-events', id: 'job-1', attempts: 1, reason: 'database unreachable' }]);

    const completed = new Promise((resolve) => worker.once('completed', resolve));
    expect(await retryFailedJobs(config, ['budget-events'])).toEqual({ 'budget-events': 1 });
    await completed;
    expect(await listFailedJobs(config)).toEqual([]);
    await worker.close();
  });
});
