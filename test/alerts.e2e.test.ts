import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Publisher } from '@centavo/pubsub';
import { codes, graphql, ok, type Session } from '@centavo/testing';
import { startAlertsFixture, type AlertsFixture } from './support/alerts-fixture.js';
import { eventually } from './support/wait.js';

let fixture: AlertsFixture;
let url: string;
let publisher: Publisher;
let ana: Session;
let bob: Session;
let account: string;
let cat: Map<string, string>;

interface Alert {
  id: string;
  type: string;
  severity: string;
  message: string;
  readAt: string | null;
  budget: { category: { slug: string } } | null;
  transaction: { amount: { amount: string } } | null;
}
const FIELDS = `id type severity message readAt budget { category { slug } } transaction { amount { amount } }`;
const ALERTS = `query ($u: Boolean) { alerts(unreadOnly: $u) { ${FIELDS} } }`;

const alertsOf = async (s: Session, unreadOnly = false) => (await ok<{ alerts: Alert[] }>(url, ALERTS, { u: unreadOnly }, s.accessToken)).alerts;

async function spend(s: Session, amount: string, slug: string | null, description = 'Restaurante') {
  await ok(
    url,
    `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
    { i: { accountId: account, amount, date: '2026-05-14', description, ...(slug ? { categoryId: cat.get(slug) } : {}) } },
    s.accessToken,
  );
}

const subscribe = (s: Session, query: string) => fixture.subscribe(s, query);

beforeAll(async () => {
  fixture = await startAlertsFixture();
  ({ url, publisher, ana, bob, account, cat } = fixture);
});
afterAll(async () => {
  await fixture?.close();
});

describe('alerts through the gateway', () => {
  it('raises one BUDGET_WARNING and one BUDGET_EXCEEDED as spending crosses 80% and 100%, live too', async () => {
    const live = subscribe(ana, `subscription { alertRaised { id type transaction { amount { amount } } } }`);
    const budgets = subscribe(ana, `subscription { budgetUpdated { category { slug } spent { amount } } }`);
    // Both subscriptions share one socket and so one Redis channel of ana's.
    await eventually(async () => ((await publisher.subscriberCount(ana.id)) > 0 ? true : undefined), 5_000, 'live subscription');
    await ok(
      url,
      `mutation ($c: ID!) { setBudget(input: { categoryId: $c, month: "2026-05", limit: "100.00", currency: "BRL" }) { id } }`,
      { c: cat.get('restaurants') },
      ana.accessToken,
    );
    await spend(ana, '-85.00', 'restaurants');
    await spend(ana, '-20.00', 'restaurants');

    const alerts = await eventually(async () => {
      const list = await alertsOf(ana);
      return list.length >= 2 ? list : undefined;
    }, 10_000, 'two alerts');
    expect(alerts.map((a) => [a.type, a.severity, a.budget?.category.slug, a.transaction?.amount.amount])).toEqual([
      ['BUDGET_EXCEEDED', 'CRITICAL', 'restaurants', '-20.00'],
      ['BUDGET_WARNING', 'WARNING', 'restaurants', '-85.00'],
    ]);
    expect(alerts[1]?.message).toBe('Restaurants & takeout budget for 2026-05 is at 85% (85.00 of 100.00 BRL)');

    await eventually(async () => (live.length >= 2 ? true : undefined), 5_000, 'alertRaised events');
    const raised = live.map((e) => (e.data as { alertRaised: { id: string; type: string; transaction: { amount: { amount: string } } } }).alertRaised);
    expect(raised.map((a) => [a.id, a.type, a.transaction.amount.amount]).sort()).toEqual(
      alerts.map((a) => [a.id, a.type, a.transaction?.amount.amount]).sort(),
    );
    await eventually(
      async () => (budgets.some((e) => JSON.stringify(e).includes('"105.00"')) ? true : undefined),
      5_000,
      'budgetUpdated at 105.00',
    );
    expect(budgets[0]).toMatchObject({ data: { budgetUpdated: { category: { slug: 'restaurants' } } } });
    expect(await alertsOf(ana)).toHaveLength(2);
  });

  it('marks alerts read, lists unread ones, and raises LARGE_TRANSACTION for a big purchase', async () => {
    const [exceeded, warning] = await alertsOf(ana);
    const MARK = `mutation ($id: ID!) { markAlertRead(id: $id) { id readAt } }`;
    const marked = await ok<{ markAlertRead: { readAt: string } }>(url, MARK, { id: warning!.id }, ana.accessToken);
    expect(marked.markAlertRead.readAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(await ok(url, MARK, { id: warning!.id }, ana.accessToken)).toEqual(marked);
    expect((await alertsOf(ana, true)).map((a) => a.id)).toEqual([exceeded!.id]);

    await spend(ana, '-1500.00', null, 'Notebook');
    const large = await eventually(async () => (await alertsOf(ana)).find((a) => a.type === 'LARGE_TRANSACTION'), 10_000, 'large alert');
    expect(large).toMatchObject({ severity: 'INFO', budget: null, transaction: { amount: { amount: '-1500.00' } } });
    expect(large.message).toBe('Large transaction: 1500.00 BRL on 2026-05-14 (Notebook)');
  });

  it("keeps alerts private: another user's alert is NOT_FOUND and their list is empty", async () => {
    const [alert] = await alertsOf(ana);
    const one = await graphql(url, `query ($id: ID!) { alert(id: $id) { id message } }`, { id: alert!.id }, bob.accessToken);
    expect(codes(one)).toEqual(['NOT_FOUND']);
    const mark = await graphql(url, `mutation ($id: ID!) { markAlertRead(id: $id) { id } }`, { id: alert!.id }, bob.accessToken);
    expect(codes(mark)).toEqual(['NOT_FOUND']);
    expect(await alertsOf(bob)).toEqual([]);
    expect(codes(await graphql(url, ALERTS, { u: false }))).toEqual(['UNAUTHENTICATED']);
  });
});
