import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetTransactionBatch, createQueue, enqueue, type TransactionEvent } from '@centavo/jobs';
import type { SubgraphServer } from '@centavo/server';
import { testEnv } from '@centavo/testing';
import { loadConfig, startBudgetSubgraph, startBudgetWorker, type BudgetWorker } from '../src/index.js';
import { event, getBudget, newUser, setBudget, snapshot } from './factories.js';

// A Redis prefix of its own: no other test file's worker can take these jobs.
const config = loadConfig(
  testEnv({ BUDGET_PORT: '0', REDIS_PREFIX: `centavo-test-${randomUUID()}:`, WORKER_CONCURRENCY: '8', WORKER_STALLED_INTERVAL_MS: '5000' }),
);
let server: SubgraphServer;
let worker: BudgetWorker;
let queue: ReturnType<typeof createQueue>;
beforeAll(async () => {
  [server, worker] = await Promise.all([startBudgetSubgraph(config), startBudgetWorker(config)]);
  queue = createQueue(config, budgetTransactionBatch.queue);
});
afterAll(async () => {
  await worker?.stop();
  await queue?.obliterate({ force: true });
  await queue?.close();
  await server?.stop();
});

type Counts = Partial<Record<'active' | 'completed' | 'delayed' | 'failed' | 'waiting', number>>;
const countJobs = async (): Promise<Required<Counts>> => {
  const c: Counts = await queue.getJobCounts('active', 'completed', 'delayed', 'failed', 'waiting');
  return { active: c.active ?? 0, completed: c.completed ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, waiting: c.waiting ?? 0 };
};

/** One job per event (a batch of one), under the event id. */
const send = (events: TransactionEvent[]) =>
  Promise.all(events.map((e) => enqueue(queue, budgetTransactionBatch, { userId: e.transaction.userId, events: [e] }, e.eventId)));

/** Waits until the queue has run `completed` jobs in all, failing fast on a failed one. */
async function drained(completed: number): Promise<void> {
  // Generous: the full suite runs beside this on two shared cores (200 events took 21.7 s under a
  // load average of 10, against ~5 s on a quiet machine).
  const deadline = Date.now() + 90_000;
  for (;;) {
    const counts = await countJobs();
    if (counts.failed) throw new Error(`${counts.failed} job(s) failed`);
    if (counts.completed >= completed) return;
    if (Date.now() > deadline) throw new Error(`queue not drained: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('budget worker on a real BullMQ queue', { timeout: 120_000 }, () => {
  let done = 0;

  it('sums 200 concurrent events of one category and day exactly', async () => {
    const u = await newUser(server.url);
    const budget = await setBudget(u, { categoryId: u.category.groceries!, month: '2026-11', limit: '300' });
    const events = Array.from({ length: 200 }, (_, i) =>
      event(snapshot(u.id, { categoryId: u.category.groceries!, amountMinor: String(-(i + 1)), date: '2026-11-15' }), 'transaction.created'),
    );
    await send(events);
    // The relay may enqueue an event again: the same job id adds nothing.
    await send(events.slice(0, 20));
    await drained((done += 200));
    expect(await getBudget(u, budget.id)).toMatchObject({ spent: { amount: '201.00' }, status: 'ON_TRACK' });
  });

  it('applies each version once whatever order the jobs run in', async () => {
    const u = await newUser(server.url);
    const budget = await setBudget(u, { categoryId: u.category.groceries!, month: '2026-11', limit: '100' });
    const v1 = snapshot(u.id, { categoryId: u.category.groceries!, amountMinor: '-1000' });
    const v2 = { ...v1, version: 2, amountMinor: '-8000' };
    const v3 = { ...v1, version: 3, amountMinor: '-9000', categoryId: u.category.restaurants! };
    const v4 = { ...v1, version: 4, amountMinor: '-8500', categoryId: u.category.groceries! };
    // Newest first, then the older ones and a replay with a new event id.
    await send([event(v4)]);
    await drained((done += 1));
    await send([event(v2), event(v1, 'transaction.created'), event(v3), event(v4)]);
    await drained((done += 4));
    expect(await getBudget(u, budget.id)).toMatchObject({ spent: { amount: '85.00' }, status: 'WARNING' });

    await send([event({ ...v1, version: 5, deleted: true }, 'transaction.deleted')]);
    await drained((done += 1));
    await send([event(v4)]);
    await drained((done += 1));
    expect(await getBudget(u, budget.id)).toMatchObject({ spent: { amount: '0.00' }, status: 'ON_TRACK' });
  });

  it('stops gracefully mid-queue, and a new worker finishes the rest exactly', async () => {
    const u = await newUser(server.url);
    const budget = await setBudget(u, { categoryId: u.category.fuel!, month: '2026-11', limit: '1000' });
    await worker.stop();
    await send(Array.from({ length: 60 }, () => event(snapshot(u.id, { categoryId: u.category.fuel!, amountMinor: '-100' }))));
    const first = await startBudgetWorker(config);
    while ((await countJobs()).completed <= done) await new Promise((r) => setTimeout(r, 5));
    await first.stop();
    await first.stop(); // idempotent
    const counts = await countJobs();
    expect(counts.active).toBe(0);
    expect(counts.completed + counts.waiting).toBe(done + 60);
    worker = await startBudgetWorker(config);
    await drained((done += 60));
    expect((await getBudget(u, budget.id)).spent.amount).toBe('60.00');
  });
});
