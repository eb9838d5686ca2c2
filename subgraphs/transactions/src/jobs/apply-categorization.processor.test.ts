import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { applyCategorization, JobPayload } from '@centavo/jobs';
import { createLogger } from '@centavo/logger';
import { account, MemoryStore, record, USER } from '../modules/transactions/test-fakes.js';
import { applyCategorizationProcessor } from './apply-categorization.processor.js';

const run = { logger: createLogger({ level: 'silent' }), job: { id: 'job', attemptsMade: 0 } };
const CATEGORY = 'dddddddd-0000-4000-8000-000000000001';

function setup(categorySource: 'USER' | null = null) {
  const store = new MemoryStore();
  const row = record({
    id: randomUUID(),
    userId: USER,
    accountId: account().id,
    amountMinor: -1_000n,
    currency: 'BRL',
    date: new Date('2026-03-01'),
    description: 'UBER *TRIP',
    notes: null,
    categoryId: categorySource ? randomUUID() : null,
    categorySource,
    transferPeerId: null,
    idempotencyKey: null,
  });
  store.rows.set(row.id, row);
  let kicks = 0;
  const processor = applyCategorizationProcessor(store, () => void (kicks += 1));
  const decision = (basedOnVersion = 1): JobPayload<typeof applyCategorization> => ({
    decisionId: `${row.id}-v${basedOnVersion}`,
    userId: USER,
    transactionId: row.id,
    basedOnVersion,
    categoryId: CATEGORY,
    source: 'AI',
    merchant: 'UBER',
  });
  return { store, row, processor, decision, kicks: () => kicks };
}

describe('apply-categorization processor', () => {
  it('applies a decision to the version it was made for, once, and lets the relay know', async () => {
    const { store, row, processor, decision, kicks } = setup();
    expect(await processor.handle(decision(), run)).toBe('applied');
    expect(store.rows.get(row.id)).toMatchObject({ categoryId: CATEGORY, categorySource: 'AI', merchant: 'UBER', version: 2 });
    // The same job again (a retry): the transaction moved on, nothing changes.
    expect(await processor.handle(decision(), run)).toBe('skipped');
    expect([store.rows.get(row.id)?.version, kicks()]).toEqual([2, 1]);
  });

  it("never overrides the user's own choice, nor a version it was not made for", async () => {
    const chosen = setup('USER');
    expect(await chosen.processor.handle(chosen.decision(), run)).toBe('skipped');
    expect(chosen.store.rows.get(chosen.row.id)?.categorySource).toBe('USER');
    const newer = setup();
    expect(await newer.processor.handle(newer.decision(2), run)).toBe('skipped');
    expect(newer.kicks()).toBe(0);
  });
});
