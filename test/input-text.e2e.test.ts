import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, graphql, ok, registerUser, uniqueEmail, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';

let system: RunningSystem;
let user: Session;
let accountId: string;
let categoryId: string;
beforeAll(async () => {
  system = await startSystem({}, { workers: false });
  user = await registerUser(system.gatewayUrl, 'nul');
  ({ createAccount: { id: accountId } } = await ok<{ createAccount: { id: string } }>(
    system.gatewayUrl,
    `mutation { createAccount(input: { name: "Conta", type: CHECKING, currency: "BRL" }) { id } }`,
    {},
    user.accessToken,
  ));
  const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(system.gatewayUrl, `{ categories { id slug } }`, {}, user.accessToken);
  categoryId = categories.find((c) => c.slug !== 'transfer')!.id;
});
afterAll(() => system?.stop());

type Target = 'gateway' | 'auth' | 'transactions' | 'budget' | 'ai';
const urlOf = (target: Target) => (target === 'gateway' ? system.gatewayUrl : system.urls[target]);

/** What the user has stored, through the gateway: must not change after a refused request. */
async function stored(): Promise<unknown> {
  return ok(
    system.gatewayUrl,
    `{ accounts(includeArchived: true) { id name } transactions(first: 200) { totalCount } categories { id } rules { id } }`,
    {},
    user.accessToken,
  );
}

const NUL = '\u0000';

interface Case {
  name: string;
  subgraph: Target;
  field: string;
  query: string;
  variables: (bad: string) => Record<string, unknown>;
  token?: boolean;
}

const CASES: Case[] = [
  {
    name: 'description',
    subgraph: 'transactions',
    field: 'description',
    query: `mutation ($input: CreateTransactionInput!) { createTransaction(input: $input) { id } }`,
    variables: (bad) => ({ input: { accountId, amount: '-1.00', date: '2026-04-01', description: bad } }),
  },
  {
    name: 'notes',
    subgraph: 'transactions',
    field: 'notes',
    query: `mutation ($input: CreateTransactionInput!) { createTransaction(input: $input) { id } }`,
    variables: (bad) => ({ input: { accountId, amount: '-1.00', date: '2026-04-01', description: 'Padaria', notes: bad } }),
  },
  {
    name: 'idempotency key',
    subgraph: 'transactions',
    field: 'idempotencyKey',
    query: `mutation ($input: CreateTransactionInput!) { createTransaction(input: $input) { id } }`,
    variables: (bad) => ({ input: { accountId, amount: '-1.00', date: '2026-04-01', description: 'Padaria', idempotencyKey: bad } }),
  },
  {
    name: 'account name',
    subgraph: 'transactions',
    field: 'name',
    query: `mutation ($input: CreateAccountInput!) { createAccount(input: $input) { id } }`,
    variables: (bad) => ({ input: { name: bad, type: 'CASH', currency: 'BRL' } }),
  },
  {
    name: 'search filter',
    subgraph: 'transactions',
    field: 'search',
    query: `query ($f: TransactionFilter) { transactions(filter: $f) { totalCount } }`,
    variables: (bad) => ({ f: { search: bad } }),
  },
  {
    name: 'category name',
    subgraph: 'budget',
    field: 'name',
    query: `mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`,
    variables: (bad) => ({ input: { name: bad, kind: 'EXPENSE' } }),
  },
  {
    name: 'rule value',
    subgraph: 'ai',
    field: 'value',
    query: `mutation ($input: RuleInput!) { createRule(input: $input) { id } }`,
    variables: (bad) => ({ input: { field: 'DESCRIPTION', operator: 'CONTAINS', value: bad, categoryId } }),
  },
  {
    name: 'suggestCategories description',
    subgraph: 'ai',
    field: 'description',
    query: `query ($d: String!) { suggestCategories(description: $d, amount: "-10.00") { confidence } }`,
    variables: (bad) => ({ d: bad }),
  },
  {
    name: 'email at login',
    subgraph: 'auth',
    field: 'email',
    query: `mutation ($input: LoginInput!) { login(input: $input) { accessToken } }`,
    variables: (bad) => ({ input: { email: `${bad}@example.com`, password: 'correct horse battery' } }),
    token: false,
  },
];

describe('NUL and other control characters in text inputs', () => {
  for (const target of ['gateway', 'subgraph'] as const) {
    for (const c of CASES) {
      it(`refuses a ${c.name} with NUL ${target === 'gateway' ? 'through the gateway' : 'sent straight to the subgraph'}`, async () => {
        const url = urlOf(target === 'gateway' ? 'gateway' : c.subgraph);
        const before = await stored();
        for (const bad of [`a${NUL}b`, `bell\u0007`, `${NUL}`]) {
          const res = await graphql(url, c.query, c.variables(bad), c.token === false ? undefined : user.accessToken);
          expect(codes(res), bad).toEqual(['BAD_USER_INPUT']);
          expect(res.errors?.[0]?.extensions?.field).toBe(c.field);
          expect(res.status).toBe(400);
        }
        expect(await stored()).toEqual(before);
      });
    }
  }

  it('refuses NUL in an inline literal too, through the gateway and straight to the subgraph', async () => {
    for (const url of [system.gatewayUrl, system.urls.transactions]) {
      const res = await graphql(
        url,
        `mutation { createTransaction(input: { accountId: "${accountId}", amount: "-1.00", date: "2026-04-01", description: "x\\u0000y" }) { id } }`,
        {},
        user.accessToken,
      );
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors?.[0]?.extensions?.field).toBe('description');
    }
  });

  it('stores nothing for a registration with NUL in its email, password or name', async () => {
    for (const url of [system.gatewayUrl, system.urls.auth]) {
      const email = uniqueEmail('reg');
      const register = (input: Record<string, string>) =>
        graphql(url, `mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }`, { input: { email, password: 'long enough', name: 'Reg', ...input } });
      for (const [field, input] of [['email', { email: `${NUL}${email}` }], ['password', { password: `long${NUL}enough` }], ['name', { name: `R${NUL}` }]] as const) {
        const res = await register(input);
        expect(codes(res), field).toEqual(['BAD_USER_INPUT']);
        expect(res.errors?.[0]?.extensions?.field).toBe(field);
      }
      // The email was never taken.
      expect(codes(await register({}))).toEqual([]);
    }
  });

  it('refuses an over-long search or cursor, naming it', async () => {
    for (const url of [system.gatewayUrl, system.urls.transactions]) {
      const search = await graphql(url, `query ($f: TransactionFilter) { transactions(filter: $f) { totalCount } }`, { f: { search: 'x'.repeat(10_000) } }, user.accessToken);
      expect(search.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'search' });
      const after = await graphql(url, `query ($a: String) { transactions(after: $a) { totalCount } }`, { a: 'A'.repeat(100_000) }, user.accessToken);
      expect(after.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });

  it('refuses a 900,000-digit amount on every Decimal input, quickly and without echoing it', async () => {
    const huge = '9'.repeat(900_000);
    const cases: [Target, string, string, Record<string, unknown>][] = [
      ['transactions', 'amount', `mutation ($a: Decimal!) { createTransaction(input: { accountId: "${accountId}", amount: $a, date: "2026-04-01", description: "x" }) { id } }`, { a: `-${huge}` }],
      ['transactions', 'openingBalance', `mutation ($a: Decimal!) { createAccount(input: { name: "Big", type: CASH, currency: "BRL", openingBalance: $a }) { id } }`, { a: huge }],
      ['budget', 'limit', `mutation ($a: Decimal!) { setBudget(input: { categoryId: "${categoryId}", month: "2026-04", limit: $a, currency: "BRL" }) { id } }`, { a: huge }],
      ['budget', 'amount', `mutation ($a: Decimal!) { setLargeTransactionThreshold(amount: $a, currency: "BRL") { largeTransactionThreshold(currency: "BRL") { amount } } }`, { a: huge }],
      ['ai', 'minAmount', `mutation ($a: Decimal!) { createRule(input: { field: DESCRIPTION, operator: CONTAINS, value: "x", minAmount: $a, categoryId: "${categoryId}" }) { id } }`, { a: huge }],
      ['ai', 'amount', `query ($a: Decimal!) { suggestCategories(description: "x", amount: $a) { confidence } }`, { a: huge }],
    ];
    const before = await stored();
    for (const [subgraph, field, query, variables] of cases) {
      for (const url of [system.gatewayUrl, urlOf(subgraph)]) {
        const started = Date.now();
        const res = await graphql(url, query, variables, user.accessToken);
        expect(res.errors?.[0]?.extensions, field).toMatchObject({ code: 'BAD_USER_INPUT', field });
        expect(res.errors?.[0]?.message.length).toBeLessThan(300);
        // Generous: only work proportional to the digits would come near it.
        expect(Date.now() - started).toBeLessThan(5_000);
      }
    }
    expect(await stored()).toEqual(before);
  });

  it('keeps tab, line feed and carriage return', async () => {
    const { createTransaction } = await ok<{ createTransaction: { notes: string } }>(
      system.urls.transactions,
      `mutation ($input: CreateTransactionInput!) { createTransaction(input: $input) { notes } }`,
      { input: { accountId, amount: '-2.00', date: '2026-04-02', description: 'Feira\tlivre', notes: 'linha 1\r\nlinha 2' } },
      user.accessToken,
    );
    expect(createTransaction.notes).toBe('linha 1\r\nlinha 2');
  });
});
