import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, graphql, ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';

/**
 * Categories reach the transactions and ai domains as events (budget's outbox → relay → a queue per
 * domain → its read model), never by a call to the budget subgraph. A client sees none of it: a
 * category can be used the moment createCategory has answered, and another user's stays NOT_FOUND.
 */
let system: RunningSystem;
let url: string;
let ana: Session;
let bob: Session;
beforeAll(async () => {
  system = await startSystem();
  url = system.gatewayUrl;
  [ana, bob] = await Promise.all([registerUser(url, 'ana'), registerUser(url, 'bob')]);
});
afterAll(() => system?.stop());

const createCategory = async (s: Session, name: string) =>
  (await ok<{ createCategory: { id: string; slug: string } }>(url, `mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id slug } }`, { input: { name, kind: 'EXPENSE' } }, s.accessToken)).createCategory;

const createAccount = async (s: Session) =>
  (await ok<{ createAccount: { id: string } }>(url, `mutation { createAccount(input: { name: "Main", type: CHECKING, currency: "EUR" }) { id } }`, {}, s.accessToken)).createAccount.id;

const CREATE_TX = `mutation ($input: CreateTransactionInput!) { createTransaction(input: $input) { id category { id slug } categorization { source } } }`;
const CATEGORIZE = `mutation ($id: ID!, $categoryId: ID!) { categorizeTransaction(id: $id, categoryId: $categoryId) { id category { slug } } }`;
const CREATE_RULE = `mutation ($input: RuleInput!) { createRule(input: $input) { id category { id } } }`;

describe('a custom category, right after createCategory', () => {
  it('is accepted at once by createTransaction, categorizeTransaction and createRule', async () => {
    const account = await createAccount(ana);
    const started = Date.now();
    const kids = await createCategory(ana, 'Kids & School');
    const tx = await ok<{ createTransaction: { id: string; category: { id: string; slug: string } | null } }>(
      url,
      CREATE_TX,
      { input: { accountId: account, amount: '-42.00', date: '2026-11-03', description: 'Escola Primavera', categoryId: kids.id } },
      ana.accessToken,
    );
    expect(tx.createTransaction.category).toEqual({ id: kids.id, slug: 'kids_school' });
    // A fresh category through the events path: well inside the wait, on a loaded machine too.
    expect(Date.now() - started).toBeLessThan(10_000);

    const books = await createCategory(ana, 'Books');
    const moved = await ok<{ categorizeTransaction: { category: { slug: string } } }>(url, CATEGORIZE, { id: tx.createTransaction.id, categoryId: books.id }, ana.accessToken);
    expect(moved.categorizeTransaction.category.slug).toBe('books');

    const rule = await ok<{ createRule: { category: { id: string } } }>(
      url,
      CREATE_RULE,
      { input: { field: 'DESCRIPTION', operator: 'CONTAINS', value: 'livraria', categoryId: books.id } },
      ana.accessToken,
    );
    expect(rule.createRule.category.id).toBe(books.id);
  });

  it("is NOT_FOUND to another user in every domain, though the event reached every read model", async () => {
    const secret = await createCategory(ana, 'Private Hobby');
    // Ana can use it: by now both read models have it.
    const anaAccount = await createAccount(ana);
    await ok(url, CREATE_TX, { input: { accountId: anaAccount, amount: '-1', date: '2026-11-03', description: 'x', categoryId: secret.id } }, ana.accessToken);
    await ok(url, CREATE_RULE, { input: { field: 'DESCRIPTION', operator: 'CONTAINS', value: 'hobby', categoryId: secret.id } }, ana.accessToken);

    const bobAccount = await createAccount(bob);
    const asBob = await graphql(url, CREATE_TX, { input: { accountId: bobAccount, amount: '-1', date: '2026-11-03', description: 'x', categoryId: secret.id } }, bob.accessToken);
    expect(codes(asBob)).toEqual(['NOT_FOUND']);
    const rule = await graphql(url, CREATE_RULE, { input: { field: 'DESCRIPTION', operator: 'CONTAINS', value: 'hobby', categoryId: secret.id } }, bob.accessToken);
    expect(codes(rule)).toEqual(['NOT_FOUND']);
  });

  it('needs no event for a default category: used before budget was ever asked', async () => {
    const carla = await registerUser(url, 'carla');
    const account = await createAccount(carla);
    const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, `{ categories { id slug } }`, {}, carla.accessToken);
    const fuel = categories.find((c) => c.slug === 'fuel')!;
    const tx = await ok<{ createTransaction: { category: { slug: string } } }>(
      url,
      CREATE_TX,
      { input: { accountId: account, amount: '-60', date: '2026-11-03', description: 'Posto Shell', categoryId: fuel.id } },
      carla.accessToken,
    );
    expect(tx.createTransaction.category.slug).toBe('fuel');
  });
});
