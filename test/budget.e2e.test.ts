import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, graphql, ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { eventually } from './support/wait.js';

let system: RunningSystem;
let url: string;
let ana: Session;
let bob: Session;
let checking: string;
let savings: string;
let cat: Map<string, string>;

interface Budget { id: string; spent: { amount: string }; remaining: { amount: string }; progress: number; status: string; category: { slug: string } }
const BUDGETS = `query ($m: String!) { budgets(month: $m) { id spent { amount } remaining { amount } progress status category { slug } } }`;

const budgetOf = async (s: Session, month: string, slug: string) =>
  (await ok<{ budgets: Budget[] }>(url, BUDGETS, { m: month }, s.accessToken)).budgets.find((b) => b.category.slug === slug);

/** Waits until the budget shows `spent` (the aggregates are updated by the worker). */
const spentBecomes = (s: Session, month: string, slug: string, spent: string) =>
  eventually(async () => {
    const b = await budgetOf(s, month, slug);
    return b?.spent.amount === spent ? b : undefined;
  }, 10_000, `${slug} spent ${spent}`);

async function spend(s: Session, account: string, amount: string, date: string, slug: string | null, description = 'purchase') {
  const data = await ok<{ createTransaction: { id: string } }>(
    url,
    `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
    { i: { accountId: account, amount, date, description, ...(slug ? { categoryId: cat.get(slug) } : {}) } },
    s.accessToken,
  );
  return data.createTransaction.id;
}

async function setBudget(s: Session, slug: string, month: string, limit: string, currency = 'BRL') {
  return ok<{ setBudget: Budget }>(
    url,
    `mutation ($i: SetBudgetInput!) { setBudget(input: $i) { id spent { amount } remaining { amount } progress status category { slug } } }`,
    { i: { categoryId: cat.get(slug), month, limit, currency } },
    s.accessToken,
  );
}

beforeAll(async () => {
  system = await startSystem();
  url = system.gatewayUrl;
  [ana, bob] = await Promise.all([registerUser(url, 'ana'), registerUser(url, 'bob')]);
  const mk = async (name: string) =>
    (await ok<{ createAccount: { id: string } }>(url, `mutation ($n: String!) { createAccount(input: { name: $n, type: CHECKING, currency: "BRL" }) { id } }`, { n: name }, ana.accessToken)).createAccount.id;
  [checking, savings] = [await mk('Checking'), await mk('Savings')];
  const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, `{ categories { id slug } }`, {}, ana.accessToken);
  cat = new Map(categories.map((c) => [c.slug, c.id]));
});
afterAll(() => system?.stop());

describe('budgets follow spending', () => {
  it('goes ON_TRACK → WARNING → EXCEEDED as spending crosses 80% and 100%', async () => {
    const created = await setBudget(ana, 'restaurants', '2026-09', '100.00');
    expect(created.setBudget).toMatchObject({ spent: { amount: '0.00' }, remaining: { amount: '100.00' }, progress: 0, status: 'ON_TRACK' });
    await spend(ana, checking, '-50.00', '2026-09-03', 'restaurants');
    expect(await spentBecomes(ana, '2026-09', 'restaurants', '50.00')).toMatchObject({ status: 'ON_TRACK', progress: 0.5 });
    await spend(ana, checking, '-35.00', '2026-09-04', 'restaurants');
    expect(await spentBecomes(ana, '2026-09', 'restaurants', '85.00')).toMatchObject({ status: 'WARNING', remaining: { amount: '15.00' } });
    await spend(ana, checking, '-20.00', '2026-09-05', 'restaurants');
    const exceeded = await spentBecomes(ana, '2026-09', 'restaurants', '105.00');
    expect(exceeded).toMatchObject({ status: 'EXCEEDED', remaining: { amount: '-5.00' } });
    expect(exceeded.progress).toBeCloseTo(1.05);
    // Spending in another month or category does not count.
    await spend(ana, checking, '-40.00', '2026-10-01', 'restaurants');
    await spend(ana, checking, '-40.00', '2026-09-06', 'groceries');
    await setBudget(ana, 'restaurants', '2026-10', '100.00');
    await spentBecomes(ana, '2026-10', 'restaurants', '40.00');
    await setBudget(ana, 'groceries', '2026-09', '100.00');
    await spentBecomes(ana, '2026-09', 'groceries', '40.00');
    expect((await budgetOf(ana, '2026-09', 'restaurants'))?.spent.amount).toBe('105.00');
  });

  it('moves amounts when transactions are edited, recategorized or deleted', async () => {
    await setBudget(ana, 'health', '2026-08', '200.00');
    await setBudget(ana, 'pets', '2026-08', '200.00');
    const id = await spend(ana, checking, '-60.00', '2026-08-10', 'health');
    await spentBecomes(ana, '2026-08', 'health', '60.00');
    await ok(url, `mutation ($id: ID!) { updateTransaction(id: $id, input: { amount: "-75.50" }) { id } }`, { id }, ana.accessToken);
    await spentBecomes(ana, '2026-08', 'health', '75.50');
    await ok(url, `mutation ($id: ID!, $c: ID!) { categorizeTransaction(id: $id, categoryId: $c) { id } }`, { id, c: cat.get('pets') }, ana.accessToken);
    await spentBecomes(ana, '2026-08', 'pets', '75.50');
    await spentBecomes(ana, '2026-08', 'health', '0.00');
    await ok(url, `mutation ($id: ID!) { updateTransaction(id: $id, input: { date: "2026-07-31" }) { id } }`, { id }, ana.accessToken);
    await spentBecomes(ana, '2026-08', 'pets', '0.00');
    await ok(url, `mutation ($id: ID!) { updateTransaction(id: $id, input: { date: "2026-08-01" }) { id } }`, { id }, ana.accessToken);
    await spentBecomes(ana, '2026-08', 'pets', '75.50');
    await ok(url, `mutation ($id: ID!) { deleteTransaction(id: $id) }`, { id }, ana.accessToken);
    await spentBecomes(ana, '2026-08', 'pets', '0.00');
  });

  it('never counts a transfer as spending or income', async () => {
    await spend(ana, checking, '-10.00', '2026-06-02', 'fees', 'tarifa');
    await ok(
      url,
      `mutation ($i: CreateTransferInput!) { createTransfer(input: $i) { id } }`,
      { i: { fromAccountId: checking, toAccountId: savings, amount: '500.00', date: '2026-06-03' } },
      ana.accessToken,
    );
    await spend(ana, checking, '3000.00', '2026-06-05', 'salary', 'salario');
    const flow = await eventually(async () => {
      const data = await ok<{ cashFlow: { periodStart: string; income: { amount: string }; expenses: { amount: string }; net: { amount: string } }[] }>(
        url,
        `{ cashFlow(from: "2026-06-01", to: "2026-06-30", currency: "BRL", interval: MONTH) { periodStart income { amount } expenses { amount } net { amount } } }`,
        {},
        ana.accessToken,
      );
      return data.cashFlow[0]?.income.amount === '3000.00' && data.cashFlow[0]?.expenses.amount === '10.00' ? data.cashFlow : undefined;
    }, 10_000, 'cash flow');
    expect(flow).toEqual([{ periodStart: '2026-06-01', income: { amount: '3000.00' }, expenses: { amount: '10.00' }, net: { amount: '2990.00' } }]);
    const { spendingByCategory } = await ok<{ spendingByCategory: { category: { slug: string } | null; total: { amount: string }; count: number }[] }>(
      url,
      `{ spendingByCategory(from: "2026-06-01", to: "2026-06-30", currency: "BRL") { category { slug } total { amount } count } }`,
      {},
      ana.accessToken,
    );
    expect(spendingByCategory).toEqual([{ category: { slug: 'fees' }, total: { amount: '10.00' }, count: 1 }]);
  });

  it("keeps budgets private: another user's budget id is NOT_FOUND", async () => {
    const { setBudget: budget } = await setBudget(ana, 'travel', '2026-12', '1000');
    expect(codes(await graphql(url, `query ($id: ID!) { budget(id: $id) { id } }`, { id: budget.id }, bob.accessToken))).toEqual(['NOT_FOUND']);
    expect(codes(await graphql(url, `mutation ($id: ID!) { deleteBudget(id: $id) }`, { id: budget.id }, bob.accessToken))).toEqual(['NOT_FOUND']);
    const foreignCategory = await graphql(
      url,
      `mutation ($c: ID!) { setBudget(input: { categoryId: $c, month: "2026-12", limit: "10", currency: "BRL" }) { id } }`,
      { c: cat.get('travel') },
      bob.accessToken,
    );
    expect(codes(foreignCategory)).toEqual(['NOT_FOUND']);
    expect(await ok(url, `mutation ($id: ID!) { deleteBudget(id: $id) }`, { id: budget.id }, ana.accessToken)).toEqual({ deleteBudget: true });
  });
});
