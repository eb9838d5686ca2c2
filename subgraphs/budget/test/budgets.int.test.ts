import { randomUUID } from 'node:crypto';
import { graphql } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionSnapshot } from '@centavo/jobs';
import { createLogger } from '@centavo/logger';
import type { SubgraphServer } from '@centavo/server';
import { codes, testEnv } from '@centavo/testing';
import { createPrisma, type BudgetPrisma } from '../src/db.js';
import { budgetContext } from '../src/context.js';
import { loadConfig, resolvers, startBudgetSubgraph, typeDefs } from '../src/index.js';
import { createLoaders } from '../src/loaders.js';
import { AlertsRepository } from '../src/modules/alerts/alerts.repository.js';
import { BudgetsRepository } from '../src/modules/budgets/budgets.repository.js';
import { CategoriesRepository } from '../src/modules/categories/categories.repository.js';
import { RecurringRepository } from '../src/modules/recurring/recurring.repository.js';
import { BUDGET_FIELDS, event, getBudget, newUser, setBudget, snapshot, testDomain, testRun, type BudgetView, type TestUser } from './factories.js';

let server: SubgraphServer;
let prisma: BudgetPrisma;
let apply: (tx: TransactionSnapshot) => Promise<unknown>;
beforeAll(async () => {
  const config = loadConfig(testEnv({ BUDGET_PORT: '0' }));
  server = await startBudgetSubgraph(config);
  prisma = createPrisma(config.databaseUrl);
  const [processor] = testDomain(prisma).processors;
  apply = (tx) => processor.handleEvent(event(tx), testRun);
});
afterAll(async () => {
  await server?.stop();
  await prisma?.$disconnect();
});

const SET = `mutation ($input: SetBudgetInput!) { setBudget(input: $input) { id } }`;

describe('budgets', () => {
  it('goes ON_TRACK → WARNING → EXCEEDED at exactly 80% and 100%', async () => {
    const u = await newUser(server.url);
    const budget = await setBudget(u, { categoryId: u.category.restaurants!, month: '2026-11', limit: '500.00' });
    expect(budget).toMatchObject({
      month: '2026-11',
      category: { slug: 'restaurants' },
      limit: { amount: '500.00', currency: 'BRL' },
      spent: { amount: '0.00', currency: 'BRL' },
      remaining: { amount: '500.00' },
      progress: 0,
      status: 'ON_TRACK',
    });
    const steps: [string, Partial<BudgetView>][] = [
      ['-39999', { status: 'ON_TRACK', remaining: { amount: '100.01' } }],
      ['-1', { status: 'WARNING', progress: 0.8, spent: { amount: '400.00', currency: 'BRL' } }],
      ['-9999', { status: 'WARNING', remaining: { amount: '0.01' } }],
      ['-1', { status: 'EXCEEDED', progress: 1, remaining: { amount: '0.00' } }],
      ['-25000', { status: 'EXCEEDED', progress: 1.5, remaining: { amount: '-250.00' } }],
    ];
    for (const [amountMinor, expected] of steps) {
      await apply(snapshot(u.id, { categoryId: u.category.restaurants!, amountMinor, date: '2026-11-20' }));
      expect(await getBudget(u, budget.id), amountMinor).toMatchObject(expected);
    }
    // Another month and another currency do not count.
    await apply(snapshot(u.id, { categoryId: u.category.restaurants!, amountMinor: '-100000', date: '2026-12-01' }));
    await apply(snapshot(u.id, { categoryId: u.category.restaurants!, amountMinor: '-100000', currency: 'USD' }));
    expect((await getBudget(u, budget.id)).spent.amount).toBe('750.00');
  });

  it('rolls subcategory spending up into the parent budget', async () => {
    const u = await newUser(server.url);
    const { createCategory } = await u.query<{ createCategory: { id: string } }>(
      `mutation ($p: ID!) { createCategory(input: { name: "Coffee", kind: EXPENSE, parentId: $p }) { id } }`,
      { p: u.category.restaurants },
    );
    const [parent, child] = await Promise.all([
      setBudget(u, { categoryId: u.category.restaurants!, month: '2026-11', limit: '100' }),
      setBudget(u, { categoryId: createCategory.id, month: '2026-11', limit: '10' }),
    ]);
    await apply(snapshot(u.id, { categoryId: createCategory.id, amountMinor: '-850' }));
    await apply(snapshot(u.id, { categoryId: u.category.restaurants!, amountMinor: '-2000' }));
    await apply(snapshot(u.id, { categoryId: u.category.groceries!, amountMinor: '-5000' }));
    expect((await getBudget(u, parent.id)).spent.amount).toBe('28.50');
    expect(await getBudget(u, child.id)).toMatchObject({ spent: { amount: '8.50' }, status: 'WARNING' });
  });

  it('creates or replaces the budget of a category and month, lists and deletes', async () => {
    const u = await newUser(server.url);
    const first = await setBudget(u, { categoryId: u.category.groceries!, month: '2026-11', limit: '100' });
    const replaced = await setBudget(u, { categoryId: u.category.groceries!, month: '2026-11', limit: '0.5', currency: 'usd' });
    expect(replaced).toMatchObject({ id: first.id, limit: { amount: '0.50', currency: 'USD' } });
    const yen = await setBudget(u, { categoryId: u.category.salary!, month: '2026-11', limit: '30000', currency: 'JPY' });
    expect(yen.limit).toEqual({ amount: '30000', currency: 'JPY' });
    await setBudget(u, { categoryId: u.category.groceries!, month: '2026-12', limit: '100' });
    const list = async (month: string) =>
      (await u.query<{ budgets: { id: string }[] }>(`query ($m: String!) { budgets(month: $m) { id } }`, { m: month })).budgets.map((b) => b.id);
    expect(await list('2026-11')).toEqual([first.id, yen.id]);
    expect(await u.query(`mutation ($id: ID!) { deleteBudget(id: $id) }`, { id: first.id })).toEqual({ deleteBudget: true });
    expect(await list('2026-11')).toEqual([yen.id]);
    expect(codes(await u.raw(`mutation ($id: ID!) { deleteBudget(id: $id) }`, { id: first.id }))).toEqual(['NOT_FOUND']);
  });

  it('computes spent of many budgets with one grouped query per request (no N+1)', async () => {
    const u = await newUser(server.url);
    const slugs = ['groceries', 'restaurants', 'transport', 'fuel', 'housing', 'home', 'utilities', 'shopping'];
    await Promise.all(slugs.map((s) => setBudget(u, { categoryId: u.category[s]!, month: '2027-01', limit: '10' })));
    await Promise.all(slugs.map((s, i) => apply(snapshot(u.id, { categoryId: u.category[s]!, amountMinor: String(-100 * (i + 1)), date: '2027-01-31' }))));
    const { budgets } = await u.query<{ budgets: BudgetView[] }>(`{ budgets(month: "2027-01") { ${BUDGET_FIELDS} } }`);
    const bySlug = new Map(budgets.map((b) => [b.category.slug, b.spent.amount]));
    expect(bySlug).toEqual(new Map(slugs.map((s, i) => [s, `${i + 1}.00`])));

    // The same query executed in-process, counting the repository calls behind the loaders.
    const domain = testDomain(prisma);
    const calls = { spent: 0, categories: 0 };
    const budgetsRepo = new BudgetsRepository(prisma);
    const categoriesRepo = new CategoriesRepository(prisma);
    const repos = {
      budgets: Object.assign(Object.create(budgetsRepo), {
        netSpentFor: (...args: Parameters<typeof budgetsRepo.netSpentFor>) => {
          calls.spent += 1;
          return budgetsRepo.netSpentFor(...args);
        },
      }),
      categories: Object.assign(Object.create(categoriesRepo), {
        findManyForUser: (...args: Parameters<typeof categoriesRepo.findManyForUser>) => {
          calls.categories += 1;
          return categoriesRepo.findManyForUser(...args);
        },
      }),
      alerts: new AlertsRepository(prisma),
      recurring: new RecurringRepository(prisma),
    };
    const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
    const result = await graphql({
      schema,
      source: `{ budgets(month: "2027-01") { ${BUDGET_FIELDS} } }`,
      contextValue: {
        ...budgetContext(domain)({ user: { id: u.id, roles: ['USER'], jti: randomUUID(), exp: 0, token: '' }, requestId: 'test', logger: createLogger({ level: 'silent' }) }),
        loaders: createLoaders(u.id, repos, () => Promise.resolve()),
      },
    });
    expect(result.errors).toBeUndefined();
    expect((result.data?.budgets as unknown[]).length).toBe(8);
    expect(calls).toEqual({ spent: 1, categories: 1 });
  });

  it('rejects bad input, naming the field', async () => {
    const u = await newUser(server.url);
    const base = { categoryId: u.category.groceries!, month: '2026-11', limit: '10', currency: 'BRL' };
    const cases: [Record<string, unknown>, string][] = [
      [{ limit: '0' }, 'limit'],
      [{ limit: '-5' }, 'limit'],
      [{ limit: '1.234' }, 'limit'],
      [{ limit: '1e3' }, 'limit'],
      [{ limit: '10.5', currency: 'JPY' }, 'limit'],
      [{ currency: 'XYZ' }, 'currency'],
      [{ month: '2026-13' }, 'month'],
      [{ month: '2026-1' }, 'month'],
      [{ month: '2026-11-01' }, 'month'],
      [{ categoryId: u.category.transfer }, 'categoryId'],
    ];
    for (const [input, field] of cases) {
      const res = await u.raw(SET, { input: { ...base, ...input } });
      expect(res.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const q = (query: string, variables: Record<string, unknown>) => u.raw(query, variables);
    const range = `query ($f: Date!, $t: Date!, $c: String!, $i: Interval) { cashFlow(from: $f, to: $t, currency: $c, interval: $i) { periodStart } }`;
    const ranges: [Record<string, unknown>, string][] = [
      [{ f: '2026-02-30', t: '2026-03-01', c: 'BRL' }, 'from'],
      [{ f: '2026-03-01', t: '2026/03/02', c: 'BRL' }, 'to'],
      [{ f: '2026-03-02', t: '2026-03-01', c: 'BRL' }, 'to'],
      [{ f: '2025-01-01', t: '2026-01-02', c: 'BRL', i: 'DAY' }, 'to'],
      [{ f: '2000-01-01', t: '2026-01-01', c: 'BRL' }, 'to'],
      [{ f: '2026-03-01', t: '2026-03-02', c: 'EURO' }, 'currency'],
    ];
    for (const [variables, field] of ranges) {
      expect((await q(range, variables)).errors?.[0]?.extensions, JSON.stringify(variables)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const byCategory = await q(`{ spendingByCategory(from: "2026-03-02", to: "2026-03-01", currency: "BRL") { count } }`, {});
    expect(byCategory.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect((await q(`{ budgets(month: "2026-00") { id } }`, {})).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month' });
    expect(codes(await u.raw(SET, { input: { ...base, categoryId: randomUUID() } }))).toEqual(['NOT_FOUND']);
    expect(codes(await u.raw(SET, { input: { ...base, categoryId: 'nope' } }))).toEqual(['NOT_FOUND']);
  });
});

describe('isolation between users', () => {
  let ana: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    [ana, bob] = await Promise.all([newUser(server.url), newUser(server.url)]);
  });

  it("treats another user's budget and category ids exactly as missing ones", async () => {
    const budget = await setBudget(ana, { categoryId: ana.category.groceries!, month: '2026-11', limit: '100' });
    for (const id of [budget.id, randomUUID(), 'not-a-uuid']) {
      expect(codes(await bob.raw(`query ($id: ID!) { budget(id: $id) { id } }`, { id }))).toEqual(['NOT_FOUND']);
      expect(codes(await bob.raw(`mutation ($id: ID!) { deleteBudget(id: $id) }`, { id }))).toEqual(['NOT_FOUND']);
    }
    const foreignCategory = await bob.raw(SET, { input: { categoryId: ana.category.groceries, month: '2026-11', limit: '1', currency: 'BRL' } });
    expect(codes(foreignCategory)).toEqual(['NOT_FOUND']);
    const entities = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Budget { id spent { amount } } } }`;
    const refs = { r: [{ __typename: 'Budget', id: budget.id }] };
    expect((await bob.query<{ _entities: unknown[] }>(entities, refs))._entities).toEqual([null]);
    expect((await ana.query<{ _entities: unknown[] }>(entities, refs))._entities).toEqual([{ id: budget.id, spent: { amount: '0.00' } }]);
    // Bob's events never move Ana's sums, even in a category id that is Ana's.
    await apply(snapshot(bob.id, { categoryId: ana.category.groceries!, amountMinor: '-5000' }));
    expect((await getBudget(ana, budget.id)).spent.amount).toBe('0.00');
    const bobs = await bob.query<{ spendingByCategory: unknown[] }>(
      `{ spendingByCategory(from: "2026-11-01", to: "2026-11-30", currency: "BRL") { category { id } total { amount } } }`,
    );
    expect(bobs.spendingByCategory).toEqual([{ category: null, total: { amount: '50.00' } }]);
    expect((await bob.query<{ budgets: unknown[] }>(`{ budgets(month: "2026-11") { id } }`)).budgets).toEqual([]);
    expect(await getBudget(ana, budget.id)).toMatchObject({ id: budget.id, limit: { amount: '100.00' } });
  });
});
