import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCategoryId, KnownCategories } from '@centavo/categories';
import { aiCategoryChanged, createQueue, enqueue, runProcessors, type Queue, type RunningProcessors } from '@centavo/jobs';
import { createLogger } from '@centavo/logger';
import type { SubgraphServer } from '@centavo/server';
import { codes, graphql, mintToken, ok, testEnv } from '@centavo/testing';
import { createPrisma, type AiPrisma } from '../src/db.js';
import { loadConfig, startAiSubgraph } from '../src/index.js';
import { categoryProcessor } from '../src/jobs/category.processor.js';
import { categoryCreated } from './factories.js';

// Its own queues: no other test's worker takes these category events.
const config = loadConfig(testEnv({ AI_PORT: '0', CATEGORY_SYNC_WAIT_MS: '2000', REDIS_PREFIX: `centavo-test-rules-${randomUUID().slice(0, 8)}:` }));
let ai: SubgraphServer;
let prisma: AiPrisma;
let events: Queue;
let processors: RunningProcessors;
beforeAll(async () => {
  ai = await startAiSubgraph(config);
  prisma = createPrisma(config.databaseUrl, false);
  events = createQueue(config, aiCategoryChanged.queue);
  processors = await runProcessors(config, [categoryProcessor(new KnownCategories(prisma.knownCategory))], createLogger({ level: 'silent' }));
});
afterAll(async () => {
  await processors?.close();
  await events?.obliterate({ force: true });
  await events?.close();
  await prisma?.$disconnect();
  await ai?.stop();
});

const CREATE = `mutation ($c: ID!) { createRule(input: { field: MERCHANT, operator: EQUALS, value: "SHELL", categoryId: $c }) { id category { id } } }`;

describe("ai subgraph against PostgreSQL, checking categories with its own read model", () => {
  it("accepts only the caller's default categories", async () => {
    const [mine, theirs] = [randomUUID(), randomUUID()];
    const fuel = defaultCategoryId(mine, 'fuel');
    const created = await ok<{ createRule: { category: { id: string } } }>(ai.url, CREATE, { c: fuel }, await mintToken(mine));
    expect(created.createRule.category.id).toBe(fuel);
    expect(codes(await graphql(ai.url, CREATE, { c: fuel }, await mintToken(theirs)))).toEqual(['NOT_FOUND']);
  });

  it('accepts a custom category created a moment ago, once its event arrives within CATEGORY_SYNC_WAIT_MS', async () => {
    const [mine, theirs] = [randomUUID(), randomUUID()];
    const event = categoryCreated({ userId: mine });
    // The rule is asked for before the event is even sent.
    const pending = graphql<{ createRule: { category: { id: string } } }>(ai.url, CREATE, { c: event.category.id }, await mintToken(mine));
    await enqueue(events, aiCategoryChanged, event, event.eventId);
    expect((await pending).data?.createRule.category.id).toBe(event.category.id);
    expect(codes(await graphql(ai.url, CREATE, { c: event.category.id }, await mintToken(theirs)))).toEqual(['NOT_FOUND']);
  });
});
