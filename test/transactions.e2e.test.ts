import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, graphql, ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';

let system: RunningSystem;
let url: string;
let ana: Session;
let bob: Session;
let checking: string;
let savings: string;
let dollars: string;
let slugs: Map<string, string>;

const CREATE = `mutation ($input: CreateTransactionInput!) {
  createTransaction(input: $input) { id amount { amount currency } date description notes categorySource category { id slug } account { id } }
}`;

async function account(s: Session, name: string, currency: string, openingBalance = '0') {
  const data = await ok<{ createAccount: { id: string } }>(
    url,
    `mutation ($i: CreateAccountInput!) { createAccount(input: $i) { id } }`,
    { i: { name, type: 'CHECKING', currency, openingBalance } },
    s.accessToken,
  );
  return data.createAccount.id;
}

const balance = async (s: Session, id: string) =>
  (await ok<{ account: { balance: { amount: string } } }>(url, `query ($id: ID!) { account(id: $id) { balance { amount } } }`, { id }, s.accessToken)).account.balance.amount;

const create = (s: Session, input: Record<string, unknown>) =>
  graphql<{ createTransaction: { id: string; amount: { amount: string }; category: { slug: string } | null; categorySource: string | null } }>(
    url,
    CREATE,
    { input },
    s.accessToken,
  );

beforeAll(async () => {
  // No workers: this file tests the API itself, and background events would only add noise.
  system = await startSystem({}, { workers: false });
  url = system.gatewayUrl;
  [ana, bob] = await Promise.all([registerUser(url, 'ana'), registerUser(url, 'bob')]);
  [checking, savings, dollars] = await Promise.all([
    account(ana, 'Checking', 'BRL', '1000.00'),
    account(ana, 'Savings', 'BRL'),
    account(ana, 'Dollars', 'USD'),
  ]);
  const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, `{ categories { id slug } }`, {}, ana.accessToken);
  slugs = new Map(categories.map((c) => [c.slug, c.id]));
});
afterAll(() => system?.stop());

describe('transactions', () => {
  it('records transactions in exact money and keeps the balance', async () => {
    const res = await create(ana, { accountId: checking, amount: '-12.3', date: '2026-11-02', description: '  IFOOD *Pizza ', notes: 'lunch' });
    expect(res.errors).toBeUndefined();
    expect(res.data?.createTransaction).toMatchObject({ amount: { amount: '-12.30', currency: 'BRL' }, category: null, categorySource: null });
    await create(ana, { accountId: checking, amount: '2500', date: '2026-11-05', description: 'SALARIO ACME' });
    expect(await balance(ana, checking)).toBe('3487.70');
  });

  it('rejects bad money, dates and text naming the field', async () => {
    const base = { accountId: checking, amount: '-1', date: '2026-11-02', description: 'x' };
    const cases: [Record<string, unknown>, string][] = [
      [{ amount: '1.001' }, 'amount'],
      [{ amount: '1e2' }, 'amount'],
      [{ amount: '' }, 'amount'],
      [{ amount: 'NaN' }, 'amount'],
      [{ amount: '99999999999999' }, 'amount'],
      [{ date: '2026-02-30' }, 'date'],
      [{ date: '26-11-02' }, 'date'],
      [{ description: '   ' }, 'description'],
    ];
    for (const [input, field] of cases) {
      const res = await create(ana, { ...base, ...input });
      expect(res.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('returns the first result for a repeated idempotency key, also under concurrency', async () => {
    const key = randomUUID();
    const input = { accountId: savings, amount: '-5.00', date: '2026-11-03', description: 'Padaria', idempotencyKey: key };
    const first = await create(ana, input);
    const again = await create(ana, { ...input, amount: '-6.00' });
    expect(again.data?.createTransaction.id).toBe(first.data?.createTransaction.id);

    const raceKey = randomUUID();
    const results = await Promise.all(Array.from({ length: 8 }, () => create(ana, { ...input, idempotencyKey: raceKey })));
    expect(new Set(results.map((r) => r.data?.createTransaction.id)).size).toBe(1);
    const { transactions } = await ok<{ transactions: { totalCount: number } }>(
      url,
      `query ($a: ID!) { transactions(filter: { accountId: $a }) { totalCount } }`,
      { a: savings },
      ana.accessToken,
    );
    expect(transactions.totalCount).toBe(2);
    // Keys are per user: Bob's same key is his own.
    const bobAccount = await account(bob, 'Bob', 'BRL');
    const bobs = await create(bob, { ...input, accountId: bobAccount, idempotencyKey: key });
    expect(bobs.data?.createTransaction.id).not.toBe(first.data?.createTransaction.id);
  });

  it('takes the user\'s category, and refuses categories that are not theirs', async () => {
    const res = await create(ana, { accountId: checking, amount: '-80', date: '2026-11-04', description: 'Mercado', categoryId: slugs.get('groceries') });
    expect(res.data?.createTransaction).toMatchObject({ category: { slug: 'groceries' }, categorySource: 'USER' });
    const bobCategories = await ok<{ categories: { id: string }[] }>(url, `{ categories { id } }`, {}, bob.accessToken);
    const foreign = await create(ana, { accountId: checking, amount: '-1', date: '2026-11-04', description: 'x', categoryId: bobCategories.categories[0]!.id });
    expect(codes(foreign)).toEqual(['NOT_FOUND']);
  });

  it('pages with cursors and filters', async () => {
    const acct = await account(ana, 'Paging', 'BRL');
    for (let i = 1; i <= 7; i++) {
      await create(ana, { accountId: acct, amount: `-${i}`, date: `2026-10-0${i}`, description: i % 2 ? `UBER trip ${i}` : `Farmácia ${i}`, notes: i === 4 ? 'remédio' : null });
    }
    const query = `query ($f: TransactionFilter, $first: Int, $after: String) {
      transactions(filter: $f, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { date amount { amount } } } }
    }`;
    type Page = { transactions: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { date: string } }[] } };
    const dates: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page = await ok<Page>(url, query, { f: { accountId: acct }, first: 3, after }, ana.accessToken);
      expect(page.transactions.totalCount).toBe(7);
      dates.push(...page.transactions.edges.map((e) => e.node.date));
      if (!page.transactions.pageInfo.hasNextPage) break;
      after = page.transactions.pageInfo.endCursor;
    }
    expect(dates).toEqual(['2026-10-07', '2026-10-06', '2026-10-05', '2026-10-04', '2026-10-03', '2026-10-02', '2026-10-01']);

    const count = async (f: Record<string, unknown>) =>
      (await ok<Page>(url, query, { f: { accountId: acct, ...f }, first: 50 }, ana.accessToken)).transactions.totalCount;
    expect(await count({ search: 'uber' })).toBe(4);
    expect(await count({ search: 'FARMÁCIA' })).toBe(3);
    expect(await count({ search: 'remédio' })).toBe(1);
    // LIKE's wildcards are searched for as themselves: no description here has them.
    expect(await count({ search: '%' })).toBe(0);
    expect(await count({ search: 'U_ER' })).toBe(0);
    expect(await count({ from: '2026-10-03', to: '2026-10-05' })).toBe(3);
    expect(await count({ uncategorized: true })).toBe(7);
    expect(await count({ categoryId: slugs.get('groceries') })).toBe(0);
    const bad = await graphql(url, query, { after: 'garbage' }, ana.accessToken);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const tooMany = await graphql(url, query, { first: 201 }, ana.accessToken);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const nested = await ok<{ account: { transactions: { totalCount: number; edges: unknown[] } } }>(
      url,
      `query ($id: ID!) { account(id: $id) { transactions(first: 2) { totalCount edges { cursor } } } }`,
      { id: acct },
      ana.accessToken,
    );
    expect(nested.account.transactions).toMatchObject({ totalCount: 7 });
    expect(nested.account.transactions.edges).toHaveLength(2);
  });

  it('updates, categorizes and deletes, keeping balances right', async () => {
    const acct = await account(ana, 'Edits', 'BRL', '100');
    const res = await create(ana, { accountId: acct, amount: '-10', date: '2026-11-10', description: 'Cinema' });
    const id = res.data!.createTransaction.id;
    const updated = await ok<{ updateTransaction: { amount: { amount: string }; date: string; description: string; notes: string | null } }>(
      url,
      `mutation ($id: ID!) { updateTransaction(id: $id, input: { amount: "-25.50", date: "2026-11-11", notes: "with friends" }) { amount { amount } date description notes } }`,
      { id },
      ana.accessToken,
    );
    expect(updated.updateTransaction).toEqual({ amount: { amount: '-25.50' }, date: '2026-11-11', description: 'Cinema', notes: 'with friends' });
    expect(await balance(ana, acct)).toBe('74.50');
    const categorized = await ok<{ categorizeTransaction: { category: { slug: string }; categorySource: string } }>(
      url,
      `mutation ($id: ID!, $c: ID!) { categorizeTransaction(id: $id, categoryId: $c) { category { slug } categorySource } }`,
      { id, c: slugs.get('entertainment') },
      ana.accessToken,
    );
    expect(categorized.categorizeTransaction).toEqual({ category: { slug: 'entertainment' }, categorySource: 'USER' });
    expect(await ok(url, `mutation ($id: ID!) { deleteTransaction(id: $id) }`, { id }, ana.accessToken)).toEqual({ deleteTransaction: true });
    expect(codes(await graphql(url, `query ($id: ID!) { transaction(id: $id) { id } }`, { id }, ana.accessToken))).toEqual(['NOT_FOUND']);
    expect(await balance(ana, acct)).toBe('100.00');
  });

  it('moves money between own accounts with two linked legs', async () => {
    const before = [await balance(ana, checking), await balance(ana, savings)];
    const { createTransfer } = await ok<{
      createTransfer: { id: string; amount: { amount: string }; category: { slug: string }; transferPeer: { id: string; amount: { amount: string }; account: { id: string }; transferPeer: { id: string } } };
    }>(
      url,
      `mutation ($i: CreateTransferInput!) { createTransfer(input: $i) {
        id amount { amount } category { slug } transferPeer { id amount { amount } account { id } transferPeer { id } } } }`,
      { i: { fromAccountId: checking, toAccountId: savings, amount: '300.00', date: '2026-11-12' } },
      ana.accessToken,
    );
    expect(createTransfer.amount.amount).toBe('-300.00');
    expect(createTransfer.category.slug).toBe('transfer');
    expect(createTransfer.transferPeer).toMatchObject({ amount: { amount: '300.00' }, account: { id: savings }, transferPeer: { id: createTransfer.id } });
    const after = [await balance(ana, checking), await balance(ana, savings)];
    expect(Number(after[0]) - Number(before[0])).toBeCloseTo(-300);
    expect(Number(after[1]) - Number(before[1])).toBeCloseTo(300);

    const mutation = `mutation ($i: CreateTransferInput!) { createTransfer(input: $i) { id transferPeer { amount { amount currency } } } }`;
    const fx = await graphql(url, mutation, { i: { fromAccountId: checking, toAccountId: dollars, amount: '100', date: '2026-11-12' } }, ana.accessToken);
    expect(fx.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'toAmount' });
    const fxOk = await ok<{ createTransfer: { transferPeer: { amount: { amount: string; currency: string } } } }>(
      url,
      mutation,
      { i: { fromAccountId: checking, toAccountId: dollars, amount: '100', toAmount: '18.50', date: '2026-11-12' } },
      ana.accessToken,
    );
    expect(fxOk.createTransfer.transferPeer.amount).toEqual({ amount: '18.50', currency: 'USD' });
    const same = await graphql(url, mutation, { i: { fromAccountId: checking, toAccountId: checking, amount: '1', date: '2026-11-12' } }, ana.accessToken);
    expect(same.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'toAccountId' });
    const negative = await graphql(url, mutation, { i: { fromAccountId: checking, toAccountId: savings, amount: '-1', date: '2026-11-12' } }, ana.accessToken);
    expect(negative.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });

    // Deleting one leg deletes both and restores both balances.
    await ok(url, `mutation ($id: ID!) { deleteTransaction(id: $id) }`, { id: createTransfer.transferPeer.id }, ana.accessToken);
    expect(codes(await graphql(url, `query ($id: ID!) { transaction(id: $id) { id } }`, { id: createTransfer.id }, ana.accessToken))).toEqual(['NOT_FOUND']);
  });

  it("never lets another user read, change or delete a transaction", async () => {
    const res = await create(ana, { accountId: checking, amount: '-1', date: '2026-11-01', description: 'secret' });
    const id = res.data!.createTransaction.id;
    const attempts = [
      [`query ($id: ID!) { transaction(id: $id) { id } }`, { id }],
      [`mutation ($id: ID!) { updateTransaction(id: $id, input: { notes: "mine" }) { id } }`, { id }],
      [`mutation ($id: ID!) { deleteTransaction(id: $id) }`, { id }],
      [`mutation ($id: ID!, $c: ID!) { categorizeTransaction(id: $id, categoryId: $c) { id } }`, { id, c: (await ok<{ categories: { id: string }[] }>(url, `{ categories { id } }`, {}, bob.accessToken)).categories[0]!.id }],
      [`mutation ($a: ID!) { createTransaction(input: { accountId: $a, amount: "-1", date: "2026-11-01", description: "x" }) { id } }`, { a: checking }],
      [`mutation ($a: ID!, $b: ID!) { createTransfer(input: { fromAccountId: $a, toAccountId: $b, amount: "1", date: "2026-11-01" }) { id } }`, { a: checking, b: savings }],
    ] as const;
    for (const [query, variables] of attempts) {
      expect(codes(await graphql(url, query, variables, bob.accessToken)), query).toEqual(['NOT_FOUND']);
    }
    const { transactions } = await ok<{ transactions: { totalCount: number } }>(url, `query ($a: ID!) { transactions(filter: { accountId: $a }) { totalCount } }`, { a: checking }, bob.accessToken);
    expect(transactions.totalCount).toBe(0);
    expect((await ok<{ transaction: { id: string } }>(url, `query ($id: ID!) { transaction(id: $id) { id } }`, { id }, ana.accessToken)).transaction.id).toBe(id);
  });
});
