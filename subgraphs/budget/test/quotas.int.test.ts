import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubgraphServer } from '@centavo/server';
import { codes, graphql, testEnv } from '@centavo/testing';
import { loadConfig, startBudgetSubgraph } from '../src/index.js';
import { newUser } from './factories.js';

// Two servers with small quotas: the caps must hold across processes, not only within one.
let servers: SubgraphServer[];
beforeAll(async () => {
  const env = testEnv({ BUDGET_PORT: '0', MAX_CATEGORIES_PER_USER: '3', MAX_BUDGETS_PER_USER: '4', MAX_RECURRING_BILLS_PER_USER: '2' });
  servers = await Promise.all([0, 1].map(() => startBudgetSubgraph(loadConfig(env))));
});
afterAll(() => Promise.all(servers.map((s) => s.stop())));

const CATEGORY = `mutation ($n: String!) { createCategory(input: { name: $n, kind: EXPENSE }) { id } }`;
const BUDGET = `mutation ($input: SetBudgetInput!) { setBudget(input: $input) { id limit { amount } } }`;

describe('per-user quotas of the budget domain', () => {
  it('never exceed MAX_CATEGORIES_PER_USER custom categories under concurrent creates; defaults do not count', async () => {
    const user = await newUser(servers[0]!.url);
    expect(Object.keys(user.category).length).toBeGreaterThan(3);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => graphql(servers[i % 2]!.url, CATEGORY, { n: `Hobby ${i}` }, user.token)));
    expect(results.filter((r) => !r.errors)).toHaveLength(3);
    for (const r of results.filter((r) => r.errors)) {
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', resource: 'categories', limit: 3 });
    }
    const { categories } = await user.query<{ categories: { isDefault: boolean }[] }>(`{ categories { isDefault } }`);
    expect(categories.filter((c) => !c.isDefault)).toHaveLength(3);
  });

  it('still answers a taken name with CONFLICT under the quota lock', async () => {
    const user = await newUser(servers[0]!.url);
    expect(codes(await graphql(servers[0]!.url, CATEGORY, { n: 'Café' }, user.token))).toEqual([]);
    const dup = await graphql(servers[1]!.url, CATEGORY, { n: 'cafe' }, user.token);
    expect(dup.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(codes(await graphql(servers[0]!.url, CATEGORY, { n: 'Livros' }, user.token))).toEqual([]);
  });

  it('never exceed MAX_BUDGETS_PER_USER under concurrent creates; replacing a budget never counts', async () => {
    const user = await newUser(servers[0]!.url);
    const input = (month: string, limit = '100.00') => ({ input: { categoryId: user.category.groceries, month, limit, currency: 'BRL' } });
    const months = Array.from({ length: 10 }, (_, i) => `2027-${String(i + 1).padStart(2, '0')}`);
    const results = await Promise.all(months.map((m, i) => graphql<{ setBudget: { id: string } }>(servers[i % 2]!.url, BUDGET, input(m), user.token)));
    const created = months.filter((_, i) => !results[i]!.errors);
    expect(created).toHaveLength(4);
    for (const r of results.filter((r) => r.errors)) {
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', resource: 'budgets', limit: 4 });
    }
    // At the cap: a new month is refused, replacing an existing budget is not.
    expect(codes(await graphql(servers[1]!.url, BUDGET, input('2028-01'), user.token))).toEqual(['LIMIT_EXCEEDED']);
    const replaced = await Promise.all(created.map((m, i) => graphql<{ setBudget: { limit: { amount: string } } }>(servers[i % 2]!.url, BUDGET, input(m, '250.00'), user.token)));
    expect(replaced.map((r) => r.data?.setBudget.limit.amount)).toEqual(created.map(() => '250.00'));
    // Deleting one frees its place.
    await user.query(`mutation ($id: ID!) { deleteBudget(id: $id) }`, { id: results[months.indexOf(created[0]!)]!.data!.setBudget.id });
    expect(codes(await graphql(servers[0]!.url, BUDGET, input('2028-01'), user.token))).toEqual([]);
  });

  it('allows 200 custom categories and 5000 budgets per user unless configured', () => {
    const config = loadConfig(testEnv());
    expect(config.MAX_CATEGORIES_PER_USER).toBe(200);
    expect(config.MAX_BUDGETS_PER_USER).toBe(5000);
  });

  it('never exceed MAX_RECURRING_BILLS_PER_USER bills made by hand under concurrent creates', async () => {
    const user = await newUser(servers[0]!.url);
    const BILL = `mutation ($n: String!) { createRecurringBill(input: { name: $n, period: MONTHLY, amount: "10.00", currency: "BRL", nextDate: "2027-01-05" }) { id } }`;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => graphql(servers[i % 2]!.url, BILL, { n: `Bill ${'abcdefgh'[i]}` }, user.token)));
    expect(results.filter((r) => !r.errors)).toHaveLength(2);
    for (const r of results.filter((r) => r.errors)) {
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', resource: 'recurring bills', limit: 2 });
    }
    const { recurringBills } = await user.query<{ recurringBills: unknown[] }>(`{ recurringBills { id } }`);
    expect(recurringBills).toHaveLength(2);
  });
});
