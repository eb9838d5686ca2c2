import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, graphql, ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';

let system: RunningSystem;
let url: string;
let ana: Session;
let bob: Session;
beforeAll(async () => {
  // No workers: this file tests the API itself, and background events would only add noise.
  system = await startSystem({}, { workers: false });
  url = system.gatewayUrl;
  [ana, bob] = await Promise.all([registerUser(url, 'ana'), registerUser(url, 'bob')]);
});
afterAll(() => system?.stop());

const CONTRACT_SLUGS = [
  'groceries', 'restaurants', 'transport', 'fuel', 'housing', 'home', 'utilities', 'shopping', 'clothing',
  'health', 'personal_care', 'subscriptions', 'entertainment', 'travel', 'education', 'insurance', 'fees',
  'cash', 'gifts', 'pets', 'taxes', 'loan_payments', 'gambling', 'other_expense', 'salary',
  'investment_income', 'refunds', 'other_income', 'transfer',
];

const CREATE_ACCOUNT = `mutation ($input: CreateAccountInput!) {
  createAccount(input: $input) { id name type currency archived createdAt balance { amount currency } owner { id email } }
}`;

interface Category { id: string; slug: string; name: string; kind: string; isDefault: boolean; parent: { slug: string } | null }
const categoriesOf = async (s: Session) =>
  (await ok<{ categories: Category[] }>(url, `{ categories { id slug name kind isDefault parent { slug } } }`, {}, s.accessToken)).categories;

describe('accounts', () => {
  it('creates and lists accounts with their owner, in exact money', async () => {
    const created = await ok<{ createAccount: Record<string, unknown> }>(
      url,
      CREATE_ACCOUNT,
      { input: { name: 'Nubank', type: 'CHECKING', currency: 'brl', openingBalance: '1234.5' } },
      ana.accessToken,
    );
    expect(created.createAccount).toMatchObject({
      name: 'Nubank',
      type: 'CHECKING',
      currency: 'BRL',
      archived: false,
      balance: { amount: '1234.50', currency: 'BRL' },
      owner: { id: ana.id, email: ana.email },
    });
    const yen = await ok<{ createAccount: { balance: { amount: string } } }>(
      url,
      CREATE_ACCOUNT,
      { input: { name: 'Wallet', type: 'CASH', currency: 'JPY', openingBalance: '-500' } },
      ana.accessToken,
    );
    expect(yen.createAccount.balance.amount).toBe('-500');
    const noOpening = await ok<{ createAccount: { balance: { amount: string } } }>(
      url,
      CREATE_ACCOUNT,
      { input: { name: 'Savings', type: 'SAVINGS', currency: 'USD' } },
      ana.accessToken,
    );
    expect(noOpening.createAccount.balance.amount).toBe('0.00');

    const list = await ok<{ accounts: { name: string; owner: { email: string } }[] }>(
      url,
      `{ accounts { name owner { email } } }`,
      {},
      ana.accessToken,
    );
    expect(list.accounts.map((a) => a.name)).toEqual(['Nubank', 'Wallet', 'Savings']);
    expect(new Set(list.accounts.map((a) => a.owner.email))).toEqual(new Set([ana.email]));
  });

  it('rejects bad currencies and amounts, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ currency: 'XYZ' }, 'currency'],
      [{ currency: 'BRL', openingBalance: '1.234' }, 'openingBalance'],
      [{ currency: 'JPY', openingBalance: '1.5' }, 'openingBalance'],
      [{ currency: 'BRL', openingBalance: '1e5' }, 'openingBalance'],
      [{ currency: 'BRL', openingBalance: 'NaN' }, 'openingBalance'],
      [{ currency: 'BRL', openingBalance: '' }, 'openingBalance'],
      [{ currency: 'BRL', openingBalance: '10000000000000.01' }, 'openingBalance'],
      [{ currency: 'BRL', name: '   ' }, 'name'],
    ];
    for (const [input, field] of cases) {
      const res = await graphql(url, CREATE_ACCOUNT, { input: { name: 'X', type: 'CHECKING', ...input } }, ana.accessToken);
      expect(res.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('renames and archives; archived accounts are listed only on request', async () => {
    const { createAccount } = await ok<{ createAccount: { id: string } }>(
      url,
      CREATE_ACCOUNT,
      { input: { name: 'Old card', type: 'CREDIT_CARD', currency: 'BRL' } },
      bob.accessToken,
    );
    const updated = await ok<{ updateAccount: { name: string; archived: boolean } }>(
      url,
      `mutation ($id: ID!) { updateAccount(id: $id, input: { name: "Closed card", archived: true }) { name archived } }`,
      { id: createAccount.id },
      bob.accessToken,
    );
    expect(updated.updateAccount).toEqual({ name: 'Closed card', archived: true });
    const active = await ok<{ accounts: { id: string }[] }>(url, `{ accounts { id } }`, {}, bob.accessToken);
    expect(active.accounts.map((a) => a.id)).not.toContain(createAccount.id);
    const all = await ok<{ accounts: { id: string }[] }>(url, `{ accounts(includeArchived: true) { id } }`, {}, bob.accessToken);
    expect(all.accounts.map((a) => a.id)).toContain(createAccount.id);
  });
});

describe('categories', () => {
  it('gives every user the 29 default categories of the contract', async () => {
    const categories = await categoriesOf(ana);
    expect(categories.map((c) => c.slug)).toEqual(CONTRACT_SLUGS);
    expect(categories.every((c) => c.isDefault)).toBe(true);
    expect(categories.find((c) => c.slug === 'salary')?.kind).toBe('INCOME');
    expect(categories.find((c) => c.slug === 'transfer')?.kind).toBe('TRANSFER');
    // Asking again (and concurrently) never duplicates them.
    const again = await Promise.all([categoriesOf(ana), categoriesOf(ana)]);
    expect(again.map((list) => list.length)).toEqual([29, 29]);
  });

  it('creates categories nested under a parent of the same kind', async () => {
    const parent = (await categoriesOf(ana)).find((c) => c.slug === 'restaurants')!;
    const created = await ok<{ createCategory: Category }>(
      url,
      `mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id slug name kind isDefault parent { slug } } }`,
      { input: { name: 'Café da manhã', kind: 'EXPENSE', parentId: parent.id } },
      ana.accessToken,
    );
    expect(created.createCategory).toMatchObject({ slug: 'cafe_da_manha', isDefault: false, parent: { slug: 'restaurants' } });
    expect((await categoriesOf(ana)).map((c) => c.slug)).toContain('cafe_da_manha');

    const mutation = `mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`;
    const dup = await graphql(url, mutation, { input: { name: 'Cafe da Manha', kind: 'EXPENSE' } }, ana.accessToken);
    expect(dup.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
    const wrongKind = await graphql(url, mutation, { input: { name: 'Tips', kind: 'INCOME', parentId: parent.id } }, ana.accessToken);
    expect(wrongKind.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parentId' });
    const foreignParent = await graphql(url, mutation, { input: { name: 'Mine', kind: 'EXPENSE', parentId: parent.id } }, bob.accessToken);
    expect(codes(foreignParent)).toEqual(['NOT_FOUND']);
  });
});

describe('rules', () => {
  const CREATE_RULE = `mutation ($input: RuleInput!) {
    createRule(input: $input) { id field operator value minAmount maxAmount priority category { id slug } }
  }`;

  it('creates rules with a category and lists them by priority', async () => {
    const categories = await categoriesOf(ana);
    const subscriptions = categories.find((c) => c.slug === 'subscriptions')!;
    const transport = categories.find((c) => c.slug === 'transport')!;
    await ok(url, CREATE_RULE, { input: { field: 'DESCRIPTION', operator: 'CONTAINS', value: 'NETFLIX', categoryId: subscriptions.id } }, ana.accessToken);
    const regex = await ok<{ createRule: Record<string, unknown> }>(
      url,
      CREATE_RULE,
      { input: { field: 'MERCHANT', operator: 'REGEX', value: '^uber( trip)?$', categoryId: transport.id, priority: 5, minAmount: '10', maxAmount: '99.99' } },
      ana.accessToken,
    );
    expect(regex.createRule).toMatchObject({ operator: 'REGEX', priority: 5, minAmount: '10', maxAmount: '99.99', category: { slug: 'transport' } });

    const { rules } = await ok<{ rules: { value: string; category: { slug: string } }[] }>(
      url,
      `{ rules { value category { slug } } }`,
      {},
      ana.accessToken,
    );
    expect(rules).toEqual([
      { value: '^uber( trip)?$', category: { slug: 'transport' } },
      { value: 'NETFLIX', category: { slug: 'subscriptions' } },
    ]);
  });

  it('validates rules: regex syntax, bounds, and the category', async () => {
    const category = (await categoriesOf(ana))[0]!;
    const base = { field: 'DESCRIPTION', operator: 'CONTAINS', value: 'x', categoryId: category.id };
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ operator: 'REGEX', value: '(unclosed' }, 'BAD_USER_INPUT', 'value'],
      [{ operator: 'REGEX', value: '(a)\\1' }, 'BAD_USER_INPUT', 'value'],
      [{ value: '  ' }, 'BAD_USER_INPUT', 'value'],
      [{ minAmount: '-1' }, 'BAD_USER_INPUT', 'minAmount'],
      [{ minAmount: '10', maxAmount: '5' }, 'BAD_USER_INPUT', 'maxAmount'],
      [{ maxAmount: '1e3' }, 'BAD_USER_INPUT', 'maxAmount'],
      [{ categoryId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND'],
      [{ categoryId: 'not-a-uuid' }, 'NOT_FOUND'],
    ];
    for (const [input, code, field] of cases) {
      const res = await graphql(url, CREATE_RULE, { input: { ...base, ...input } }, ana.accessToken);
      expect(res.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code, ...(field ? { field } : {}) });
    }
    // A pattern that makes backtracking engines hang is harmless with RE2.
    await ok(url, CREATE_RULE, { input: { ...base, operator: 'REGEX', value: '^(a+)+$' } }, ana.accessToken);
  });
});

describe('isolation between users', () => {
  it("treats another user's ids exactly as missing ids", async () => {
    const account = await ok<{ createAccount: { id: string } }>(
      url,
      CREATE_ACCOUNT,
      { input: { name: 'Private', type: 'CHECKING', currency: 'BRL' } },
      ana.accessToken,
    );
    const anaCategory = (await categoriesOf(ana)).find((c) => c.slug === 'groceries')!;
    const rule = await ok<{ createRule: { id: string } }>(
      url,
      `mutation ($c: ID!) { createRule(input: { field: DESCRIPTION, operator: CONTAINS, value: "MERCADO", categoryId: $c }) { id } }`,
      { c: anaCategory.id },
      ana.accessToken,
    );
    const id = account.createAccount.id;
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const target of [id, missing]) {
      expect(codes(await graphql(url, `query ($id: ID!) { account(id: $id) { id name } }`, { id: target }, bob.accessToken))).toEqual(['NOT_FOUND']);
      expect(
        codes(await graphql(url, `mutation ($id: ID!) { updateAccount(id: $id, input: { name: "mine" }) { id } }`, { id: target }, bob.accessToken)),
      ).toEqual(['NOT_FOUND']);
    }
    for (const target of [rule.createRule.id, missing]) {
      expect(codes(await graphql(url, `mutation ($id: ID!) { deleteRule(id: $id) }`, { id: target }, bob.accessToken))).toEqual(['NOT_FOUND']);
    }
    const withAnasCategory = await graphql(
      url,
      `mutation ($c: ID!) { createRule(input: { field: DESCRIPTION, operator: CONTAINS, value: "X", categoryId: $c }) { id } }`,
      { c: anaCategory.id },
      bob.accessToken,
    );
    expect(codes(withAnasCategory)).toEqual(['NOT_FOUND']);
    expect((await ok<{ rules: unknown[] }>(url, `{ rules { id } }`, {}, bob.accessToken)).rules).toEqual([]);
    // Ana still has everything, and can delete her own rule.
    expect(await ok(url, `mutation ($id: ID!) { deleteRule(id: $id) }`, { id: rule.createRule.id }, ana.accessToken)).toEqual({ deleteRule: true });
    expect(codes(await graphql(url, `mutation ($id: ID!) { deleteRule(id: $id) }`, { id: rule.createRule.id }, ana.accessToken))).toEqual(['NOT_FOUND']);
    expect((await ok<{ account: { name: string } }>(url, `query ($id: ID!) { account(id: $id) { name } }`, { id }, ana.accessToken)).account.name).toBe('Private');
  });
});
