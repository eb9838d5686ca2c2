import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CategoryDirectory, defaultCategoryId, KnownCategories } from '@centavo/categories';
import { createLogger } from '@centavo/logger';
import { testEnv } from '@centavo/testing';
import { categoryCreated } from '../../test/factories.js';
import { loadConfig } from '../config.js';
import { createPrisma, type AiPrisma } from '../db.js';
import { categoryProcessor } from './category.processor.js';

const logger = createLogger({ level: 'silent' });
const run = { logger, job: { id: 'test', attemptsMade: 0 } };
let prisma: AiPrisma;
let known: KnownCategories;
beforeAll(() => {
  prisma = createPrisma(loadConfig(testEnv({ AI_PORT: '0' })).databaseUrl, false);
  known = new KnownCategories(prisma.knownCategory);
});
afterAll(() => prisma?.$disconnect());

const directory = (waitMs: number) => new CategoryDirectory({ lookup: (id) => known.find(id), waitMs, pollMs: 20 });

describe('the category read model, filled by category events', () => {
  it("makes a user's custom category known to that user only", async () => {
    const [ana, bia] = [randomUUID(), randomUUID()];
    const event = categoryCreated({ userId: ana, slug: 'weekend-trips', kind: 'EXPENSE' });
    await categoryProcessor(known).handle(event, run);
    expect(await directory(0).find(ana, event.category.id)).toEqual({ id: event.category.id, slug: 'weekend-trips', kind: 'EXPENSE' });
    expect(await directory(0).find(bia, event.category.id)).toBeNull();
    expect(await directory(0).find(ana, randomUUID())).toBeNull();
    // Defaults need no event: their ids are derived from the user's.
    expect(await directory(0).find(bia, defaultCategoryId(bia, 'fuel'))).toMatchObject({ slug: 'fuel' });
  });

  it('applies a replayed event once, and a later event for the same id changes nothing', async () => {
    const userId = randomUUID();
    const event = categoryCreated({ userId, slug: 'pets-extra', kind: 'EXPENSE' });
    const handle = categoryProcessor(known).handle;
    await Promise.all([handle(event, run), handle(event, run)]);
    await handle({ ...event, eventId: randomUUID(), category: { ...event.category, slug: 'renamed', kind: 'INCOME', userId: randomUUID() } }, run);
    const rows = await prisma.knownCategory.findMany({ where: { id: event.category.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId, slug: 'pets-extra', kind: 'EXPENSE' });
  });

  it('waits up to waitMs for a category created a moment ago', async () => {
    const userId = randomUUID();
    const event = categoryCreated({ userId });
    const started = Date.now();
    const found = directory(2000).find(userId, event.category.id);
    setTimeout(() => void categoryProcessor(known).handle(event, run), 150);
    expect(await found).toMatchObject({ id: event.category.id });
    expect(Date.now() - started).toBeLessThan(2000);
    // Unknown, it is not the user's once the wait is over.
    const waited = Date.now();
    expect(await directory(200).find(userId, randomUUID())).toBeNull();
    expect(Date.now() - waited).toBeGreaterThanOrEqual(190);
  });
});
