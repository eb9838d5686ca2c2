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

/** Today's date (UTC) moved by `days`, as the worker sees "today". */
const day = (days: number) => {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
const nextMonth = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const next = new Date(Date.UTC(y, m, Math.min(d, last)));
  return next.toISOString().slice(0, 10);
};

interface Bill {
  id: string;
  name: string;
  payee: string;
  period: string;
  amount: { amount: string; currency: string };
  category: { slug: string } | null;
  lastDate: string | null;
  nextDate: string;
  status: string;
  source: string;
  remindDaysBefore: number;
}
const BILL = `id name payee period amount { amount currency } category { slug } lastDate nextDate status source remindDaysBefore`;
const BILLS = `query ($s: RecurringBillStatus) { recurringBills(status: $s) { ${BILL} } }`;
const UPCOMING = `query ($d: Int!) { upcomingBills(days: $d) { id name nextDate } }`;
const CREATE = `mutation ($i: CreateRecurringBillInput!) { createRecurringBill(input: $i) { ${BILL} } }`;
const ALERTS = `{ alerts(first: 200) { id type severity message bill { id name } transaction { amount { amount } } } }`;

interface AlertView {
  id: string;
  type: string;
  severity: string;
  message: string;
  bill: { id: string; name: string } | null;
  transaction: { amount: { amount: string } } | null;
}

const billsOf = async (s: Session, status?: string) => (await ok<{ recurringBills: Bill[] }>(url, BILLS, { s: status ?? null }, s.accessToken)).recurringBills;
const alertsOf = async (s: Session) => (await ok<{ alerts: AlertView[] }>(url, ALERTS, {}, s.accessToken)).alerts;

async function pay(s: Session, amount: string, date: string, description: string, slug?: string): Promise<string> {
  const created = await ok<{ createTransaction: { id: string } }>(
    url,
    `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
    { i: { accountId: account, amount, date, description, ...(slug ? { categoryId: cat.get(slug) } : {}) } },
    s.accessToken,
  );
  return created.createTransaction.id;
}

const subscribe = (s: Session, query: string) => fixture.subscribe(s, query);

const raisedOf = (events: Record<string, unknown>[]) =>
  events.map((e) => (e.data as { alertRaised: { id: string; type: string; message: string; bill: { name: string } | null } }).alertRaised);

beforeAll(async () => {
  // The reminder scan every 200 ms, so BILL_DUE arrives within the test.
  fixture = await startAlertsFixture({ BILL_REMINDER_INTERVAL_MS: '200' });
  ({ url, publisher, ana, bob, account, cat } = fixture);
});
afterAll(async () => {
  await fixture?.close();
});

describe('recurring bills through the gateway', () => {
  let live: Record<string, unknown>[];
  let streamflix: Bill;

  it('suggests a monthly bill from three payments to one payee, and nothing for irregular or too few payments', async () => {
    live = subscribe(ana, `subscription { alertRaised { id type message bill { name } } }`);
    await eventually(async () => ((await publisher.subscriberCount(ana.id)) > 0 ? true : undefined), 5_000, 'live subscription');
    await pay(ana, '-39.90', day(-65), 'Streamflix 0921', 'subscriptions');
    await pay(ana, '-39.90', day(-35), 'Streamflix 1021', 'subscriptions');
    // Irregular: 1 and 20 days apart.
    await pay(ana, '-12.00', day(-30), 'Padaria Central');
    await pay(ana, '-15.00', day(-29), 'Padaria Central');
    await pay(ana, '-11.00', day(-9), 'Padaria Central');
    // Regular but only two payments.
    await pay(ana, '-99.00', day(-40), 'Academia Forte');
    await pay(ana, '-99.00', day(-10), 'Academia Forte');
    await pay(ana, '-41.00', day(-5), 'STREAMFLIX 1121', 'subscriptions');

    const [bill] = await eventually(async () => {
      const list = await billsOf(ana, 'SUGGESTED');
      return list.length > 0 ? list : undefined;
    }, 15_000, 'a suggestion');
    streamflix = bill!;
    expect(streamflix).toMatchObject({
      name: 'STREAMFLIX 1121',
      payee: 'STREAMFLIX',
      period: 'MONTHLY',
      amount: { amount: '39.90', currency: 'BRL' },
      category: { slug: 'subscriptions' },
      lastDate: day(-5),
      nextDate: nextMonth(day(-5)),
      status: 'SUGGESTED',
      source: 'DETECTED',
      remindDaysBefore: 3,
    });
    // Every payment has been applied (the last one created the suggestion): still only one.
    expect((await billsOf(ana)).map((b) => b.payee)).toEqual(['STREAMFLIX']);
    // Suggestions are not due.
    expect((await ok<{ upcomingBills: unknown[] }>(url, UPCOMING, { d: 60 }, ana.accessToken)).upcomingBills).toEqual([]);
  });

  it('confirms a suggestion, lists it as upcoming, and raises RECURRING_AMOUNT_CHANGED when a payment costs more', async () => {
    const confirmed = await ok<{ confirmRecurringBill: Bill }>(url, `mutation ($id: ID!) { confirmRecurringBill(id: $id) { ${BILL} } }`, { id: streamflix.id }, ana.accessToken);
    expect(confirmed.confirmRecurringBill).toMatchObject({ id: streamflix.id, status: 'CONFIRMED', source: 'DETECTED' });
    const within = (await ok<{ upcomingBills: { id: string }[] }>(url, UPCOMING, { d: 40 }, ana.accessToken)).upcomingBills;
    expect(within.map((b) => b.id)).toEqual([streamflix.id]);
    expect((await ok<{ upcomingBills: unknown[] }>(url, UPCOMING, { d: 7 }, ana.accessToken)).upcomingBills).toEqual([]);

    const dearer = await pay(ana, '-49.90', day(0), 'Streamflix 1221', 'subscriptions');
    const alert = await eventually(async () => (await alertsOf(ana)).find((a) => a.type === 'RECURRING_AMOUNT_CHANGED'), 15_000, 'amount alert');
    expect(alert).toMatchObject({
      severity: 'WARNING',
      bill: { id: streamflix.id, name: 'STREAMFLIX 1121' },
      transaction: { amount: { amount: '-49.90' } },
      message: `STREAMFLIX 1121 got dearer: 49.90 BRL on ${day(0)}, expected 39.90 BRL`,
    });
    await eventually(async () => (raisedOf(live).some((a) => a.id === alert.id) ? true : undefined), 5_000, 'alertRaised of the amount change');
    expect(raisedOf(live).find((a) => a.id === alert.id)).toMatchObject({ type: 'RECURRING_AMOUNT_CHANGED', bill: { name: 'STREAMFLIX 1121' } });
    // The bill moved on with the payment and expects the new price.
    const [bill] = await eventually(async () => {
      const list = await billsOf(ana, 'CONFIRMED');
      return list[0]?.lastDate === day(0) ? list : undefined;
    }, 5_000, 'bill advanced');
    expect(bill).toMatchObject({ amount: { amount: '49.90' }, lastDate: day(0), nextDate: nextMonth(day(0)) });
    expect(dearer).toBeTruthy();
    // A payment at the new price is no change.
    await pay(ana, '-49.90', day(1), 'Streamflix 0122', 'subscriptions');
    await eventually(async () => ((await billsOf(ana, 'CONFIRMED'))[0]?.lastDate === day(1) ? true : undefined), 10_000, 'second advance');
    expect((await alertsOf(ana)).filter((a) => a.type === 'RECURRING_AMOUNT_CHANGED')).toHaveLength(1);
  });

  it('creates a bill by hand and raises BILL_DUE once, remindDaysBefore days before it is due, over alertRaised', async () => {
    const created = await ok<{ createRecurringBill: Bill }>(
      url,
      CREATE,
      { i: { name: '  Aluguel   apto ', period: 'MONTHLY', amount: '1500.00', currency: 'brl', nextDate: day(2), categoryId: cat.get('housing'), remindDaysBefore: 3 } },
      ana.accessToken,
    );
    const rent = created.createRecurringBill;
    expect(rent).toMatchObject({
      name: 'Aluguel apto',
      payee: 'ALUGUEL APTO',
      period: 'MONTHLY',
      amount: { amount: '1500.00', currency: 'BRL' },
      category: { slug: 'housing' },
      lastDate: null,
      nextDate: day(2),
      status: 'CONFIRMED',
      source: 'MANUAL',
      remindDaysBefore: 3,
    });
    // Not due yet: a bill 20 days away with the default 3 days' notice.
    const later = await ok<{ createRecurringBill: Bill }>(
      url,
      CREATE,
      { i: { name: 'Seguro Carro', period: 'YEARLY', amount: '2400.00', currency: 'BRL', nextDate: day(20) } },
      ana.accessToken,
    );
    expect(later.createRecurringBill.remindDaysBefore).toBe(3);

    await eventually(async () => (raisedOf(live).some((a) => a.type === 'BILL_DUE') ? true : undefined), 10_000, 'BILL_DUE over alertRaised');
    const due = raisedOf(live).filter((a) => a.type === 'BILL_DUE');
    expect(due).toEqual([expect.objectContaining({ message: `Bill due: Aluguel apto, 1500.00 BRL on ${day(2)}`, bill: { name: 'Aluguel apto' } })]);
    // Several more scans later, still once.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const stored = (await alertsOf(ana)).filter((a) => a.type === 'BILL_DUE');
    expect(stored.map((a) => [a.severity, a.bill?.id])).toEqual([['INFO', rent.id]]);
    expect(raisedOf(live).filter((a) => a.type === 'BILL_DUE')).toHaveLength(1);

    // Streamflix, last paid tomorrow's date, is due about a month after it.
    const upcoming = (await ok<{ upcomingBills: { name: string; nextDate: string }[] }>(url, UPCOMING, { d: 40 }, ana.accessToken)).upcomingBills;
    expect(upcoming.map((b) => b.name)).toEqual(['Aluguel apto', 'Seguro Carro', 'STREAMFLIX 1121']);
    const soon = (await ok<{ upcomingBills: { name: string; nextDate: string }[] }>(url, UPCOMING, { d: 20 }, ana.accessToken)).upcomingBills;
    expect(soon.map((b) => [b.name, b.nextDate])).toEqual([['Aluguel apto', day(2)], ['Seguro Carro', day(20)]]);
    expect((await ok<{ upcomingBills: { name: string }[] }>(url, UPCOMING, { d: 0 }, ana.accessToken)).upcomingBills).toEqual([]);

    // Paying the rent moves it to next month: a new due date is a new reminder, later.
    await pay(ana, '-1500.00', day(1), 'ALUGUEL APTO 12/2026', 'housing');
    await eventually(async () => ((await billsOf(ana, 'CONFIRMED')).find((b) => b.id === rent.id)?.lastDate === day(1) ? true : undefined), 10_000, 'rent paid');
    expect((await billsOf(ana, 'CONFIRMED')).find((b) => b.id === rent.id)?.nextDate).toBe(nextMonth(day(1)));
  });

  it('dismisses a suggestion for good, and updates and deletes bills', async () => {
    await pay(ana, '-30.00', day(-15), 'Feira do Bairro');
    await pay(ana, '-32.00', day(-8), 'Feira do Bairro');
    await pay(ana, '-29.00', day(-1), 'Feira do Bairro');
    const [feira] = await eventually(async () => {
      const list = await billsOf(ana, 'SUGGESTED');
      return list.length > 0 ? list : undefined;
    }, 15_000, 'weekly suggestion');
    expect(feira).toMatchObject({ payee: 'FEIRA DO BAIRRO', period: 'WEEKLY', amount: { amount: '30.00' }, nextDate: day(6) });
    const dismissed = await ok<{ dismissRecurringBill: Bill }>(url, `mutation ($id: ID!) { dismissRecurringBill(id: $id) { status } }`, { id: feira!.id }, ana.accessToken);
    expect(dismissed.dismissRecurringBill.status).toBe('DISMISSED');
    await pay(ana, '-31.00', day(6), 'Feira do Bairro');
    const detected = await ok<{ detectRecurringBills: Bill[] }>(url, `mutation { detectRecurringBills { id } }`, {}, ana.accessToken);
    expect(detected.detectRecurringBills).toEqual([]);
    expect(await billsOf(ana, 'SUGGESTED')).toEqual([]);
    expect((await billsOf(ana, 'DISMISSED')).map((b) => b.id)).toEqual([feira!.id]);

    const updated = await ok<{ updateRecurringBill: Bill }>(
      url,
      `mutation ($id: ID!, $i: UpdateRecurringBillInput!) { updateRecurringBill(id: $id, input: $i) { ${BILL} } }`,
      { id: streamflix.id, i: { name: 'Streamflix', remindDaysBefore: 5, categoryId: null } },
      ana.accessToken,
    );
    expect(updated.updateRecurringBill).toMatchObject({ name: 'Streamflix', payee: 'STREAMFLIX', remindDaysBefore: 5, category: null, amount: { amount: '49.90' } });

    const DELETE = `mutation ($id: ID!) { deleteRecurringBill(id: $id) }`;
    expect(await ok(url, DELETE, { id: feira!.id }, ana.accessToken)).toEqual({ deleteRecurringBill: true });
    expect(codes(await graphql(url, `query ($id: ID!) { recurringBill(id: $id) { id } }`, { id: feira!.id }, ana.accessToken))).toEqual(['NOT_FOUND']);
    expect(codes(await graphql(url, DELETE, { id: feira!.id }, ana.accessToken))).toEqual(['NOT_FOUND']);
  });

  it("keeps bills private: another user's bill is NOT_FOUND everywhere and their lists are empty", async () => {
    const id = streamflix.id;
    const asBob = (query: string, variables: Record<string, unknown> = { id }) => graphql(url, query, variables, bob.accessToken);
    expect(codes(await asBob(`query ($id: ID!) { recurringBill(id: $id) { id } }`))).toEqual(['NOT_FOUND']);
    expect(codes(await asBob(`mutation ($id: ID!) { confirmRecurringBill(id: $id) { id } }`))).toEqual(['NOT_FOUND']);
    expect(codes(await asBob(`mutation ($id: ID!) { dismissRecurringBill(id: $id) { id } }`))).toEqual(['NOT_FOUND']);
    expect(codes(await asBob(`mutation ($id: ID!) { deleteRecurringBill(id: $id) }`))).toEqual(['NOT_FOUND']);
    expect(codes(await asBob(`mutation ($id: ID!) { updateRecurringBill(id: $id, input: { name: "Mine" }) { id } }`))).toEqual(['NOT_FOUND']);
    expect(codes(await asBob(`mutation { confirmRecurringBill(id: "not-a-uuid") { id } }`, {}))).toEqual(['NOT_FOUND']);
    expect(await billsOf(bob)).toEqual([]);
    expect((await ok<{ upcomingBills: unknown[] }>(url, UPCOMING, { d: 366 }, bob.accessToken)).upcomingBills).toEqual([]);
    expect((await ok<{ detectRecurringBills: unknown[] }>(url, `mutation { detectRecurringBills { id } }`, {}, bob.accessToken)).detectRecurringBills).toEqual([]);
    // Ana's bill is untouched.
    expect((await billsOf(ana, 'CONFIRMED')).find((b) => b.id === id)).toMatchObject({ status: 'CONFIRMED', name: 'Streamflix' });
    expect(codes(await graphql(url, BILLS, { s: null }))).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses bad input with BAD_USER_INPUT (and CONFLICT for a second confirmed bill of one payee), changing nothing', async () => {
    const before = await billsOf(ana);
    const base = { name: 'Internet Fibra', period: 'MONTHLY', amount: '99.90', currency: 'BRL', nextDate: day(10) };
    const bad: [Record<string, unknown>, string][] = [
      [{ amount: '0' }, 'amount'],
      [{ amount: '-10.00' }, 'amount'],
      [{ amount: '9.999' }, 'amount'],
      [{ currency: 'XYZ' }, 'currency'],
      [{ name: '   ' }, 'name'],
      [{ name: '12345 678' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ nextDate: '2026-02-30' }, 'nextDate'],
      [{ nextDate: '2099-01-01' }, 'nextDate'],
      [{ remindDaysBefore: 61 }, 'remindDaysBefore'],
      [{ remindDaysBefore: -1 }, 'remindDaysBefore'],
      [{ categoryId: cat.get('transfer') }, 'categoryId'],
    ];
    for (const [change, field] of bad) {
      const result = await graphql(url, CREATE, { i: { ...base, ...change } }, ana.accessToken);
      expect(codes(result), JSON.stringify(change)).toEqual(['BAD_USER_INPUT']);
      expect((result.errors?.[0]?.extensions as { field?: string }).field, JSON.stringify(change)).toBe(field);
    }
    expect(codes(await graphql(url, CREATE, { i: { ...base, categoryId: '00000000-0000-4000-8000-000000000000' } }, ana.accessToken))).toEqual(['NOT_FOUND']);
    expect(codes(await graphql(url, CREATE, { i: { ...base, name: 'streamflix!' } }, ana.accessToken))).toEqual(['CONFLICT']);
    expect(codes(await graphql(url, UPCOMING, { d: -1 }, ana.accessToken))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await graphql(url, UPCOMING, { d: 367 }, ana.accessToken))).toEqual(['BAD_USER_INPUT']);
    const UPDATE = `mutation ($id: ID!, $i: UpdateRecurringBillInput!) { updateRecurringBill(id: $id, input: $i) { id } }`;
    expect(codes(await graphql(url, UPDATE, { id: streamflix.id, i: { amount: 'abc' } }, ana.accessToken))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await graphql(url, UPDATE, { id: streamflix.id, i: { nextDate: 'tomorrow' } }, ana.accessToken))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await graphql(url, CREATE, { i: { ...base, period: 'DAILY' } }, ana.accessToken))).toEqual(['BAD_USER_INPUT']);
    expect(await billsOf(ana)).toEqual(before);
  });
});
