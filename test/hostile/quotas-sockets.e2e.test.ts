import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mintToken, ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from '../support/system.js';
import { codesOf, deepSelection, deepTransactions, expectAlive, expectClean, expectRefused, gql, openSocket, send, tally, type RawSocket } from './harness.js';

/** Quotas on what a user can create or hold open, sockets, subgraphs reached directly, and races. */
let system: RunningSystem;
let url: string;
let me: Session;

beforeAll(async () => {
  system = await startSystem(
    {
      MAX_ACCOUNTS_PER_USER: '3',
      MAX_CATEGORIES_PER_USER: '2',
      MAX_BUDGETS_PER_USER: '2',
      MAX_RULES_PER_USER: '4',
      MAX_REGEX_RULES_PER_USER: '2',
      MAX_SOCKETS_PER_USER: '3',
      SUBSCRIPTIONS_PER_SOCKET: '2',
      MAX_QUERY_DEPTH: '8',
    },
    { workers: false },
  );
  url = system.gatewayUrl;
  me = await registerUser(url, 'hostile-q');
});
afterAll(() => system?.stop());
afterEach(() => expectAlive(url));

const as = (s: Session, query: string, variables: Record<string, unknown> = {}) => gql(url, query, variables, s.accessToken);
const ACCOUNT = 'mutation ($n: String!) { createAccount(input: { name: $n, type: CASH, currency: "BRL" }) { id } }';
const RULE = 'mutation ($i: RuleInput!) { createRule(input: $i) { id } }';
const categoryId = async (s: Session, slug: string) =>
  (await ok<{ categories: { id: string; slug: string }[] }>(url, '{ categories { id slug } }', {}, s.accessToken)).categories.find((c) => c.slug === slug)!.id;
const limitOf = (a: Awaited<ReturnType<typeof gql>>) => a.json?.errors?.[0]?.extensions?.limit;

describe('quotas', () => {
  it('accounts', async () => {
    const s = await registerUser(url, 'q-acc');
    for (let i = 0; i < 3; i++) expectClean(await as(s, ACCOUNT, { n: `A${i}` }));
    const a = await as(s, ACCOUNT, { n: 'one too many' });
    expectRefused(a, 'LIMIT_EXCEEDED');
    expect(limitOf(a)).toBe(3);
  });

  it('accounts created concurrently never exceed the quota', async () => {
    const s = await registerUser(url, 'q-race');
    (await Promise.all(Array.from({ length: 10 }, (_, i) => as(s, ACCOUNT, { n: `R${i}` })))).forEach(expectClean);
    expect((await ok<{ accounts: unknown[] }>(url, '{ accounts { id } }', {}, s.accessToken)).accounts).toHaveLength(3);
  });

  it('categories', async () => {
    const q = 'mutation ($n: String!) { createCategory(input: { name: $n, kind: EXPENSE }) { id } }';
    for (let i = 0; i < 2; i++) expectClean(await as(me, q, { n: `Mine ${i}` }));
    expectRefused(await as(me, q, { n: 'third' }), 'LIMIT_EXCEEDED');
  });

  it('budgets, where replacing one is no new budget', async () => {
    const q = 'mutation ($c: ID!, $m: String!) { setBudget(input: { categoryId: $c, month: $m, limit: "100", currency: "BRL" }) { id } }';
    const c = await categoryId(me, 'groceries');
    for (const m of ['2026-01', '2026-02', '2026-02']) expectClean(await as(me, q, { c, m }));
    expectRefused(await as(me, q, { c, m: '2026-03' }), 'LIMIT_EXCEEDED');
  });

  it('rules, REGEX rules and the size of a pattern', async () => {
    const s = await registerUser(url, 'q-rules');
    const c = await categoryId(s, 'transport');
    const rule = (operator: string, value: string) => as(s, RULE, { i: { field: 'DESCRIPTION', operator, value, categoryId: c } });
    expectRefused(await rule('REGEX', '(a|aa){1000}(b|bb){1000}'), 'BAD_USER_INPUT', 'value');
    expectRefused(await rule('REGEX', '(a)\\1'), 'BAD_USER_INPUT', 'value');
    expectClean(await rule('REGEX', 'uber|99 ?pop'));
    expectClean(await rule('REGEX', 'cabify'));
    expectRefused(await rule('REGEX', 'taxi'), 'LIMIT_EXCEEDED');
    expectClean(await rule('CONTAINS', 'metro'));
    expectClean(await rule('CONTAINS', 'onibus'));
    expectRefused(await rule('CONTAINS', 'trem'), 'LIMIT_EXCEEDED');
  });

  it('the worst patterns the quota allows do not stall a suggestion', async () => {
    const s = await registerUser(url, 'q-redos');
    const c = await categoryId(s, 'transport');
    for (const value of ['(a+)+$', '(x|xx)+y$']) expectClean(await as(s, RULE, { i: { field: 'DESCRIPTION', operator: 'REGEX', value, categoryId: c } }));
    const a = await as(s, 'query ($d: String!) { suggestCategories(description: $d, amount: "-10") { confidence } }', { d: `${'a'.repeat(400)}!` });
    expectClean(a);
    expect(a.ms).toBeLessThan(2_000);
  });
});

describe('sockets', () => {
  const closeOf = (s: RawSocket) => Promise.race([s.closed, new Promise<{ code: number }>((r) => setTimeout(() => r({ code: -1 }), 5_000))]);

  it('without a token: closed with 4401', async () => expect((await closeOf(await openSocket(url))).code).toBe(4401));
  it('with a forged token: closed with 4401', async () => expect((await closeOf(await openSocket(url, `${me.accessToken.slice(0, -4)}AAAA`))).code).toBe(4401));
  it('subscribing before connection_init: closed with 4401', async () => {
    const s = await openSocket(url, undefined, false);
    s.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { alertRaised { id } }' } });
    expect((await closeOf(s)).code).toBe(4401);
  });
  it('a message that is not JSON: closed with 4400', async () => {
    const s = await openSocket(url, me.accessToken);
    await s.next('connection_ack');
    s.send('{ not json');
    expect((await closeOf(s)).code).toBe(4400);
  });
  it('a message over the size limit: closed, and no internal error printed', async () => {
    const printed = vi.spyOn(console, 'error');
    try {
      const s = await openSocket(url, me.accessToken);
      await s.next('connection_ack');
      s.send({ id: '1', type: 'subscribe', payload: { query: `subscription { alertRaised { id } } # ${'x'.repeat(1_200_000)}` } });
      expect((await closeOf(s)).code).toBe(1009);
      await new Promise((r) => setTimeout(r, 100));
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
    }
  });
  it('a mutation over the socket is refused', async () => {
    const s = await openSocket(url, me.accessToken);
    await s.next('connection_ack');
    s.send({ id: '1', type: 'subscribe', payload: { query: 'mutation { logout }' } });
    expect(JSON.stringify((await s.next('error')).payload)).toMatch(/BAD_REQUEST/);
    s.close();
  });
  it('a deep subscription is refused', async () => {
    const s = await openSocket(url, me.accessToken);
    await s.next('connection_ack');
    s.send({ id: '1', type: 'subscribe', payload: { query: `subscription { transactionCategorized { ${deepSelection(12)} } }` } });
    expect(JSON.stringify((await s.next('error')).payload)).toMatch(/QUERY_TOO_DEEP/);
    s.close();
  });
  it('a duplicate subscription id: closed with 4409', async () => {
    const s = await openSocket(url, me.accessToken);
    await s.next('connection_ack');
    for (let i = 0; i < 2; i++) s.send({ id: 'same', type: 'subscribe', payload: { query: 'subscription { alertRaised { id } }' } });
    expect((await closeOf(s)).code).toBe(4409);
  });
  it('more subscriptions on one socket than allowed', async () => {
    const s = await openSocket(url, me.accessToken);
    await s.next('connection_ack');
    for (const id of ['1', '2', '3']) s.send({ id, type: 'subscribe', payload: { query: 'subscription { alertRaised { id } }' } });
    expect(JSON.stringify((await s.next('error')).payload)).toMatch(/LIMIT_EXCEEDED/);
    s.close();
  });
  it('more sockets of one user than allowed, while another user still connects', async () => {
    const u = await registerUser(url, 'q-sock');
    const held = await Promise.all(Array.from({ length: 3 }, () => openSocket(url, u.accessToken)));
    for (const s of held) await s.next('connection_ack');
    const extra = await openSocket(url, u.accessToken);
    const closed = await closeOf(extra);
    expect(closed.code).toBeGreaterThanOrEqual(4400);
    expect(closed.code).toBeLessThan(4500);
    const stranger = await openSocket(url, me.accessToken);
    await stranger.next('connection_ack');
    for (const s of [...held, stranger]) s.close();
  });
});

describe('subgraphs reached directly, and races', () => {
  it('a deep query straight to a subgraph', async () => expectRefused(await gql(system.urls.transactions, deepTransactions(40), {}, me.accessToken), 'QUERY_TOO_DEEP'));
  it('no token straight to a subgraph', async () => expectRefused(await gql(system.urls.transactions, '{ accounts { id } }'), 'UNAUTHENTICATED'));
  it('malformed JSON straight to a subgraph', async () => {
    const a = await send(system.urls.budget, '{"query":');
    expectClean(a);
    expect(a.status).toBe(400);
  });
  it("another user's account through _entities", async () => {
    const { createAccount } = await ok<{ createAccount: { id: string } }>(url, 'mutation { createAccount(input: { name: "E", type: CASH, currency: "BRL" }) { id } }', {}, (await registerUser(url, 'q-ent')).accessToken);
    const a = await gql(system.urls.transactions, 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Account { id name } } }', { r: [{ __typename: 'Account', id: createAccount.id }] }, await mintToken(randomUUID()));
    expectClean(a);
    expect(a.json?.data).toEqual({ _entities: [null] });
  });
  it('NUL straight to a subgraph', async () =>
    expectRefused(await gql(system.urls.budget, 'mutation { createCategory(input: { name: "a\\u0000", kind: EXPENSE }) { id } }', {}, me.accessToken), 'BAD_USER_INPUT', 'name'));

  it('concurrent edits of both legs of a transfer', async () => {
    const s = await registerUser(url, 'q-transfer');
    const [a, b] = await Promise.all(['A', 'B'].map(async (n) => (await ok<{ createAccount: { id: string } }>(url, `mutation { createAccount(input: { name: "${n}", type: CHECKING, currency: "BRL" }) { id } }`, {}, s.accessToken)).createAccount.id));
    const out = await ok<{ createTransfer: { id: string; transferPeer: { id: string } } }>(url, 'mutation ($a: ID!, $b: ID!) { createTransfer(input: { fromAccountId: $a, toAccountId: $b, amount: "10.00", date: "2026-11-10" }) { id transferPeer { id } } }', { a, b }, s.accessToken);
    const legs = [out.createTransfer.id, out.createTransfer.transferPeer.id];
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => as(s, 'mutation ($id: ID!, $x: Decimal!) { updateTransaction(id: $id, input: { amount: $x }) { id } }', { id: legs[i % 2], x: i % 2 ? `${11 + i}.00` : `-${11 + i}.00` })));
    answers.forEach(expectClean);
    expect(answers.filter((x) => codesOf(x).length === 0).length).toBeGreaterThan(0);
    const { transaction } = await ok<{ transaction: { amount: { amount: string }; transferPeer: { amount: { amount: string } } } }>(url, '{ transaction(id: "' + legs[0] + '") { amount { amount } transferPeer { amount { amount } } } }', {}, s.accessToken);
    expect(Number(transaction.amount.amount)).toBe(-Number(transaction.transferPeer.amount.amount));
  });

  it('twenty concurrent creates with one idempotency key store one row', async () => {
    const s = await registerUser(url, 'q-idem');
    const { createAccount } = await ok<{ createAccount: { id: string } }>(url, 'mutation { createAccount(input: { name: "I", type: CASH, currency: "BRL" }) { id } }', {}, s.accessToken);
    const input = { accountId: createAccount.id, amount: '-5.00', date: '2026-11-10', description: 'X', idempotencyKey: randomUUID() };
    const answers = await Promise.all(Array.from({ length: 20 }, () => as(s, 'mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }', { i: input })));
    answers.forEach(expectClean);
    // Every one answered (a refusal would say which code), all with the same row.
    expect(answers.map((x) => codesOf(x))).toEqual(answers.map(() => []));
    expect(new Set(answers.map((x) => (x.json?.data?.createTransaction as { id: string }).id)).size).toBe(1);
  });

  it('has answered every hostile request without a 5xx or an internal error', () => {
    expect(tally).toMatchObject({ serverErrors: 0, internalErrors: 0 });
  });
});
