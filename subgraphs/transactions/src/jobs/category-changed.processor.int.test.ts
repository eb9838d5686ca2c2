import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CategoryDirectory, KnownCategories } from '@centavo/categories';
import { createQueue, enqueue, transactionsCategoryChanged, type CategoryEvent } from '@centavo/jobs';
import { createLogger } from '@centavo/logger';
import { deleteRedisKeys, testEnv } from '@centavo/testing';
import { loadConfig } from '../config.js';
import { createPrisma, type TransactionsPrisma } from '../db.js';
import { startTransactionsWorker, type TransactionsWorker } from '../worker.js';
import { categoryChangedProcessor } from './category-changed.processor.js';

// Queues of its own: no other test file's worker takes these jobs.
const config = loadConfig(testEnv({ REDIS_PREFIX: `centavo-test-categories-${randomUUID().slice(0, 8)}:` }));
const logger = createLogger({ level: 'silent' });
const run = { logger, job: { id: 'job', attemptsMade: 0 } };
let prisma: TransactionsPrisma;
let repo: KnownCategories;
const users: string[] = [];

beforeAll(() => {
  prisma = createPrisma(config.databaseUrl, false);
  repo = new KnownCategories(prisma.knownCategory);
});
afterAll(async () => {
  await prisma.knownCategory.deleteMany({ where: { userId: { in: users } } });
  await prisma.$disconnect();
  await deleteRedisKeys(config.REDIS_URL, config.REDIS_PREFIX);
});

function created(overrides: Partial<CategoryEvent['category']> = {}): CategoryEvent {
  const userId = overrides.userId ?? randomUUID();
  users.push(userId);
  return {
    eventId: randomUUID(),
    type: 'category.created',
    occurredAt: new Date().toISOString(),
    category: { id: randomUUID(), userId, slug: 'padaria', kind: 'EXPENSE', ...overrides },
  };
}

const directory = (waitMs: number) => new CategoryDirectory({ lookup: (id) => repo.find(id), waitMs, pollMs: 20 });

describe('the category read model', () => {
  it('applies an event twice, or a racing copy, as once; a later event never re-kinds the category', async () => {
    const processor = categoryChangedProcessor(repo);
    const event = created();
    await processor.handle(event, run);
    await Promise.all([processor.handle(event, run), processor.handle({ ...event, eventId: randomUUID() }, run)]);
    await processor.handle({ ...event, eventId: randomUUID(), category: { ...event.category, slug: 'other', kind: 'INCOME' } }, run);
    const rows = await prisma.knownCategory.findMany({ where: { id: event.category.id } });
    expect(rows).toMatchObject([{ id: event.category.id, userId: event.category.userId, slug: 'padaria', kind: 'EXPENSE' }]);
  });

  it("finds a user's category only for that user, and an unknown one not at all", async () => {
    const event = created({ slug: 'mercado', kind: 'EXPENSE' });
    await categoryChangedProcessor(repo).handle(event, run);
    const { id, userId } = event.category;
    expect(await directory(0).find(userId, id)).toEqual({ id, slug: 'mercado', kind: 'EXPENSE' });
    expect(await directory(0).find(randomUUID(), id)).toBeNull();
    const started = Date.now();
    expect(await directory(100).find(userId, randomUUID())).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('answers a find that started before the event arrived, within the wait', async () => {
    const event = created();
    const finding = directory(3000).find(event.category.userId, event.category.id);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await categoryChangedProcessor(repo).handle(event, run);
    expect(await finding).toMatchObject({ id: event.category.id, slug: 'padaria' });
  });
});

describe('the transactions worker', () => {
  let worker: TransactionsWorker;
  beforeAll(async () => {
    worker = await startTransactionsWorker(config, logger);
  });
  afterAll(() => worker?.stop());

  it('runs the category processor: a category event on its queue reaches the read model', async () => {
    const queue = createQueue(config, transactionsCategoryChanged.queue);
    try {
      const event = created({ slug: 'academia', kind: 'EXPENSE' });
      await enqueue(queue, transactionsCategoryChanged, event, event.eventId);
      // The same category again under another event id (budget's relay may send it twice).
      await enqueue(queue, transactionsCategoryChanged, { ...event, eventId: randomUUID() }, randomUUID());
      expect(await directory(10_000).find(event.category.userId, event.category.id)).toEqual({ id: event.category.id, slug: 'academia', kind: 'EXPENSE' });
    } finally {
      await queue.close();
    }
  });
});
