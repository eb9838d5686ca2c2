import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryEvent } from '@centavo/jobs';
import { testEnv } from '@centavo/testing';
import { createPrisma, type BudgetPrisma } from '../src/db.js';
import { loadConfig } from '../src/index.js';

// The migration that announces custom categories created before category events existed.
const BACKFILL = readFileSync(new URL('../../../prisma/budget/migrations/20261202114000_category_events_backfill/migration.sql', import.meta.url), 'utf8');
const config = loadConfig(testEnv({ BUDGET_PORT: '0' }));
let prisma: BudgetPrisma;
beforeAll(() => {
  prisma = createPrisma(config.databaseUrl, false);
});
afterAll(() => prisma?.$disconnect());

class Rollback extends Error {}

describe('the category events backfill migration', () => {
  it('writes one valid category.created event, with an id of its own, per custom category that has none, and none for defaults', async () => {
    const userId = randomUUID();
    const seen = await prisma
      .$transaction(async (tx) => {
        // As before the upgrade: categories with no event (one default, two custom).
        const old = await tx.category.create({ data: { userId, slug: 'kids', name: 'Kids', kind: 'EXPENSE' } });
        // Two of them: each gets an event of its own (the ids were once drawn once for all rows).
        const older = await tx.category.create({ data: { userId, slug: 'pets', name: 'Pets', kind: 'EXPENSE' } });
        const announced = await tx.category.create({ data: { userId, slug: 'side_gig', name: 'Side gig', kind: 'INCOME' } });
        await tx.category.create({ data: { userId, slug: 'fuel', name: 'Fuel', kind: 'EXPENSE', isDefault: true } });
        await tx.outboxEvent.create({ data: { id: randomUUID(), type: 'category.created', aggregateId: announced.id, payload: {} } });
        await tx.$executeRawUnsafe(BACKFILL);
        await tx.$executeRawUnsafe(BACKFILL); // a second run adds nothing
        const rows = await tx.outboxEvent.findMany({ where: { payload: { path: ['category', 'userId'], equals: userId } } });
        throw new Rollback(JSON.stringify({ rows, old, older }));
      })
      .catch((error: unknown) => {
        if (error instanceof Rollback) return JSON.parse(error.message) as { rows: { id: string; payload: unknown }[]; old: { id: string }; older: { id: string } };
        throw error;
      });
    expect(seen.rows).toHaveLength(2);
    const events = seen.rows.map((r) => ({ id: r.id, event: categoryEvent.parse(r.payload) }));
    for (const { id, event } of events) expect(event.eventId).toBe(id);
    expect(events.map((e) => e.event.category).sort((a, b) => a.slug.localeCompare(b.slug))).toEqual([
      { id: seen.old.id, userId, slug: 'kids', kind: 'EXPENSE' },
      { id: seen.older.id, userId, slug: 'pets', kind: 'EXPENSE' },
    ]);
  });
});
