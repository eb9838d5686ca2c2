import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubgraphServer } from '@centavo/server';
import { startBudgetSubgraph, loadConfig as budgetConfig } from '@centavo/subgraph-budget';
import { codes, graphql, mintToken, ok, testEnv } from '@centavo/testing';
import { loadConfig, startAiSubgraph } from '../src/index.js';

let budget: SubgraphServer;
let ai: SubgraphServer;
beforeAll(async () => {
  budget = await startBudgetSubgraph(budgetConfig(testEnv({ BUDGET_PORT: '0' })));
  ai = await startAiSubgraph(loadConfig(testEnv({ AI_PORT: '0', BUDGET_SUBGRAPH_URL: budget.url })));
});
afterAll(async () => {
  await ai?.stop();
  await budget?.stop();
});

describe('ai subgraph against PostgreSQL, checking categories with the budget domain', () => {
  it("accepts only the caller's categories", async () => {
    const [mine, theirs] = await Promise.all([mintToken(randomUUID()), mintToken(randomUUID())]);
    const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(budget.url, `{ categories { id slug } }`, {}, mine);
    const fuel = categories.find((c) => c.slug === 'fuel')!;
    const create = `mutation ($c: ID!) { createRule(input: { field: MERCHANT, operator: EQUALS, value: "SHELL", categoryId: $c }) { id category { id } } }`;
    const created = await ok<{ createRule: { category: { id: string } } }>(ai.url, create, { c: fuel.id }, mine);
    expect(created.createRule.category.id).toBe(fuel.id);
    expect(codes(await graphql(ai.url, create, { c: fuel.id }, theirs))).toEqual(['NOT_FOUND']);
  });
});
