import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes } from '@centavo/testing';
import { newUser, setBudget, snapshot, type TestUser } from './factories.js';
import { ALERT_FIELDS, alertsOf, startLive, type AlertView, type LiveHarness } from './live.js';

let h: LiveHarness;
let ana: TestUser;
let bob: TestUser;
let budgetId: string;
let warning: AlertView;
let large: AlertView;
beforeAll(async () => {
  h = await startLive();
  [ana, bob] = await Promise.all([newUser(h.server.url), newUser(h.server.url)]);
  budgetId = (await setBudget(ana, { categoryId: ana.category.groceries!, month: '2026-11', limit: '100' })).id;
  await h.apply(snapshot(ana.id, { categoryId: ana.category.groceries!, amountMinor: '-9000', date: '2026-11-02' }));
  await h.apply(snapshot(ana.id, { amountMinor: '-250000', date: '2026-11-03' }));
  [large, warning] = (await alertsOf(ana)) as [AlertView, AlertView];
});
afterAll(() => h?.stop());

const MARK = `mutation ($id: ID!) { markAlertRead(id: $id) { id readAt } }`;
const ONE = `query ($id: ID!) { alert(id: $id) { ${ALERT_FIELDS} } }`;

describe('the alerts API', () => {
  it('lists the caller\'s alerts newest first, with their budget and transaction', async () => {
    expect([large.type, warning.type]).toEqual(['LARGE_TRANSACTION', 'BUDGET_WARNING']);
    expect(warning).toMatchObject({ severity: 'WARNING', budget: { id: budgetId, month: '2026-11', category: { slug: 'groceries' } } });
    expect(large).toMatchObject({ severity: 'INFO', budget: null, transaction: { id: expect.any(String) } });
    expect(new Date(large.createdAt).toISOString()).toBe(large.createdAt);
    expect(await alertsOf(ana, { first: 1 })).toEqual([large]);
    expect(await ana.query(ONE, { id: warning.id })).toEqual({ alert: warning });
  });

  it('marks an alert read once, keeping the first readAt, and filters unread ones', async () => {
    const first = await ana.query<{ markAlertRead: { readAt: string } }>(MARK, { id: warning.id });
    expect(Date.parse(first.markAlertRead.readAt)).toBeGreaterThan(Date.parse(warning.createdAt) - 1);
    await new Promise((r) => setTimeout(r, 10));
    expect(await ana.query(MARK, { id: warning.id })).toEqual(first);
    expect((await alertsOf(ana, { unreadOnly: true })).map((a) => a.id)).toEqual([large.id]);
    expect((await alertsOf(ana)).map((a) => a.readAt)).toEqual([null, first.markAlertRead.readAt]);
  });

  it('keeps alerts private: another user\'s, a missing and a malformed id are NOT_FOUND', async () => {
    for (const id of [warning.id, randomUUID(), 'nope']) {
      expect(codes(await bob.raw(ONE, { id })), id).toEqual(['NOT_FOUND']);
      expect(codes(await bob.raw(MARK, { id })), id).toEqual(['NOT_FOUND']);
    }
    expect(await alertsOf(bob)).toEqual([]);
    const entities = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Alert { id message } } }`;
    const refs = { r: [{ __typename: 'Alert', id: large.id }] };
    expect((await bob.query<{ _entities: unknown[] }>(entities, refs))._entities).toEqual([null]);
    expect((await ana.query<{ _entities: unknown[] }>(entities, refs))._entities).toEqual([{ id: large.id, message: large.message }]);
  });

  it('rejects a page size outside 1..200, naming first', async () => {
    for (const first of [0, -1, 201]) {
      const res = await ana.raw(`query ($f: Int) { alerts(first: $f) { id } }`, { f: first });
      expect(res.errors?.[0]?.extensions, String(first)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    }
    expect(await alertsOf(ana, { first: 200 })).toHaveLength(2);
  });

  it('shows no budget once the budget is deleted, and keeps the alert', async () => {
    const u = await newUser(h.server.url);
    const budget = await setBudget(u, { categoryId: u.category.pets!, month: '2026-11', limit: '10' });
    await h.apply(snapshot(u.id, { categoryId: u.category.pets!, amountMinor: '-1000' }));
    await u.query(`mutation ($id: ID!) { deleteBudget(id: $id) }`, { id: budget.id });
    expect((await alertsOf(u)).map((a) => [a.type, a.budget]).sort()).toEqual([
      ['BUDGET_EXCEEDED', null],
      ['BUDGET_WARNING', null],
    ]);
  });
});
