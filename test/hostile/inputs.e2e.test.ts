import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from '../support/system.js';
import { expectAlive, expectClean, expectRefused, gql, tally, type Answer } from './harness.js';

/** Hostile values in every input: NUL and control characters, numbers and dates that are not, ids of others. */
let system: RunningSystem;
let url: string;
let me: Session;
let other: Session;
let account: string;
let otherAccount: string;
let groceries: string;

const CREATE = 'mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id description notes } }';
const tx = (over: Record<string, unknown>) => ({ i: { accountId: account, amount: '-10.00', date: '2026-11-10', description: 'MERCADO', ...over } });
const count = async () => (await ok<{ transactions: { totalCount: number } }>(url, '{ transactions { totalCount } }', {}, me.accessToken)).transactions.totalCount;

beforeAll(async () => {
  system = await startSystem({}, { workers: false });
  url = system.gatewayUrl;
  [me, other] = await Promise.all([registerUser(url, 'hostile-in'), registerUser(url, 'hostile-in-other')]);
  const made = (s: Session, name: string) =>
    ok<{ createAccount: { id: string } }>(url, `mutation { createAccount(input: { name: "${name}", type: CHECKING, currency: "BRL" }) { id } }`, {}, s.accessToken);
  account = (await made(me, 'Mine')).createAccount.id;
  otherAccount = (await made(other, 'Theirs')).createAccount.id;
  const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, '{ categories { id slug } }', {}, me.accessToken);
  groceries = categories.find((c) => c.slug === 'groceries')!.id;
});
afterAll(() => system?.stop());
afterEach(() => expectAlive(url));

/** Refused naming `field`, and nothing was stored. */
async function refusedStoringNothing(send: () => Promise<Answer>, field: string, code = 'BAD_USER_INPUT') {
  const before = await count();
  expectRefused(await send(), code, field);
  expect(await count()).toBe(before);
}
const as = (query: string, variables: Record<string, unknown> = {}) => gql(url, query, variables, me.accessToken);

describe('hostile inputs: NUL and control characters', () => {
  it('NUL in description', () => refusedStoringNothing(() => as(CREATE, tx({ description: 'PADARIA\u0000' })), 'description'));
  it('NUL in notes', () => refusedStoringNothing(() => as(CREATE, tx({ notes: 'a\u0000b' })), 'notes'));
  it('NUL in an idempotency key', () => refusedStoringNothing(() => as(CREATE, tx({ idempotencyKey: 'k\u0000' })), 'idempotencyKey'));
  it('NUL in an inline literal, not a variable', () =>
    refusedStoringNothing(() => as(`mutation { createTransaction(input: { accountId: "${account}", amount: "-1.00", date: "2026-11-10", description: "A\\u0000B" }) { id } }`), 'description'));
  it('NUL in an account name', async () => expectRefused(await as('mutation ($n: String!) { createAccount(input: { name: $n, type: CASH, currency: "BRL" }) { id } }', { n: 'x\u0000' }), 'BAD_USER_INPUT', 'name'));
  it('NUL in a category name', async () => expectRefused(await as('mutation ($n: String!) { createCategory(input: { name: $n, kind: EXPENSE }) { id } }', { n: 'x\u0000' }), 'BAD_USER_INPUT', 'name'));
  it('NUL in a rule value', async () =>
    expectRefused(await as('mutation ($c: ID!) { createRule(input: { field: DESCRIPTION, operator: CONTAINS, value: "uber\\u0000", categoryId: $c }) { id } }', { c: groceries }), 'BAD_USER_INPUT', 'value'));
  it('NUL in a search filter', async () => expectRefused(await as('query ($s: String) { transactions(filter: { search: $s }) { totalCount } }', { s: '\u0000' }), 'BAD_USER_INPUT', 'search'));
  it('NUL in a currency', async () => expectRefused(await as('mutation { createAccount(input: { name: "C", type: CASH, currency: "BR\\u0000" }) { id } }'), 'BAD_USER_INPUT', 'currency'));
  it('NUL in a budget month', async () =>
    expectRefused(await as('mutation ($c: ID!) { setBudget(input: { categoryId: $c, month: "2026-1\\u0000", limit: "10", currency: "BRL" }) { id } }', { c: groceries }), 'BAD_USER_INPUT', 'month'));
  it('NUL in suggestCategories', async () => expectRefused(await as('{ suggestCategories(description: "UBER\\u0000", amount: "-10") { confidence } }'), 'BAD_USER_INPUT', 'description'));
  it('a bell character in an account name', async () => expectRefused(await as('mutation ($n: String!) { createAccount(input: { name: $n, type: CASH, currency: "BRL" }) { id } }', { n: 'ring\u0007' }), 'BAD_USER_INPUT', 'name'));
  it('keeps tabs and line breaks in notes', async () => {
    const a = await as(CREATE, tx({ notes: 'line one\n\tline two' }));
    expectClean(a);
    expect((a.json?.data?.createTransaction as { notes: string }).notes).toBe('line one\n\tline two');
  });
  it('keeps emoji, accents and right-to-left text exactly', async () => {
    const text = 'Café ☕ São João 🚀 مرحبا';
    const a = await as(CREATE, tx({ description: text }));
    expectClean(a);
    expect((a.json?.data?.createTransaction as { description: string }).description).toBe(text);
  });
  it('half a surrogate pair in a description', () => refusedStoringNothing(() => as(CREATE, tx({ description: 'A\ud800B' })), 'description'));
});

describe('hostile inputs: numbers, dates, currencies, lengths', () => {
  it('a 900,000-digit amount, quickly', async () => {
    const before = performance.now();
    await refusedStoringNothing(() => as(CREATE, tx({ amount: '9'.repeat(900_000) })), 'amount');
    expect(performance.now() - before).toBeLessThan(3_000);
  });
  it('an amount in exponent notation', () => refusedStoringNothing(() => as(CREATE, tx({ amount: '1e5' })), 'amount'));
  it('NaN as an amount', () => refusedStoringNothing(() => as(CREATE, tx({ amount: 'NaN' })), 'amount'));
  it('an empty amount', () => refusedStoringNothing(() => as(CREATE, tx({ amount: '' })), 'amount'));
  it('more decimals than the currency has', () => refusedStoringNothing(() => as(CREATE, tx({ amount: '12.345' })), 'amount'));
  it('an amount beyond 10^13', () => refusedStoringNothing(() => as(CREATE, tx({ amount: '10000000000000.01' })), 'amount'));
  it('an amount with spaces and signs inside', () => refusedStoringNothing(() => as(CREATE, tx({ amount: '- 1 0' })), 'amount'));
  it('a 30 February', () => refusedStoringNothing(() => as(CREATE, tx({ date: '2026-02-30' })), 'date'));
  it('a date that is no date', async () => expectClean(await as(CREATE, tx({ date: 'yesterday' }))));
  it('an unknown currency', async () => expectRefused(await as('mutation { createAccount(input: { name: "C", type: CASH, currency: "XXZ" }) { id } }'), 'BAD_USER_INPUT', 'currency'));
  it('an opening balance in exponent notation', async () =>
    expectRefused(await as('mutation { createAccount(input: { name: "C", type: CASH, currency: "BRL", openingBalance: "1e3" }) { id } }'), 'BAD_USER_INPUT', 'openingBalance'));
  it('month 13 in a budget', async () => expectRefused(await as('mutation ($c: ID!) { setBudget(input: { categoryId: $c, month: "2026-13", limit: "10", currency: "BRL" }) { id } }', { c: groceries }), 'BAD_USER_INPUT', 'month'));
  it('a negative budget limit', async () => expectRefused(await as('mutation ($c: ID!) { setBudget(input: { categoryId: $c, month: "2026-11", limit: "-10", currency: "BRL" }) { id } }', { c: groceries }), 'BAD_USER_INPUT', 'limit'));
  it('a 100,000-character description', () => refusedStoringNothing(() => as(CREATE, tx({ description: 'x'.repeat(100_000) })), 'description'));
  it('a 900,000-digit large-transaction threshold', async () =>
    expectRefused(await as('mutation ($a: Decimal!) { setLargeTransactionThreshold(amount: $a, currency: "BRL") { largeTransactionThresholds { amount } } }', { a: '1'.repeat(900_000) }), 'BAD_USER_INPUT', 'amount'));
  it('a negative rule bound', async () =>
    expectRefused(await as('mutation ($c: ID!) { createRule(input: { field: DESCRIPTION, operator: CONTAINS, value: "x", minAmount: "-5", categoryId: $c }) { id } }', { c: groceries }), 'BAD_USER_INPUT', 'minAmount'));
  it('a rule priority beyond 32 bits', async () =>
    expectRefused(await as('mutation ($c: ID!) { createRule(input: { field: DESCRIPTION, operator: CONTAINS, value: "x", priority: 99999999999, categoryId: $c }) { id } }', { c: groceries }), 'GRAPHQL_VALIDATION_FAILED'));
  it('a transfer to the same account', async () =>
    expectRefused(await as('mutation ($a: ID!) { createTransfer(input: { fromAccountId: $a, toAccountId: $a, amount: "1.00", date: "2026-11-10" }) { id } }', { a: account }), 'BAD_USER_INPUT', 'toAccountId'));
  it('a negative transfer', async () => {
    const second = (await ok<{ createAccount: { id: string } }>(url, 'mutation { createAccount(input: { name: "Savings", type: SAVINGS, currency: "BRL" }) { id } }', {}, me.accessToken)).createAccount.id;
    expectRefused(await as('mutation ($a: ID!, $b: ID!) { createTransfer(input: { fromAccountId: $a, toAccountId: $b, amount: "-1.00", date: "2026-11-10" }) { id } }', { a: account, b: second }), 'BAD_USER_INPUT', 'amount');
  });
  it('a 100 KB description to suggestCategories', async () => {
    const a = await as('query ($d: String!) { suggestCategories(description: $d, amount: "-10") { confidence } }', { d: 'UBER '.repeat(20_000) });
    expectClean(a);
    expect(a.ms).toBeLessThan(2_000);
  });
  it('a million suggestions', async () => expectClean(await as('{ suggestCategories(description: "UBER", amount: "-10", limit: 1000000) { confidence } }')));
});

describe('hostile inputs: pages, cursors and other users', () => {
  it('a negative page size', async () => expectRefused(await as('{ transactions(first: -1) { totalCount } }'), 'BAD_USER_INPUT', 'first'));
  it('a page of a million', async () => expectClean(await as('{ transactions(first: 1000000) { totalCount } }')));
  it('a forged cursor', async () => expectRefused(await as('{ transactions(after: "garbage") { totalCount } }'), 'BAD_USER_INPUT', 'after'));
  it('a million alerts', async () => expectClean(await as('{ alerts(first: 1000000) { id } }')));
  it('an id that is not a UUID', async () => {
    const a = await as('{ transaction(id: "1 OR 1=1") { id } account(id: "../../etc") { id } }');
    expectClean(a);
    expect(a.json?.data).toEqual({ transaction: null, account: null });
  });
  it("another user's account", async () => {
    const before = await count();
    expectRefused(await as(CREATE, tx({ accountId: otherAccount })), 'NOT_FOUND');
    expect(await count()).toBe(before);
  });
  it("another user's category", async () => {
    const { categories } = await ok<{ categories: { id: string }[] }>(url, '{ categories { id } }', {}, other.accessToken);
    const created = await ok<{ createTransaction: { id: string } }>(url, CREATE, tx({}), me.accessToken);
    expectRefused(await as('mutation ($t: ID!, $c: ID!) { categorizeTransaction(id: $t, categoryId: $c) { id } }', { t: created.createTransaction.id, c: categories[0]!.id }), 'NOT_FOUND');
  });
  it('LIKE wildcards in a search match themselves', async () => {
    await ok(url, CREATE, tx({ description: 'LOJA 100% OFF' }), me.accessToken);
    const a = await as('{ transactions(filter: { search: "%" }) { edges { node { description } } } }');
    expectClean(a);
    const found = (a.json?.data?.transactions as { edges: { node: { description: string } }[] }).edges.map((e) => e.node.description);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => d.includes('%'))).toBe(true);
  });

  it('has answered every hostile input without a 5xx or an internal error', () => {
    expect(tally).toMatchObject({ serverErrors: 0, internalErrors: 0 });
  });
});
