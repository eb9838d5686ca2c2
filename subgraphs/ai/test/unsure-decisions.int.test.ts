import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCategoryId } from '@centavo/categories';
import type { TransactionEvent } from '@centavo/jobs';
import { testEnv } from '@centavo/testing';
import { loadConfig } from '../src/config.js';
import { createPrisma, type AiPrisma } from '../src/db.js';
import { CategorizationRepository } from '../src/modules/categorization/categorization.repository.js';
import { CategorizationService } from '../src/modules/categorization/categorization.service.js';
import { createColdCategorizer } from '../src/modules/categorization/cold-categorizer.js';
import { datasetModel } from '../src/modules/training/model-artifact.js';
import { RulesRepository } from '../src/modules/rules/rules.repository.js';
import { transactionEvent } from './factories.js';

let prisma: AiPrisma;
let repo: CategorizationRepository;
const serviceWith = (threshold: number) =>
  new CategorizationService(repo, new RulesRepository(prisma), createColdCategorizer(threshold), { threshold });

beforeAll(() => {
  prisma = createPrisma(loadConfig(testEnv({ AI_PORT: '0' })).databaseUrl, false);
  repo = new CategorizationRepository(prisma);
  // Trains the process's model here, not inside the first test's time budget.
  expect(datasetModel().version).toMatch(/^lr-/);
}, 180_000);
afterAll(() => prisma?.$disconnect());

const event = (userId: string, id: string, version: number, description: string): TransactionEvent =>
  transactionEvent(version === 1 ? 'transaction.created' : 'transaction.updated', { userId, id, version, description, amountMinor: '-4590' });

describe('decisions below the confidence threshold', () => {
  it('leave the transaction uncategorized but keep its top suggestions', async () => {
    const [userId, id] = [randomUUID(), randomUUID()];
    // A threshold no answer reaches: nothing is applied, the suggestions are stored.
    const decision = await serviceWith(1.01).onTransactionEvent(event(userId, id, 1, 'COMPRA LOJA 123 CENTRO'));
    expect(decision).toBeNull();
    const [stored] = await repo.findForUser(userId, [id]);
    expect(stored?.categoryId).toBeNull();
    expect(stored?.suggestions.length).toBe(3);
    expect(stored?.suggestions.every((s) => s.confidence > 0 && s.confidence <= 1)).toBe(true);
    expect(stored!.suggestions[0]!.confidence).toBeGreaterThanOrEqual(stored!.suggestions[1]!.confidence);
  });

  it('never replace a sure decision of an earlier version', async () => {
    const [userId, id] = [randomUUID(), randomUUID()];
    const sure = await serviceWith(0.5).onTransactionEvent(event(userId, id, 1, 'NETFLIX.COM'));
    expect(sure?.categoryId).toBe(defaultCategoryId(userId, 'subscriptions'));
    await serviceWith(1.01).onTransactionEvent(event(userId, id, 2, 'NETFLIX.COM ASSINATURA'));
    const [stored] = await repo.findForUser(userId, [id]);
    expect(stored?.categoryId).toBe(defaultCategoryId(userId, 'subscriptions'));
  });
});
