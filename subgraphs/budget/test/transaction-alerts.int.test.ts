import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionSnapshot } from '@centavo/jobs';
import { newUser, snapshot, type TestUser } from './factories.js';
import { alertsOf, startLive, type LiveHarness } from './live.js';

let h: LiveHarness;
beforeAll(async () => {
  h = await startLive();
});
afterAll(() => h?.stop());

const tx = (u: TestUser, amountMinor: string, over: Partial<TransactionSnapshot> = {}) =>
  snapshot(u.id, { amountMinor, date: '2026-11-12', description: 'LOJA CENTRO', ...over });
/** The caller's alert types by the transaction that raised them. */
async function typesBy(u: TestUser): Promise<Record<string, string[]>> {
  const byTransaction: Record<string, string[]> = {};
  for (const a of await alertsOf(u)) (byTransaction[a.transaction?.id ?? 'none'] ??= []).push(a.type);
  return byTransaction;
}

describe('LARGE_TRANSACTION', () => {
  it('is raised once for new money out of at least 1000.00 by default, never for income, transfers or edits', async () => {
    const u = await newUser(h.server.url);
    const at = tx(u, '-100000');
    const below = tx(u, '-99999');
    const income = tx(u, '500000');
    const leg = tx(u, '-500000', { transferPeerId: randomUUID() });
    const transferCategory = tx(u, '-500000', { categoryId: u.category.transfer! });
    const edited = tx(u, '-100');
    const yen = tx(u, '-1000', { currency: 'JPY' });
    for (const t of [at, at, below, income, leg, transferCategory, edited, yen]) await h.apply(t);
    await h.apply({ ...edited, version: 2, amountMinor: '-900000' });
    await h.apply({ ...at, version: 2, amountMinor: '-300000' });

    expect(await typesBy(u)).toEqual({ [at.id]: ['LARGE_TRANSACTION'], [yen.id]: ['LARGE_TRANSACTION'] });
    const alert = (await alertsOf(u)).find((a) => a.transaction?.id === at.id);
    expect(alert).toMatchObject({ severity: 'INFO', budget: null, message: 'Large transaction: 1000.00 BRL on 2026-11-12 (LOJA CENTRO)' });
  });

  it("uses the caller's own threshold per currency, validated", async () => {
    const u = await newUser(h.server.url);
    const SET = `mutation ($a: Decimal!, $c: String!) { setLargeTransactionThreshold(amount: $a, currency: $c) {
      brl: largeTransactionThreshold(currency: "brl") { amount currency } largeTransactionThresholds { amount currency } } }`;
    expect(await u.query(SET, { a: '200', c: 'BRL' })).toEqual({
      setLargeTransactionThreshold: { brl: { amount: '200.00', currency: 'BRL' }, largeTransactionThresholds: [{ amount: '200.00', currency: 'BRL' }] },
    });
    const settings = await u.query(`{ alertSettings { usd: largeTransactionThreshold(currency: "USD") { amount } } }`);
    expect(settings).toEqual({ alertSettings: { usd: { amount: '1000.00' } } });
    const bad: [string, string, string][] = [['0', 'BRL', 'amount'], ['-5', 'BRL', 'amount'], ['1.234', 'BRL', 'amount'], ['10.5', 'JPY', 'amount'], ['10', 'XYZ', 'currency']];
    for (const [a, c, field] of bad) {
      expect((await u.raw(SET, { a, c })).errors?.[0]?.extensions, `${a} ${c}`).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }

    const over = tx(u, '-20000');
    const usd = tx(u, '-20000', { currency: 'USD' });
    await Promise.all([h.apply(over), h.apply(tx(u, '-19999')), h.apply(usd)]);
    expect(await typesBy(u)).toEqual({ [over.id]: ['LARGE_TRANSACTION'] });
  });
});

describe('UNUSUAL_SPENDING', () => {
  /** Five earlier restaurant expenses of 30.00 within the 90 days before 2026-11-12. */
  async function withHistory(): Promise<TestUser> {
    const u = await newUser(h.server.url);
    const days = ['2026-08-14', '2026-09-01', '2026-10-01', '2026-11-01', '2026-11-12'];
    await Promise.all(days.map((date) => h.apply(tx(u, '-3000', { categoryId: u.category.restaurants!, date }))));
    return u;
  }

  it('is raised for a new expense of at least 3× the median of at least 5 earlier ones of its category', async () => {
    const u = await withHistory();
    const unusual = tx(u, '-9000', { categoryId: u.category.restaurants! });
    const usual = tx(u, '-8999', { categoryId: u.category.restaurants! });
    await h.apply(usual);
    await h.apply(unusual);
    await h.apply(unusual);
    expect(await typesBy(u)).toEqual({ [unusual.id]: ['UNUSUAL_SPENDING'] });
    const [alert] = await alertsOf(u);
    expect(alert).toMatchObject({
      severity: 'WARNING',
      budget: null,
      message: 'Unusual spending in Restaurants & takeout: 90.00 BRL on 2026-11-12 is 3.0× your median of 30.00 BRL over the last 90 days',
    });
  });

  it('looks only at the 90 days before, the same category and currency, money out, and 50.00 and more', async () => {
    const u = await withHistory();
    const r = u.category.restaurants!;
    const cases = [
      tx(u, '-90000', { categoryId: r, date: '2026-11-13' }), // 2026-08-14 falls out of its 90 days: 4 earlier
      tx(u, '-90000', { categoryId: u.category.groceries! }),
      tx(u, '-90000', { categoryId: r, currency: 'USD' }),
      tx(u, '-90000'), // uncategorized
      tx(u, '-90000', { categoryId: r, transferPeerId: randomUUID() }),
      tx(u, '90000', { categoryId: r }),
    ];
    for (const t of cases) await h.apply(t);
    expect(await typesBy(u)).toEqual({});

    // With tiny usual amounts, anything under 50.00 stays usual.
    const v = await newUser(h.server.url);
    await Promise.all(Array.from({ length: 5 }, () => h.apply(tx(v, '-100', { categoryId: v.category.restaurants! }))));
    const small = tx(v, '-4999', { categoryId: v.category.restaurants! });
    const fifty = tx(v, '-5000', { categoryId: v.category.restaurants! });
    await h.apply(small);
    await h.apply(fifty);
    expect(await typesBy(v)).toEqual({ [fifty.id]: ['UNUSUAL_SPENDING'] });
  });

  it('is raised when the categorizer gives a new transaction its first category, not for edits or user choices', async () => {
    const u = await withHistory();
    const r = u.category.restaurants!;
    const byModel = tx(u, '-20000');
    const byUser = tx(u, '-20000');
    const edited = tx(u, '-1000', { categoryId: r });
    await Promise.all([byModel, byUser, edited].map((t) => h.apply(t)));
    await h.apply({ ...byModel, version: 2, categoryId: r, categorySource: 'AI' });
    await h.apply({ ...byUser, version: 2, categoryId: r, categorySource: 'USER' });
    await h.apply({ ...edited, version: 2, amountMinor: '-50000' });
    expect(await typesBy(u)).toEqual({ [byModel.id]: ['UNUSUAL_SPENDING'] });
  });

  it('raises LARGE and UNUSUAL for one transaction, each once, under concurrent replays', async () => {
    const u = await withHistory();
    const t = tx(u, '-150000', { categoryId: u.category.restaurants! });
    await Promise.all(Array.from({ length: 6 }, () => h.apply(t)));
    expect((await typesBy(u))[t.id]?.sort()).toEqual(['LARGE_TRANSACTION', 'UNUSUAL_SPENDING']);
  });
});
