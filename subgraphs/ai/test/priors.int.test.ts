import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCategoryId } from '@centavo/categories';
import type { TransactionEvent } from '@centavo/jobs';
import { testEnv } from '@centavo/testing';
import { loadConfig } from '../src/config.js';
import { createPrisma, type AiPrisma } from '../src/db.js';
import { CategorizationRepository } from '../src/modules/categorization/categorization.repository.js';
import { CategorizationService, decisionAmounts } from '../src/modules/categorization/categorization.service.js';
import { createColdCategorizer } from '../src/modules/categorization/cold-categorizer.js';
import { RulesRepository } from '../src/modules/rules/rules.repository.js';
import { transactionEvent } from './factories.js';

let prisma: AiPrisma;
let repo: CategorizationRepository;
let service: CategorizationService;
beforeAll(() => {
  const config = loadConfig(testEnv({ AI_PORT: '0' }));
  prisma = createPrisma(config.databaseUrl, false);
  repo = new CategorizationRepository(prisma);
  const cold = createColdCategorizer(config.CATEGORIZE_THRESHOLD);
  service = new CategorizationService(repo, new RulesRepository(prisma), cold, {
    threshold: config.CATEGORIZE_THRESHOLD,
  });
  // Trains the model here, not inside the first test's time budget.
  expect(cold.version).toMatch(/^lr-/);
}, 180_000);
afterAll(async () => {
  await prisma?.$disconnect();
});

const corrected = (userId: string, id: string, description: string, categoryId: string, version: number): TransactionEvent =>
  transactionEvent('transaction.categorized', { id, userId, description, categoryId, categorySource: 'USER', version });

const santaLuzia = { description: 'PADARIA SANTA LUZIA', cents: -1500n, absScaled: 150_000n };

describe('per-user word priors against PostgreSQL', () => {
  it("a correction of one branch teaches the merchant's chain: MEGAMART NORTHGATE to gifts makes MEGAMART EASTSIDE gifts, for that user only", async () => {
    const [ana, bia] = [randomUUID(), randomUUID()];
    const gifts = defaultCategoryId(ana, 'gifts');
    const eastside = { description: 'POS Purchase MEGAMART Eastside * 24 Aug', cents: -4500n, absScaled: 450_000n };
    const before = await service.decide(ana, eastside);
    expect(before.categoryId).not.toBe(gifts);

    await service.onTransactionEvent(corrected(ana, randomUUID(), 'Card Purchase MEGAMART Northgate Johannesburg', gifts, 2));
    const after = await service.decide(ana, eastside);
    expect(after.categoryId).toBe(gifts);
    expect(after.explanation).toBe("your corrections: token 'megamart' → gifts");
    expect(after.suggestions[0]?.categoryId).toBe(gifts);

    const other = await service.decide(bia, eastside);
    expect(other.categoryId).not.toBe(defaultCategoryId(bia, 'gifts'));
  });

  it('a shared word raises the corrected category without overruling a model that is sure of another one', async () => {
    const user = randomUUID();
    const gifts = defaultCategoryId(user, 'gifts');
    const before = await service.decide(user, santaLuzia);
    await service.onTransactionEvent(corrected(user, randomUUID(), 'PADARIA DO ZE LTDA SAO PAULO BR', gifts, 2));
    const after = await service.decide(user, santaLuzia);
    expect(after.categoryId).toBe(before.categoryId);
    const share = (d: typeof before) => d.suggestions.find((s) => s.categoryId === gifts)?.confidence ?? 0;
    expect(share(after)).toBeGreaterThan(share(before));
  });

  it("a custom category can win; money in never takes the user's expense words", async () => {
    const user = randomUUID();
    const custom = randomUUID();
    await service.onTransactionEvent(corrected(user, randomUUID(), 'PADARIA DO ZE', custom, 1));
    const out = await service.decide(user, santaLuzia);
    expect(out.categoryId).toBe(custom);
    expect(out.explanation).toBe("your corrections: token 'padaria' → your category");
    const incoming = await service.decide(user, { ...santaLuzia, cents: 1500n });
    expect(incoming.categoryId).not.toBe(custom);
  });

  it('counts a replayed correction once and moves the counts on a newer choice', async () => {
    const user = randomUUID();
    const tx = randomUUID();
    const [gifts, health] = [defaultCategoryId(user, 'gifts'), defaultCategoryId(user, 'health')];
    await service.onTransactionEvent(corrected(user, tx, 'PADARIA DO ZE', gifts, 2));
    await service.onTransactionEvent(corrected(user, tx, 'PADARIA DO ZE', gifts, 2));
    expect(await repo.priors(user, 'out', ['padaria'])).toEqual([{ token: 'padaria', categoryId: gifts, count: 1 }]);

    await service.onTransactionEvent(corrected(user, tx, 'PADARIA DO ZE', health, 3));
    expect(await repo.priors(user, 'out', ['padaria'])).toEqual([{ token: 'padaria', categoryId: health, count: 1 }]);
    // An older version arriving late does not take the newer choice back.
    await service.onTransactionEvent(corrected(user, tx, 'PADARIA DO ZE', gifts, 1));
    expect(await repo.priors(user, 'out', ['padaria'])).toEqual([{ token: 'padaria', categoryId: health, count: 1 }]);
  });

  it('a batch decides each row as a single decision would, with what the user taught (memory and priors) read once', async () => {
    const user = randomUUID();
    const gifts = defaultCategoryId(user, 'gifts');
    await service.onTransactionEvent(corrected(user, randomUUID(), 'Card Purchase MEGAMART Northgate Johannesburg', gifts, 2));
    const lines = ['POS Purchase MEGAMART Eastside * 24 Aug', 'PADARIA SANTA LUZIA', 'UBER *TRIP', 'NETFLIX.COM', 'SALARIO ACME', 'XYZ 123'];
    const events = lines.map((description, i) =>
      transactionEvent('transaction.created', { userId: user, description, amountMinor: i === 4 ? '500000' : String(-1500 - i * 700), currency: 'BRL' }),
    );
    const single = await Promise.all(
      events.map((e) => service.decide(user, { description: e.transaction.description, ...decisionAmounts(BigInt(e.transaction.amountMinor), 'BRL') })),
    );
    const batched = await service.onTransactionEvents(user, events);
    expect(batched).toEqual(single.map((d) => (d.categoryId ? d : null)));
    expect(batched[0]?.categoryId).toBe(gifts);
  });
});
