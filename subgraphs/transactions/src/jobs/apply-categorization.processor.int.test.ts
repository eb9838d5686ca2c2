import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CategorizationDecision, TransactionEvent } from '@centavo/jobs';
import { createLogger } from '@centavo/logger';
import { testEnv } from '@centavo/testing';
import { loadConfig } from '../config.js';
import { createPrisma, type TransactionsPrisma } from '../db.js';
import { TransactionsRepository } from '../modules/transactions/transactions.repository.js';
import { applyCategorizationProcessor } from './apply-categorization.processor.js';

// The real database: the decisions are applied by one UPDATE and one outbox INSERT.
const config = loadConfig(testEnv({}));
const run = { logger: createLogger({ level: 'silent' }), job: { id: 'job', attemptsMade: 0 } };
const CATEGORY = 'dddddddd-0000-4000-8000-000000000001';
let prisma: TransactionsPrisma;
beforeAll(() => {
  prisma = createPrisma(config.databaseUrl, false);
});
afterAll(async () => {
  await prisma?.$disconnect();
});

async function setup(rows: { categorySource?: 'USER' | null }[]) {
  const userId = randomUUID();
  const account = await prisma.account.create({ data: { userId, name: 'Corrente', type: 'CHECKING', currency: 'BRL' } });
  const created: Awaited<ReturnType<TransactionsPrisma['transaction']['create']>>[] = [];
  for (const [i, r] of rows.entries()) {
    created.push(await prisma.transaction.create({
      data: {
        userId, accountId: account.id, amountMinor: -1000n - BigInt(i), currency: 'BRL', date: new Date('2026-03-01'), description: `UBER *TRIP ${i}`,
        categoryId: r.categorySource ? randomUUID() : null, categorySource: r.categorySource ?? null,
      },
    }));
  }
  let kicks = 0;
  const processor = applyCategorizationProcessor(new TransactionsRepository(prisma), () => void (kicks += 1));
  const decision = (id: string, basedOnVersion = 1): CategorizationDecision => ({
    decisionId: `${id}-v${basedOnVersion}`, transactionId: id, basedOnVersion, categoryId: CATEGORY, source: 'AI', merchant: 'UBER',
  });
  const events = async () =>
    (await prisma.outboxEvent.findMany({ where: { aggregateId: { in: created.map((c) => c.id) } }, orderBy: { createdAt: 'asc' } })).map(
      (e) => e.payload as unknown as TransactionEvent,
    );
  return { userId, rows: created, processor, decision, events, kicks: () => kicks };
}

describe('apply-categorization processor (a batch of decisions)', () => {
  it('applies each decision to the version it was made for, once, with one categorized event each', async () => {
    const { userId, rows, processor, decision, events, kicks } = await setup([{}, {}, {}]);
    const job = { userId, decisions: rows.map((r) => decision(r.id)) };
    expect(await processor.handle(job, run)).toEqual({ applied: 3 });
    const stored = await prisma.transaction.findMany({ where: { userId }, orderBy: { id: 'asc' } });
    expect(stored.map((t) => [t.categoryId, t.categorySource, t.merchant, t.version])).toEqual(rows.map(() => [CATEGORY, 'AI', 'UBER', 2]));
    const sent = await events();
    expect(sent.map((e) => [e.type, e.transaction.version, e.transaction.categoryId]).sort()).toEqual(rows.map(() => ['transaction.categorized', 2, CATEGORY]));
    // Each event holds the row's whole new state, as the UPDATE returned it.
    const first = rows[0]!;
    expect(sent.find((e) => e.transaction.id === first.id)!.transaction).toEqual({
      id: first.id, userId, accountId: first.accountId, version: 2, deleted: false, amountMinor: String(first.amountMinor), currency: 'BRL',
      date: '2026-03-01', description: first.description, merchant: 'UBER', categoryId: CATEGORY, categorySource: 'AI', transferPeerId: null, tags: [], splits: null,
    });
    // The same job again (a retry): the transactions moved on, nothing changes, no event.
    expect(await processor.handle(job, run)).toEqual({ applied: 0 });
    expect((await events()).length).toBe(3);
    expect(kicks()).toBe(1);
  });

  it("never overrides the user's own choice, nor a version it was not made for, nor another user's row", async () => {
    const { userId, rows, processor, decision, events, kicks } = await setup([{ categorySource: 'USER' }, {}, {}]);
    const [chosen, stale, fine] = rows as [typeof rows[0], typeof rows[0], typeof rows[0]];
    const other = await setup([{}]);
    const job = { userId, decisions: [decision(chosen.id), decision(stale.id, 2), decision(fine.id), decision(other.rows[0]!.id)] };
    expect(await processor.handle(job, run)).toEqual({ applied: 1 });
    const byId = new Map((await prisma.transaction.findMany({ where: { id: { in: [...rows, ...other.rows].map((r) => r.id) } } })).map((t) => [t.id, t]));
    expect(byId.get(chosen.id)).toMatchObject({ categorySource: 'USER', version: 1 });
    expect(byId.get(stale.id)).toMatchObject({ categoryId: null, version: 1 });
    expect(byId.get(fine.id)).toMatchObject({ categoryId: CATEGORY, version: 2 });
    expect(byId.get(other.rows[0]!.id)).toMatchObject({ categoryId: null, version: 1 });
    expect((await events()).map((e) => e.transaction.id)).toEqual([fine.id]);
    expect(kicks()).toBe(1);
  });
});
