import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, graphql, ok, registerUser, type GraphQLResponse, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { eventually } from './support/wait.js';

let system: RunningSystem;
let url: string;
let ana: Session;
let bob: Session;
let account: string;
let cat: Map<string, string>;

interface Row {
  id: string;
  amount: { amount: string };
  category: { slug: string } | null;
  categorySource: string | null;
  tags: string[];
  updatedAt: string;
  splits: { id: string; amount: { amount: string; currency: string }; category: { slug: string }; note: string | null; tags: string[] }[];
}
const ROW = `id amount { amount } category { slug } categorySource tags updatedAt
  splits { id amount { amount currency } category { slug } note tags }`;

const fields = (res: GraphQLResponse<unknown>) => (res.errors ?? []).map((e) => e.extensions?.field);

async function create(s: Session, amount: string, date: string, description: string, slug?: string): Promise<string> {
  const { createTransaction } = await ok<{ createTransaction: { id: string } }>(
    url,
    `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
    { i: { accountId: account, amount, date, description, ...(slug ? { categoryId: cat.get(slug) } : {}) } },
    s.accessToken,
  );
  return createTransaction.id;
}

const part = (amount: string, slug: string, extra: { note?: string; tags?: string[] } = {}) => ({ amount, categoryId: cat.get(slug), ...extra });

const split = (s: Session, id: string, parts: unknown[]) =>
  graphql<{ splitTransaction: Row }>(url, `mutation ($id: ID!, $p: [SplitPartInput!]!) { splitTransaction(id: $id, parts: $p) { ${ROW} } }`, { id, p: parts }, s.accessToken);

const read = async (s: Session, id: string) =>
  (await ok<{ transaction: Row }>(url, `query ($id: ID!) { transaction(id: $id) { ${ROW} } }`, { id }, s.accessToken)).transaction;

const spending = (s: Session, from: string, to: string) =>
  ok<{ spendingByCategory: { category: { slug: string } | null; total: { amount: string }; count: number }[] }>(
    url,
    `query ($f: Date!, $t: Date!) { spendingByCategory(from: $f, to: $t, currency: "BRL") { category { slug } total { amount } count } }`,
    { f: from, t: to },
    s.accessToken,
  ).then((r) => Object.fromEntries(r.spendingByCategory.map((c) => [c.category?.slug ?? 'none', [c.total.amount, c.count]])));

beforeAll(async () => {
  system = await startSystem();
  url = system.gatewayUrl;
  [ana, bob] = await Promise.all([registerUser(url, 'ana'), registerUser(url, 'bob')]);
  account = (
    await ok<{ createAccount: { id: string } }>(url, `mutation { createAccount(input: { name: "Checking", type: CHECKING, currency: "BRL" }) { id } }`, {}, ana.accessToken)
  ).createAccount.id;
  const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, `{ categories { id slug } }`, {}, ana.accessToken);
  cat = new Map(categories.map((c) => [c.slug, c.id]));
}, 60_000);
afterAll(() => system?.stop());

describe('split transactions', () => {
  it('splits a receipt into parts that sum exactly, each with its amount, category, note and tags', async () => {
    const id = await create(ana, '-100.00', '2026-07-10', 'SUPERMERCADO EXTRA', 'groceries');
    const res = await split(ana, id, [
      part('-60.00', 'groceries', { note: ' food ', tags: [' Weekly  Shop '] }),
      part('-25.50', 'home'),
      part('-14.50', 'health', { note: 'pharmacy' }),
    ]);
    expect(res.errors).toBeUndefined();
    const row = res.data!.splitTransaction;
    expect(row.amount.amount).toBe('-100.00');
    expect(row.splits.map((p) => [p.amount.amount, p.amount.currency, p.category.slug, p.note, p.tags])).toEqual([
      ['-60.00', 'BRL', 'groceries', 'food', ['weekly shop']],
      ['-25.50', 'BRL', 'home', null, []],
      ['-14.50', 'BRL', 'health', 'pharmacy', []],
    ]);
    expect(new Set(row.splits.map((p) => p.id)).size).toBe(3);
    expect((await read(ana, id)).splits).toHaveLength(3);
    // Undone: the row is whole again.
    const cleared = await ok<{ clearSplit: Row }>(url, `mutation ($id: ID!) { clearSplit(id: $id) { ${ROW} } }`, { id }, ana.accessToken);
    expect(cleared.clearSplit.splits).toEqual([]);
  });

  it('refuses parts that do not sum, zero or malformed parts, a single part, a transfer and a foreign category', async () => {
    const id = await create(ana, '-50.00', '2026-07-11', 'FARMACIA');
    const off = await split(ana, id, [part('-30.00', 'health'), part('-19.99', 'home')]);
    expect(codes(off)).toEqual(['BAD_USER_INPUT']);
    expect(fields(off)).toEqual(['parts']);
    expect(off.errors?.[0]?.message).toMatch(/-49\.99.*-50\.00/);
    const zero = await split(ana, id, [part('-50.00', 'health'), part('0', 'home')]);
    expect([codes(zero), fields(zero)]).toEqual([['BAD_USER_INPUT'], ['parts.1.amount']]);
    const fraction = await split(ana, id, [part('-25.001', 'health'), part('-24.999', 'home')]);
    expect([codes(fraction), fields(fraction)]).toEqual([['BAD_USER_INPUT'], ['parts.0.amount']]);
    const single = await split(ana, id, [part('-50.00', 'health')]);
    expect([codes(single), fields(single)]).toEqual([['BAD_USER_INPUT'], ['parts']]);
    const badTag = await split(ana, id, [part('-25.00', 'health', { tags: ['ok', 'a\u202eb'] }), part('-25.00', 'home')]);
    expect([codes(badTag), fields(badTag)]).toEqual([['BAD_USER_INPUT'], ['parts.0.tags']]);
    // Bob's categories (his defaults have ids of their own) are not Ana's.
    const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, `{ categories { id slug } }`, {}, bob.accessToken);
    const bobsHealth = categories.find((c) => c.slug === 'health')!.id;
    expect(bobsHealth).not.toBe(cat.get('health'));
    const foreign = await split(ana, id, [{ amount: '-25.00', categoryId: bobsHealth }, part('-25.00', 'home')]);
    expect(codes(foreign)).toEqual(['NOT_FOUND']);
    // Nothing of the refused splits was kept.
    expect((await read(ana, id)).splits).toEqual([]);

    const other = await ok<{ createAccount: { id: string } }>(url, `mutation { createAccount(input: { name: "Savings", type: SAVINGS, currency: "BRL" }) { id } }`, {}, ana.accessToken);
    const transfer = await ok<{ createTransfer: { id: string } }>(
      url,
      `mutation ($i: CreateTransferInput!) { createTransfer(input: $i) { id } }`,
      { i: { fromAccountId: account, toAccountId: other.createAccount.id, amount: '10.00', date: '2026-07-11' } },
      ana.accessToken,
    );
    const leg = await split(ana, transfer.createTransfer.id, [part('-5.00', 'home'), part('-5.00', 'health')]);
    expect(codes(leg)).toEqual(['BAD_USER_INPUT']);
  });

  it('asks for new parts when the amount of a split row changes', async () => {
    const id = await create(ana, '-40.00', '2026-07-12', 'MERCADO');
    expect((await split(ana, id, [part('-30.00', 'groceries'), part('-10.00', 'home')])).errors).toBeUndefined();
    const UPDATE = `mutation ($id: ID!, $i: UpdateTransactionInput!) { updateTransaction(id: $id, input: $i) { ${ROW} } }`;
    const alone = await graphql(url, UPDATE, { id, i: { amount: '-45.00' } }, ana.accessToken);
    expect([codes(alone), fields(alone)]).toEqual([['BAD_USER_INPUT'], ['amount']]);
    const wrongParts = await graphql(url, UPDATE, { id, i: { amount: '-45.00', splits: [part('-30.00', 'groceries'), part('-10.00', 'home')] } }, ana.accessToken);
    expect([codes(wrongParts), fields(wrongParts)]).toEqual([['BAD_USER_INPUT'], ['parts']]);
    const fixed = await ok<{ updateTransaction: Row }>(
      url,
      UPDATE,
      { id, i: { amount: '-45.00', splits: [part('-35.00', 'groceries'), part('-10.00', 'home')], notes: 'receipt fixed' } },
      ana.accessToken,
    );
    expect(fixed.updateTransaction.amount.amount).toBe('-45.00');
    expect(fixed.updateTransaction.splits.map((p) => p.amount.amount)).toEqual(['-35.00', '-10.00']);
    // Same amount, other edits: fine while split.
    expect((await graphql(url, UPDATE, { id, i: { amount: '-45.00', description: 'MERCADO BOM' } }, ana.accessToken)).errors).toBeUndefined();
    // An empty list of parts undoes the split, and then the amount is free again.
    const whole = await ok<{ updateTransaction: Row }>(url, UPDATE, { id, i: { splits: [], amount: '-47.00' } }, ana.accessToken);
    expect(whole.updateTransaction).toMatchObject({ splits: [], amount: { amount: '-47.00' } });
  });

  it('counts the parts in budgets, reports and alerts instead of the row', async () => {
    const month = '2026-06';
    const setBudget = (slug: string, limit: string) =>
      ok(url, `mutation ($i: SetBudgetInput!) { setBudget(input: $i) { id } }`, { i: { categoryId: cat.get(slug), month, limit, currency: 'BRL' } }, ana.accessToken);
    await setBudget('groceries', '200.00');
    await setBudget('health', '50.00');
    const spentOf = async (slug: string) => {
      const { budgets } = await ok<{ budgets: { spent: { amount: string }; category: { slug: string } }[] }>(
        url,
        `query ($m: String!) { budgets(month: $m) { spent { amount } category { slug } } }`,
        { m: month },
        ana.accessToken,
      );
      return budgets.find((b) => b.category.slug === slug)?.spent.amount;
    };
    const id = await create(ana, '-120.00', '2026-06-15', 'HIPERMERCADO', 'groceries');
    await eventually(async () => ((await spentOf('groceries')) === '120.00' ? true : undefined), 15_000, 'groceries 120.00');
    await split(ana, id, [part('-75.00', 'groceries'), part('-45.00', 'health', { note: 'pharmacy' })]);
    await eventually(async () => ((await spentOf('groceries')) === '75.00' && (await spentOf('health')) === '45.00' ? true : undefined), 15_000, 'parts counted');
    expect(await spending(ana, '2026-06-01', '2026-06-30')).toEqual({ groceries: ['75.00', 1], health: ['45.00', 1] });
    const flow = await ok<{ cashFlow: { expenses: { amount: string } }[] }>(
      url,
      `{ cashFlow(from: "2026-06-01", to: "2026-06-30", currency: "BRL", interval: MONTH) { expenses { amount } } }`,
      {},
      ana.accessToken,
    );
    expect(flow.cashFlow[0]!.expenses.amount).toBe('120.00');
    // The health part crossed 80% of its budget: the alert names the split row.
    const alerts = await eventually(async () => {
      const { alerts } = await ok<{ alerts: { type: string; transaction: { id: string } | null; budget: { category: { slug: string } } | null }[] }>(
        url,
        `{ alerts { type transaction { id } budget { category { slug } } } }`,
        {},
        ana.accessToken,
      );
      return alerts.some((a) => a.type === 'BUDGET_WARNING') ? alerts : undefined;
    }, 15_000, 'BUDGET_WARNING');
    expect(alerts.filter((a) => a.type === 'BUDGET_WARNING')).toEqual([{ type: 'BUDGET_WARNING', transaction: { id }, budget: { category: { slug: 'health' } } }]);
    // Undone: the whole row counts in its own category again.
    await ok(url, `mutation ($id: ID!) { clearSplit(id: $id) { id } }`, { id }, ana.accessToken);
    await eventually(async () => ((await spentOf('groceries')) === '120.00' && (await spentOf('health')) === '0.00' ? true : undefined), 15_000, 'row counted again');
  }, 60_000);

  it('is left alone by the categorizer', async () => {
    const id = await create(ana, '-55.90', '2026-07-13', 'NETFLIX.COM');
    const splitRes = await split(ana, id, [part('-40.00', 'entertainment'), part('-15.90', 'subscriptions')]);
    expect(splitRes.errors).toBeUndefined();
    // A new description would make the categorizer decide again, were the row not split.
    const edited = await ok<{ updateTransaction: Row }>(
      url,
      `mutation ($id: ID!) { updateTransaction(id: $id, input: { description: "NETFLIX.COM MONTHLY" }) { ${ROW} } }`,
      { id },
      ana.accessToken,
    );
    // A later row of the same user goes through the same queues after it: once it is categorized,
    // the split row's events have been through the categorizer too.
    const control = await create(ana, '-55.90', '2026-07-13', 'NETFLIX.COM');
    await eventually(async () => ((await read(ana, control)).categorySource === 'AI' ? true : undefined), 20_000, 'control categorized');
    const after = await read(ana, id);
    expect(after.updatedAt).toBe(edited.updateTransaction.updatedAt);
    expect(after.splits.map((p) => p.category.slug)).toEqual(['entertainment', 'subscriptions']);
    // The creation may have been categorized before the split; nothing since.
    expect([after.category, after.categorySource]).toEqual([edited.updateTransaction.category, edited.updateTransaction.categorySource]);
  }, 40_000);
});

describe('tags', () => {
  const TAG = `mutation ($id: ID!, $t: [String!]!) { tagTransaction(id: $id, tags: $t) { ${ROW} } }`;
  const UNTAG = `mutation ($id: ID!, $t: [String!]!) { untagTransaction(id: $id, tags: $t) { ${ROW} } }`;
  const LIST = `query ($f: TransactionFilter) { transactions(filter: $f, first: 100) { totalCount edges { node { id } } } }`;
  const listIds = async (s: Session, filter: unknown) =>
    (await ok<{ transactions: { totalCount: number; edges: { node: { id: string } }[] } }>(url, LIST, { f: filter }, s.accessToken)).transactions;

  it('normalizes tags, refuses hostile ones, filters by tag and sums spending by tag', async () => {
    const hotel = await create(ana, '-300.00', '2026-05-02', 'HOTEL PORTO', 'travel');
    const dinner = await create(ana, '-80.00', '2026-05-03', 'RESTAURANTE', 'restaurants');
    const market = await create(ana, '-100.00', '2026-05-04', 'MERCADO', 'groceries');
    const refund = await create(ana, '20.00', '2026-05-05', 'HOTEL REFUND', 'refunds');
    const tagged = await ok<{ tagTransaction: Row }>(url, TAG, { id: hotel, t: ['  Trip  Porto ', 'WORK', 'work'] }, ana.accessToken);
    expect(tagged.tagTransaction.tags).toEqual(['trip porto', 'work']);
    await ok(url, TAG, { id: dinner, t: ['Trip Porto'] }, ana.accessToken);
    await ok(url, TAG, { id: refund, t: ['trip porto'] }, ana.accessToken);
    // One part of the market receipt was bought for the trip.
    await split(ana, market, [part('-70.00', 'groceries'), part('-30.00', 'travel', { tags: ['trip porto'] })]);

    for (const bad of [[''], ['a'.repeat(41)], ['x\u0000y'], ['in\u200bvisible'], ['<img src=x>'], Array.from({ length: 21 }, (_, i) => `t${i}`)]) {
      const res = await graphql(url, TAG, { id: dinner, t: bad }, ana.accessToken);
      expect([codes(res), fields(res)]).toEqual([['BAD_USER_INPUT'], ['tags']]);
    }
    // 20 new ones are fine alone, but the row has one already.
    const many = await graphql(url, TAG, { id: dinner, t: Array.from({ length: 20 }, (_, i) => `extra${i}`) }, ana.accessToken);
    expect([codes(many), fields(many)]).toEqual([['BAD_USER_INPUT'], ['tags']]);

    const trip = await listIds(ana, { tag: 'TRIP porto' });
    expect(trip.totalCount).toBe(4);
    expect(new Set(trip.edges.map((e) => e.node.id))).toEqual(new Set([hotel, dinner, refund, market]));
    expect((await listIds(ana, { tags: ['trip porto', 'work'] })).edges.map((e) => e.node.id)).toEqual([hotel]);
    expect((await listIds(ana, { tag: 'trip porto', categoryId: cat.get('restaurants') })).edges.map((e) => e.node.id)).toEqual([dinner]);
    expect((await listIds(ana, { tag: 'nothing' })).totalCount).toBe(0);
    const badFilter = await graphql(url, LIST, { f: { tag: 'a\u202eb' } }, ana.accessToken);
    expect([codes(badFilter), fields(badFilter)]).toEqual([['BAD_USER_INPUT'], ['tag']]);

    const BY_TAG = `query ($f: Date!, $t: Date!) { spendingByTag(from: $f, to: $t, currency: "BRL") { tag total { amount } expenses { amount } income { amount } count } }`;
    const byTag = await eventually(async () => {
      const { spendingByTag } = await ok<{ spendingByTag: { tag: string; total: { amount: string }; expenses: { amount: string }; income: { amount: string }; count: number }[] }>(
        url, BY_TAG, { f: '2026-05-01', t: '2026-05-31' }, ana.accessToken,
      );
      return spendingByTag.find((t) => t.tag === 'trip porto')?.count === 4 ? spendingByTag : undefined;
    }, 15_000, 'spending by tag');
    // 300 + 80 + the 30 part out, 20 in: the market's groceries part is not the trip's.
    expect(byTag).toEqual([
      { tag: 'trip porto', total: { amount: '390.00' }, expenses: { amount: '410.00' }, income: { amount: '20.00' }, count: 4 },
      { tag: 'work', total: { amount: '300.00' }, expenses: { amount: '300.00' }, income: { amount: '0.00' }, count: 1 },
    ]);
    // Another period: nothing.
    expect((await ok<{ spendingByTag: unknown[] }>(url, BY_TAG, { f: '2026-04-01', t: '2026-04-30' }, ana.accessToken)).spendingByTag).toEqual([]);

    const untagged = await ok<{ untagTransaction: Row }>(url, UNTAG, { id: hotel, t: ['WORK', 'never had it'] }, ana.accessToken);
    expect(untagged.untagTransaction.tags).toEqual(['trip porto']);
    const replaced = await ok<{ updateTransaction: Row }>(
      url,
      `mutation ($id: ID!) { updateTransaction(id: $id, input: { tags: ["Porto 2026"] }) { ${ROW} } }`,
      { id: dinner },
      ana.accessToken,
    );
    expect(replaced.updateTransaction.tags).toEqual(['porto 2026']);
    expect((await listIds(ana, { tag: 'work' })).totalCount).toBe(0);
  }, 40_000);
});

describe('rules that add tags', () => {
  it('tag what they categorize, with the tags normalized when the rule is stored', async () => {
    const RULE = `mutation ($i: RuleInput!) { createRule(input: $i) { id addTags category { slug } } }`;
    const rule = (addTags: string[]) => ({ field: 'DESCRIPTION', operator: 'CONTAINS', value: 'POSTO SHELL', categoryId: cat.get('fuel'), addTags });
    const bad = await graphql(url, RULE, { i: rule(['ok', 'bad\u202etag']) }, ana.accessToken);
    expect([codes(bad), fields(bad)]).toEqual([['BAD_USER_INPUT'], ['addTags']]);
    const created = await ok<{ createRule: { addTags: string[]; category: { slug: string } } }>(url, RULE, { i: rule([' Car ', 'Road  Trip', 'car']) }, ana.accessToken);
    expect(created.createRule).toMatchObject({ addTags: ['car', 'road trip'], category: { slug: 'fuel' } });

    const id = await create(ana, '-150.00', '2026-04-10', 'POSTO SHELL BR 116');
    const row = await eventually(async () => {
      const r = await read(ana, id);
      return r.categorySource === 'RULE' ? r : undefined;
    }, 20_000, 'categorized by the rule');
    expect(row).toMatchObject({ category: { slug: 'fuel' }, tags: ['car', 'road trip'] });
    expect((await countOf(ana, { tag: 'Road Trip' })).totalCount).toBe(1);
  }, 60_000);
});

describe("another user's transaction", () => {
  it('is NOT_FOUND for split, clearSplit, tag, untag and tag updates, and its tags are not found or summed', async () => {
    const id = await create(ana, '-10.00', '2026-05-20', 'PADARIA');
    await ok(url, `mutation ($id: ID!) { tagTransaction(id: $id, tags: ["secret"]) { id } }`, { id }, ana.accessToken);
    const { categories } = await ok<{ categories: { id: string }[] }>(url, `{ categories { id } }`, {}, bob.accessToken);
    const bobsCat = categories[0]!.id;
    const attempts = [
      // With Bob's own categories: only the transaction is not his.
      graphql(url, `mutation ($id: ID!, $p: [SplitPartInput!]!) { splitTransaction(id: $id, parts: $p) { id } }`, { id, p: [{ amount: '-5.00', categoryId: bobsCat }, { amount: '-5.00', categoryId: bobsCat }] }, bob.accessToken),
      graphql(url, `mutation ($id: ID!) { clearSplit(id: $id) { id } }`, { id }, bob.accessToken),
      graphql(url, `mutation ($id: ID!) { tagTransaction(id: $id, tags: ["mine"]) { id } }`, { id }, bob.accessToken),
      graphql(url, `mutation ($id: ID!) { untagTransaction(id: $id, tags: ["secret"]) { id } }`, { id }, bob.accessToken),
      graphql(url, `mutation ($id: ID!) { updateTransaction(id: $id, input: { tags: [] }) { id } }`, { id }, bob.accessToken),
      graphql(url, `mutation { splitTransaction(id: "not-a-uuid", parts: []) { id } }`, {}, bob.accessToken),
    ];
    for (const res of await Promise.all(attempts)) expect(codes(res)).toEqual(['NOT_FOUND']);
    expect((await read(ana, id)).tags).toEqual(['secret']);
    expect((await countOf(bob, { tag: 'secret' })).totalCount).toBe(0);
    const { spendingByTag } = await ok<{ spendingByTag: unknown[] }>(url, `{ spendingByTag(from: "2026-05-01", to: "2026-05-31", currency: "BRL") { tag } }`, {}, bob.accessToken);
    expect(spendingByTag).toEqual([]);
  });
});

async function countOf(s: Session, filter: unknown) {
  return (
    await ok<{ transactions: { totalCount: number } }>(url, `query ($f: TransactionFilter) { transactions(filter: $f) { totalCount } }`, { f: filter }, s.accessToken)
  ).transactions;
}
