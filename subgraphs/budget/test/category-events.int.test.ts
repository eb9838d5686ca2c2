import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORY_EVENT_CONSUMERS, categoryEvent, createQueue } from '@centavo/jobs';
import type { SubgraphServer } from '@centavo/server';
import { codes, testEnv } from '@centavo/testing';
import { createPrisma, type BudgetPrisma } from '../src/db.js';
import { loadConfig, startBudgetSubgraph } from '../src/index.js';
import { CategoriesRepository } from '../src/modules/categories/categories.repository.js';
import { newUser } from './factories.js';

// A Redis prefix of its own: the consumer queues read here hold this file's jobs only.
const config = loadConfig(testEnv({ BUDGET_PORT: '0', REDIS_PREFIX: `centavo-test-${randomUUID()}:` }));
let prisma: BudgetPrisma;
const queues = CATEGORY_EVENT_CONSUMERS.map((def) => createQueue(config, def.queue));
beforeAll(() => {
  prisma = createPrisma(config.databaseUrl, false);
});
afterAll(async () => {
  await Promise.all(queues.map((q) => q.obliterate({ force: true })));
  await Promise.all(queues.map((q) => q.close()));
  await prisma?.$disconnect();
});

const eventsOf = (userId: string) =>
  prisma.outboxEvent.findMany({ where: { payload: { path: ['category', 'userId'], equals: userId } } });

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// Before any server of this file runs, so no relay updates the rows (a new row version) under the check.
describe('category events in the outbox', () => {
  it('are written in the transaction that inserts the category (same xmin), none when the insert fails', async () => {
    const repo = new CategoriesRepository(prisma);
    const userId = randomUUID();
    const data = { userId, slug: 'pets', name: 'Pets', kind: 'EXPENSE' as const, parentId: null };
    const created = await repo.createWithin(200, data, 'req-xmin');
    const [category] = await prisma.$queryRaw<{ xmin: string }[]>`SELECT xmin::text FROM categories WHERE id = ${created!.id}::uuid`;
    const events = await prisma.$queryRaw<{ xmin: string; payload: unknown }[]>`
      SELECT xmin::text, payload FROM outbox_events WHERE aggregate_id = ${created!.id}::uuid`;
    expect(events).toHaveLength(1);
    expect(events[0]!.xmin).toBe(category!.xmin);
    expect(categoryEvent.parse(events[0]!.payload)).toMatchObject({
      type: 'category.created',
      requestId: 'req-xmin',
      category: { id: created!.id, userId, slug: 'pets', kind: 'EXPENSE' },
    });

    await expect(repo.createWithin(200, { ...data, name: 'PETS' })).rejects.toThrow();
    expect(await repo.createWithin(1, { ...data, slug: 'vet', name: 'Vet' })).toBeNull();
    expect(await eventsOf(userId)).toHaveLength(1);
  });
});

describe('createCategory through the budget server', () => {
  let server: SubgraphServer;
  beforeAll(async () => {
    server = await startBudgetSubgraph(config);
  });
  afterAll(() => server?.stop());

  it('writes exactly one event, which the server\'s relay enqueues to both consumers under the event id', async () => {
    const u = await newUser(server.url);
    const { createCategory } = await u.query<{ createCategory: { id: string; slug: string } }>(
      `mutation { createCategory(input: { name: "Café & Bar", kind: EXPENSE }) { id slug } }`,
    );
    // Default categories (seeded by newUser) have derived ids and no events.
    const [row, ...more] = await eventsOf(u.id);
    expect(more).toHaveLength(0);
    expect(row).toMatchObject({ type: 'category.created', aggregateId: createCategory.id });
    const event = categoryEvent.parse(row!.payload);
    expect(event).toMatchObject({ eventId: row!.id, category: { id: createCategory.id, userId: u.id, slug: 'cafe_bar', kind: 'EXPENSE' } });

    const jobs = await until(
      () => Promise.all(queues.map((q) => q.getJob(row!.id))),
      (found) => found.every(Boolean),
      'the jobs of both consumers',
    );
    expect(jobs.map((j) => [j!.queueName, j!.name, j!.data])).toEqual(
      CATEGORY_EVENT_CONSUMERS.map((def) => [def.queue, def.name, event]),
    );
    const published = await until(() => prisma.outboxEvent.findUnique({ where: { id: row!.id } }), (r) => Boolean(r?.publishedAt), 'published_at');
    expect(published?.publishedAt).toBeInstanceOf(Date);
  });

  it('writes no event when the insert fails (slug taken)', async () => {
    const u = await newUser(server.url);
    const create = (name: string) => u.raw(`mutation ($n: String!) { createCategory(input: { name: $n, kind: EXPENSE }) { id } }`, { n: name });
    expect(codes(await create('Piano Lessons'))).toEqual([]);
    expect(codes(await create('piano  lessons'))).toEqual(['CONFLICT']);
    // A default category's slug is taken too.
    expect(codes(await create('Groceries'))).toEqual(['CONFLICT']);
    expect(await eventsOf(u.id)).toHaveLength(1);
  });
});
