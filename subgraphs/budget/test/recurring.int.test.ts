import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Publisher } from '@centavo/pubsub';
import { remindDueBills } from '../src/modules/recurring/bill-reminders.js';
import { formatDay, parseDay } from '../src/modules/spending/periods.js';
import { event, newUser, snapshot, testDomain, testRun, type TestUser } from './factories.js';
import { startLive, type LiveHarness } from './live.js';

let h: LiveHarness;
let ana: TestUser;
beforeAll(async () => {
  h = await startLive();
  ana = await newUser(h.server.url);
});
afterAll(() => h?.stop());

const BILL = `id name nextDate lastDate amount { amount } status`;
interface BillView {
  id: string;
  name: string;
  nextDate: string;
  lastDate: string | null;
  amount: { amount: string };
  status: string;
}
const create = async (u: TestUser, input: Record<string, unknown>) =>
  (await u.query<{ createRecurringBill: BillView }>(`mutation ($i: CreateRecurringBillInput!) { createRecurringBill(input: $i) { ${BILL} } }`, { i: { currency: 'BRL', ...input } }))
    .createRecurringBill;
const bill = async (u: TestUser, id: string) => (await u.query<{ recurringBill: BillView }>(`query ($id: ID!) { recurringBill(id: $id) { ${BILL} } }`, { id })).recurringBill;
const alertsOf = async (u: TestUser, type: string) =>
  (await u.query<{ alerts: { id: string; type: string; message: string; bill: { id: string } | null }[] }>(`{ alerts(first: 200) { id type message bill { id } } }`)).alerts.filter(
    (a) => a.type === type,
  );
const remind = (day: string, p: Pick<Publisher, 'publish' | 'invalidate'> = h.publisher) =>
  remindDueBills({ prisma: h.prisma, publisher: p, logger: testRun.logger, now: () => new Date(`${day}T12:00:00Z`) });
const quiet: Pick<Publisher, 'publish' | 'invalidate'> = { publish: async () => undefined, invalidate: async () => undefined };

describe('BILL_DUE reminders (the worker\'s scan)', () => {
  it('raises one BILL_DUE remindDaysBefore days before, whatever the number of passes and scanners', async () => {
    const rent = await create(ana, { name: 'Aluguel', period: 'MONTHLY', amount: '1500.00', nextDate: '2027-01-10', remindDaysBefore: 3 });
    await remind('2027-01-06', quiet);
    expect(await alertsOf(ana, 'BILL_DUE')).toEqual([]);
    // Two scanners at once (two workers), then more passes (a restart): one alert.
    await Promise.all([remind('2027-01-07', quiet), remind('2027-01-07', quiet)]);
    await remind('2027-01-08', quiet);
    await remind('2027-01-12', quiet);
    expect(await alertsOf(ana, 'BILL_DUE')).toEqual([
      { id: expect.any(String), type: 'BILL_DUE', message: 'Bill due: Aluguel, 1500.00 BRL on 2027-01-10', bill: { id: rent.id } },
    ]);
    await ana.query(`mutation ($id: ID!) { deleteRecurringBill(id: $id) }`, { id: rent.id });
  });

  it('publishes it to the user\'s channel', async () => {
    const heard = await h.listen(ana.id);
    await create(ana, { name: 'Internet', period: 'MONTHLY', amount: '99.90', nextDate: '2027-02-05', remindDaysBefore: 0 });
    await remind('2027-02-05');
    const [alert] = (await alertsOf(ana, 'BILL_DUE')).filter((a) => a.message.startsWith('Bill due: Internet'));
    await heard.until((events) => events.some((e) => e.field === 'alertRaised' && e.id === alert!.id), 'alertRaised of BILL_DUE');
  });

  it('moves a due date that went by unpaid past its grace days, and reminds of the next one; dismissed bills never', async () => {
    const u = await newUser(h.server.url);
    const gym = await create(u, { name: 'Academia', period: 'WEEKLY', amount: '30.00', nextDate: '2027-03-01', remindDaysBefore: 2 });
    const dismissed = await create(u, { name: 'Revista', period: 'MONTHLY', amount: '20.00', nextDate: '2027-03-02' });
    await u.query(`mutation ($id: ID!) { dismissRecurringBill(id: $id) { id } }`, { id: dismissed.id });
    await remind('2027-03-10', quiet);
    // 03-01 + 7 = 03-08 is within the weekly 3 days' grace of 03-10.
    expect((await bill(u, gym.id)).nextDate).toBe('2027-03-08');
    expect((await alertsOf(u, 'BILL_DUE')).map((a) => a.message)).toEqual(['Bill due: Academia, 30.00 BRL on 2027-03-08']);
    expect((await bill(u, dismissed.id)).nextDate).toBe('2027-03-02');
  });
});

describe('payments of confirmed bills (the transaction processor)', () => {
  it('advances the bill with each new payment, raises RECURRING_AMOUNT_CHANGED once per dearer payment, and ignores replays and older rows', async () => {
    const u = await newUser(h.server.url);
    const music = await create(u, { name: 'Spotify', period: 'MONTHLY', amount: '21.90', nextDate: '2027-04-10' });
    const first = snapshot(u.id, { description: 'SPOTIFY P1A2B3', amountMinor: '-2190', date: '2027-04-09' });
    await h.apply(first);
    expect(await bill(u, music.id)).toMatchObject({ lastDate: '2027-04-09', nextDate: '2027-05-09', amount: { amount: '21.90' } });

    const dearer = snapshot(u.id, { description: 'Spotify', amountMinor: '-2790', date: '2027-05-09' });
    await h.apply(dearer);
    await h.apply(dearer);
    await Promise.all([h.apply(dearer), h.apply(dearer)]);
    const alerts = await alertsOf(u, 'RECURRING_AMOUNT_CHANGED');
    expect(alerts).toEqual([
      { id: expect.any(String), type: 'RECURRING_AMOUNT_CHANGED', message: 'Spotify got dearer: 27.90 BRL on 2027-05-09, expected 21.90 BRL', bill: { id: music.id } },
    ]);
    expect(await bill(u, music.id)).toMatchObject({ lastDate: '2027-05-09', nextDate: '2027-06-09', amount: { amount: '27.90' } });

    // An older row (an import of history) and income to the same payee change nothing.
    await h.apply(snapshot(u.id, { description: 'SPOTIFY', amountMinor: '-9990', date: '2027-01-09' }));
    await h.apply(snapshot(u.id, { description: 'SPOTIFY', amountMinor: '2790', date: '2027-05-20' }));
    expect(await bill(u, music.id)).toMatchObject({ lastDate: '2027-05-09', amount: { amount: '27.90' } });
    expect(await alertsOf(u, 'RECURRING_AMOUNT_CHANGED')).toHaveLength(1);
  });
});

describe('suggestions after each batch (detection reads each payee\'s latest payments)', () => {
  it('reads as far back as a pattern goes: 100 weekly payments, the older 60 cheaper, suggest the median of all 100', async () => {
    const u = await newUser(h.server.url);
    const [processor] = testDomain(h.prisma, quiet).processors;
    const last = parseDay(new Date().toISOString().slice(0, 10))! - 3;
    const payments = Array.from({ length: 100 }, (_, i) =>
      snapshot(u.id, { description: `FEIRA LIVRE ${i}`, amountMinor: i < 60 ? '-2900' : '-3100', date: formatDay(last - 7 * (99 - i)) }),
    );
    // Two batches: the second sees the first's payments only through payee_payments.
    await processor.handle({ userId: u.id, events: payments.slice(0, 90).map((p) => event(p, 'transaction.created')) }, testRun);
    await processor.handle({ userId: u.id, events: payments.slice(90).map((p) => event(p, 'transaction.created')) }, testRun);
    const { recurringBills } = await u.query<{ recurringBills: { payee: string; period: string; amount: { amount: string }; lastDate: string }[] }>(
      `{ recurringBills(status: SUGGESTED) { payee period amount { amount } lastDate } }`,
    );
    // The latest 64 alone have the median 31.00; all 100 (the run reaches back to the first), 29.00.
    expect(recurringBills).toEqual([{ payee: 'FEIRA LIVRE', period: 'WEEKLY', amount: { amount: '29.00' }, lastDate: formatDay(last) }]);
  });
});
