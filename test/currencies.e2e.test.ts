import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, graphql, ok, registerUser, type GraphQLResponse, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { eventually } from './support/wait.js';

let system: RunningSystem;
let url: string;
let ana: Session;
let bob: Session;
let cat: Map<string, string>;
const accounts: Record<string, string> = {};

const ECB = `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
  <Cube>
    <Cube time='2026-03-09'>
      <Cube currency='USD' rate='1.10'/>
      <Cube currency='JPY' rate='160'/>
      <Cube currency='BRL' rate='6.00'/>
    </Cube>
  </Cube>
</gesmes:Envelope>`;

const fields = (res: GraphQLResponse<unknown>) => (res.errors ?? []).map((e) => e.extensions?.field);

const RATE = `id base quote date rate`;
const CONVERSION = `original { amount currency } converted { amount currency } rate { source target method date rate rates { base quote date rate } }`;

interface Conversion {
  original: { amount: string; currency: string };
  converted: { amount: string; currency: string };
  rate: { source: string; target: string; method: string; date: string; rate: string; rates: { base: string; quote: string; date: string; rate: string }[] };
}

const setRate = (s: Session, base: string, quote: string, date: string, rate: string) =>
  graphql<{ setExchangeRate: { id: string; rate: string } }>(url, `mutation ($i: SetExchangeRateInput!) { setExchangeRate(input: $i) { ${RATE} } }`, { i: { base, quote, date, rate } }, s.accessToken);

const importRates = (s: Session, format: string, content: string) =>
  graphql<{ importExchangeRates: { imported: number; skipped: number; from: string; to: string } }>(
    url,
    `mutation ($i: ImportExchangeRatesInput!) { importExchangeRates(input: $i) { imported skipped from to } }`,
    { i: { format, content } },
    s.accessToken,
  );

async function spend(s: Session, account: string, amount: string, date: string, slug?: string, tags?: string[]) {
  const { createTransaction } = await ok<{ createTransaction: { id: string } }>(url, `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
    { i: { accountId: account, amount, date, description: 'shop', ...(slug ? { categoryId: cat.get(slug) } : {}) } }, s.accessToken);
  if (tags) await ok(url, `mutation ($id: ID!, $t: [String!]!) { tagTransaction(id: $id, tags: $t) { id } }`, { id: createTransaction.id, t: tags }, s.accessToken);
}

const byCategory = (s: Session, from: string, to: string, currency: string, convert: boolean) =>
  graphql<{ spendingByCategory: { category: { slug: string } | null; total: { amount: string; currency: string }; count: number; conversions: Conversion[] }[] }>(
    url,
    `query ($f: Date!, $t: Date!, $c: String!, $x: Boolean) { spendingByCategory(from: $f, to: $t, currency: $c, convert: $x) { category { slug } total { amount currency } count conversions { ${CONVERSION} } } }`,
    { f: from, t: to, c: currency, x: convert },
    s.accessToken,
  );

const totals = (res: Awaited<ReturnType<typeof byCategory>>) =>
  Object.fromEntries((res.data?.spendingByCategory ?? []).map((c) => [c.category?.slug ?? 'none', c.total.amount]));

beforeAll(async () => {
  system = await startSystem();
  url = system.gatewayUrl;
  [ana, bob] = await Promise.all([registerUser(url, 'ana'), registerUser(url, 'bob')]);
  const mk = async (s: Session, currency: string, openingBalance: string) =>
    (await ok<{ createAccount: { id: string } }>(url, `mutation ($c: String!, $o: Decimal) { createAccount(input: { name: $c, type: CHECKING, currency: $c, openingBalance: $o }) { id } }`,
      { c: currency, o: openingBalance }, s.accessToken)).createAccount.id;
  accounts.brl = await mk(ana, 'BRL', '1000.00');
  accounts.usd = await mk(ana, 'USD', '100.00');
  accounts.eur = await mk(ana, 'EUR', '0');
  accounts.bobUsd = await mk(bob, 'USD', '0');
  const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, `{ categories { id slug } }`, {}, ana.accessToken);
  cat = new Map(categories.map((c) => [c.slug, c.id]));
  const bobCats = await ok<{ categories: { id: string; slug: string }[] }>(url, `{ categories { id slug } }`, {}, bob.accessToken);
  await spend(ana, accounts.brl, '2000.00', '2026-03-01');
  await spend(ana, accounts.brl, '-50.00', '2026-03-05', 'groceries');
  await spend(ana, accounts.usd, '-10.00', '2026-03-05', 'groceries');
  await spend(ana, accounts.usd, '-20.00', '2026-03-20', 'groceries', ['trip']);
  await spend(ana, accounts.eur, '-30.00', '2026-03-10', 'restaurants', ['trip']);
  await ok(url, `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
    { i: { accountId: accounts.bobUsd, amount: '-1.00', date: '2026-03-05', description: 'shop', categoryId: bobCats.categories.find((c) => c.slug === 'groceries')!.id } }, bob.accessToken);
});
afterAll(() => system?.stop());

describe('exchange rates', () => {
  it('sets, replaces, lists and deletes a rate; imports CSV and ECB XML content', async () => {
    const first = await setRate(ana, 'usd', 'BRL', '2026-03-01', '4.00');
    expect(first.data?.setExchangeRate).toMatchObject({ base: 'USD', quote: 'BRL', date: '2026-03-01', rate: '4' });
    const replaced = await setRate(ana, 'USD', 'BRL', '2026-03-01', '5.000000000001');
    expect(replaced.data?.setExchangeRate).toMatchObject({ id: first.data?.setExchangeRate.id, rate: '5.000000000001' });
    await setRate(ana, 'USD', 'BRL', '2026-03-01', '5.00');

    const csv = await importRates(ana, 'CSV', 'date;base;quote;rate\n2026-02-01;USD;BRL;4,90\n2026-03-15;USD;BRL;5,50\n');
    expect(csv.data?.importExchangeRates).toEqual({ imported: 2, skipped: 0, from: '2026-02-01', to: '2026-03-15' });
    const ecb = await importRates(ana, 'ECB_XML', ECB);
    expect(ecb.data?.importExchangeRates).toEqual({ imported: 3, skipped: 0, from: '2026-03-09', to: '2026-03-09' });

    const { exchangeRates } = await ok<{ exchangeRates: { id: string; base: string; quote: string; date: string; rate: string }[] }>(
      url, `{ exchangeRates(base: "USD", quote: "BRL") { ${RATE} } }`, {}, ana.accessToken);
    expect(exchangeRates.map((r) => `${r.date} ${r.rate}`)).toEqual(['2026-03-15 5.5', '2026-03-01 5', '2026-02-01 4.9']);

    const temp = await setRate(ana, 'GBP', 'BRL', '2026-01-01', '7');
    const gone = await ok<{ deleteExchangeRate: boolean }>(url, `mutation ($id: ID!) { deleteExchangeRate(id: $id) }`, { id: temp.data!.setExchangeRate.id }, ana.accessToken);
    expect(gone.deleteExchangeRate).toBe(true);
    const again = await graphql(url, `mutation ($id: ID!) { deleteExchangeRate(id: $id) }`, { id: temp.data!.setExchangeRate.id }, ana.accessToken);
    expect(codes(again)).toEqual(['NOT_FOUND']);
  });

  it('refuses bad rates and malformed files with BAD_USER_INPUT naming the field, writing nothing', async () => {
    const cases: [Promise<GraphQLResponse<unknown>>, string][] = [
      [setRate(ana, 'XXQ', 'BRL', '2026-03-01', '1'), 'base'],
      [setRate(ana, 'USD', 'ZZZ', '2026-03-01', '1'), 'quote'],
      [setRate(ana, 'USD', 'usd', '2026-03-01', '1'), 'quote'],
      [setRate(ana, 'USD', 'BRL', '2026-02-30', '1'), 'date'],
      [setRate(ana, 'USD', 'BRL', '2026-03-01', '0'), 'rate'],
      [setRate(ana, 'USD', 'BRL', '2026-03-01', '-5.1'), 'rate'],
      [setRate(ana, 'USD', 'BRL', '2026-03-01', '1e3'), 'rate'],
      [importRates(ana, 'CSV', 'date,base,quote,rate\n2026-01-01,USD,BRL,9\n2026-01-02,USD,BRL,abc\n'), 'content'],
      [importRates(ana, 'CSV', 'when,from,to,price\n2026-01-01,USD,BRL,9\n'), 'content'],
      [importRates(ana, 'ECB_XML', ECB.replace("rate='160'", "rate='0'")), 'content'],
      [importRates(ana, 'ECB_XML', '<html>not rates</html>'), 'content'],
      [importRates(ana, 'ECB_XML', ECB.replace("<Cube currency='USD' rate='1.10'/>", "<Cube currency='USD' rate='1.10'>")), 'content'],
    ];
    for (const [pending, field] of cases) {
      const res = await pending;
      expect([codes(res), fields(res)], field).toEqual([['BAD_USER_INPUT'], [field]]);
    }
    const line = await importRates(ana, 'CSV', 'date,base,quote,rate\n2026-01-01,USD,BRL,9\n2026-01-02,USD,BRL,abc\n');
    expect(line.errors?.[0]?.message).toMatch(/line 3/);
    // The refused file's first (valid) row was not written.
    const { exchangeRates } = await ok<{ exchangeRates: unknown[] }>(url, `{ exchangeRates(from: "2026-01-01", to: "2026-01-31") { id } }`, {}, ana.accessToken);
    expect(exchangeRates).toEqual([]);
  });
});

describe('reports in one currency', () => {
  it('keeps `currency` meaning one currency only unless convert is true', async () => {
    await eventually(async () => {
      const res = await byCategory(ana, '2026-03-01', '2026-03-31', 'BRL', true);
      return totals(res).restaurants === '180.00' && totals(res).groceries === '210.00' ? res : undefined;
    }, 15_000, 'converted spending');
    const plain = await byCategory(ana, '2026-03-01', '2026-03-31', 'BRL', false);
    expect(plain.data?.spendingByCategory).toEqual([{ category: { slug: 'groceries' }, total: { amount: '50.00', currency: 'BRL' }, count: 1, conversions: [] }]);
  });

  it('converts each day at the latest rate on or before it and says which rate', async () => {
    const res = await byCategory(ana, '2026-03-01', '2026-03-31', 'BRL', true);
    expect(res.errors).toBeUndefined();
    const [groceries, restaurants] = res.data!.spendingByCategory;
    expect(groceries).toMatchObject({ category: { slug: 'groceries' }, total: { amount: '210.00', currency: 'BRL' }, count: 3 });
    expect(groceries!.conversions.map((c) => [c.original.amount, c.original.currency, c.converted.amount, c.rate.method, c.rate.date, c.rate.rate])).toEqual([
      ['10.00', 'USD', '50.00', 'DIRECT', '2026-03-01', '5'],
      ['20.00', 'USD', '110.00', 'DIRECT', '2026-03-15', '5.5'],
    ]);
    expect(restaurants).toMatchObject({ total: { amount: '180.00' }, conversions: [{ original: { amount: '30.00', currency: 'EUR' }, rate: { method: 'DIRECT', date: '2026-03-09', rates: [{ base: 'EUR', quote: 'BRL', rate: '6' }] } }] });

    const flow = await ok<{ cashFlow: { periodStart: string; income: { amount: string }; expenses: { amount: string }; net: { amount: string; currency: string }; conversions: Conversion[] }[] }>(
      url, `{ cashFlow(from: "2026-03-01", to: "2026-03-31", currency: "BRL", convert: true) { periodStart income { amount } expenses { amount } net { amount currency } conversions { ${CONVERSION} } } }`, {}, ana.accessToken);
    expect(flow.cashFlow).toHaveLength(1);
    expect(flow.cashFlow[0]).toMatchObject({ periodStart: '2026-03-01', income: { amount: '2000.00' }, expenses: { amount: '390.00' }, net: { amount: '1610.00', currency: 'BRL' } });
    expect(flow.cashFlow[0]!.conversions.map((c) => `${c.original.amount} ${c.original.currency} → ${c.converted.amount}`).sort()).toEqual(['-10.00 USD → -50.00', '-20.00 USD → -110.00', '-30.00 EUR → -180.00']);

    // Tags reach the budget domain by their own events: wait for both.
    const tags = await eventually(async () => {
      const r = await ok<{ spendingByTag: { tag: string; total: { amount: string }; expenses: { amount: string }; income: { amount: string }; count: number; conversions: Conversion[] }[] }>(
        url, `{ spendingByTag(from: "2026-03-01", to: "2026-03-31", currency: "BRL", convert: true) { tag total { amount } expenses { amount } income { amount } count conversions { ${CONVERSION} } } }`, {}, ana.accessToken);
      return r.spendingByTag[0]?.count === 2 ? r : undefined;
    }, 15_000, 'tagged spending');
    expect(tags.spendingByTag).toMatchObject([{ tag: 'trip', total: { amount: '290.00' }, expenses: { amount: '290.00' }, income: { amount: '0.00' }, count: 2 }]);
    expect(tags.spendingByTag[0]!.conversions.map((c) => `${c.original.amount} ${c.original.currency} → ${c.converted.amount}`)).toEqual(['30.00 EUR → 180.00', '20.00 USD → 110.00']);
    const plainTags = await ok<{ spendingByTag: unknown[] }>(url, `{ spendingByTag(from: "2026-03-01", to: "2026-03-31", currency: "BRL") { tag } }`, {}, ana.accessToken);
    expect(plainTags.spendingByTag).toEqual([]);

    // Into USD: BRL through the inverse of USD→BRL, EUR by the ECB's EUR→USD.
    const usd = await byCategory(ana, '2026-03-01', '2026-03-31', 'USD', true);
    expect(totals(usd)).toEqual({ groceries: '40.00', restaurants: '33.00' });
    expect(usd.data!.spendingByCategory[0]!.conversions[0]).toMatchObject({ original: { amount: '50.00', currency: 'BRL' }, converted: { amount: '10.00' }, rate: { method: 'INVERSE', rate: '0.2' } });
  });

  it('sums each currency\'s conversions in conversionTotals, one entry per currency', async () => {
    const TOTALS = `conversionTotals { original { amount currency } converted { amount currency } rateCount firstRateDate lastRateDate }`;
    interface Totals { original: { amount: string; currency: string }; converted: { amount: string; currency: string }; rateCount: number; firstRateDate: string; lastRateDate: string }
    const res = await ok<{ spendingByCategory: { category: { slug: string }; total: { amount: string }; conversions: Conversion[]; conversionTotals: Totals[] }[] }>(
      url, `{ spendingByCategory(from: "2026-03-01", to: "2026-03-31", currency: "BRL", convert: true) { category { slug } total { amount } conversions { ${CONVERSION} } ${TOTALS} } }`, {}, ana.accessToken);
    const [groceries, restaurants] = res.spendingByCategory;
    // Two USD rates (5 on 03-01, 5.5 on 03-15): 10.00 → 50.00 and 20.00 → 110.00, in one entry.
    expect(groceries!.conversionTotals).toEqual([
      { original: { amount: '30.00', currency: 'USD' }, converted: { amount: '160.00', currency: 'BRL' }, rateCount: 2, firstRateDate: '2026-03-01', lastRateDate: '2026-03-15' },
    ]);
    expect(restaurants!.conversionTotals).toEqual([
      { original: { amount: '30.00', currency: 'EUR' }, converted: { amount: '180.00', currency: 'BRL' }, rateCount: 1, firstRateDate: '2026-03-09', lastRateDate: '2026-03-09' },
    ]);
    // The same money as conversions, whatever a figure holds.
    for (const figure of res.spendingByCategory) {
      const converted = figure.conversions.reduce((sum, c) => sum + Number(c.converted.amount), 0);
      expect(figure.conversionTotals.reduce((sum, c) => sum + Number(c.converted.amount), 0)).toBeCloseTo(converted, 2);
      expect(figure.conversionTotals.reduce((sum, c) => sum + c.rateCount, 0)).toBe(figure.conversions.length);
    }
    const flow = await ok<{ cashFlow: { conversionTotals: Totals[] }[] }>(
      url, `{ cashFlow(from: "2026-03-01", to: "2026-03-31", currency: "BRL", convert: true) { ${TOTALS} } }`, {}, ana.accessToken);
    expect(flow.cashFlow[0]!.conversionTotals.map((c) => `${c.original.amount} ${c.original.currency} → ${c.converted.amount} (${c.rateCount})`)).toEqual(['-30.00 EUR → -180.00 (1)', '-30.00 USD → -160.00 (2)']);
    const tags = await ok<{ spendingByTag: { tag: string; conversionTotals: Totals[] }[] }>(
      url, `{ spendingByTag(from: "2026-03-01", to: "2026-03-31", currency: "BRL", convert: true) { tag ${TOTALS} } }`, {}, ana.accessToken);
    expect(tags.spendingByTag[0]!.conversionTotals.map((c) => `${c.original.amount} ${c.original.currency} → ${c.converted.amount}`)).toEqual(['30.00 EUR → 180.00', '20.00 USD → 110.00']);
    const plain = await ok<{ spendingByCategory: { conversionTotals: Totals[] }[] }>(
      url, `{ spendingByCategory(from: "2026-03-01", to: "2026-03-31", currency: "BRL") { ${TOTALS} } }`, {}, ana.accessToken);
    expect(plain.spendingByCategory.map((f) => f.conversionTotals)).toEqual([[]]);
  });

  it('crosses through a common base, and names every currency and day without a rate', async () => {
    const missing = await byCategory(ana, '2026-03-01', '2026-03-31', 'JPY', true);
    expect(codes(missing)).toEqual(['BAD_USER_INPUT']);
    expect(missing.errors?.[0]?.extensions).toMatchObject({ field: 'currency', reason: 'MISSING_EXCHANGE_RATE', missing: 'BRL→JPY on 2026-03-05, USD→JPY on 2026-03-05' });
    const later = await byCategory(ana, '2026-03-09', '2026-03-31', 'JPY', true);
    expect(later.errors).toBeUndefined();
    // 20.00 USD = 20 / 1.10 × 160 = 2909.09… → 2909 JPY; 30.00 EUR × 160 = 4800 JPY.
    expect(totals(later)).toEqual({ restaurants: '4800', groceries: '2909' });
    expect(later.data!.spendingByCategory[1]!.conversions[0]!.rate).toMatchObject({ method: 'CROSS', date: '2026-03-09', rate: '145.4545454545', rates: [{ quote: 'USD' }, { quote: 'JPY' }] });
    const unknown = await byCategory(ana, '2026-03-01', '2026-03-31', 'ZZZ', true);
    expect([codes(unknown), fields(unknown)]).toEqual([['BAD_USER_INPUT'], ['currency']]);
  });

  it("never uses another user's rates", async () => {
    await setRate(bob, 'USD', 'BRL', '2026-03-01', '100');
    const anaAfter = await byCategory(ana, '2026-03-01', '2026-03-31', 'BRL', true);
    expect(totals(anaAfter)).toEqual({ groceries: '210.00', restaurants: '180.00' });
    const bobs = await eventually(async () => {
      const res = await byCategory(bob, '2026-03-01', '2026-03-31', 'BRL', true);
      return totals(res).groceries ? res : undefined;
    }, 15_000, "bob's spending");
    expect(totals(bobs)).toEqual({ groceries: '100.00' });
    // Bob has no EUR rate although Ana has: his EUR report fails instead of borrowing hers.
    const bobEur = await byCategory(bob, '2026-03-01', '2026-03-31', 'EUR', true);
    expect(bobEur.errors?.[0]?.extensions).toMatchObject({ reason: 'MISSING_EXCHANGE_RATE' });
    const anaRate = (await ok<{ exchangeRates: { id: string }[] }>(url, `{ exchangeRates(base: "EUR", quote: "BRL") { id } }`, {}, ana.accessToken)).exchangeRates[0]!;
    const steal = await graphql(url, `mutation ($id: ID!) { deleteExchangeRate(id: $id) }`, { id: anaRate.id }, bob.accessToken);
    expect(codes(steal)).toEqual(['NOT_FOUND']);
    const bobList = await ok<{ exchangeRates: { base: string }[] }>(url, `{ exchangeRates { base } }`, {}, bob.accessToken);
    expect(bobList.exchangeRates).toEqual([{ base: 'USD' }]);
  });
});

describe('net worth by month', () => {
  const NET_WORTH = `query ($f: String!, $t: String!, $c: String!) { netWorthByMonth(from: $f, to: $t) {
    month monthEnd balances { amount currency } total(currency: $c) { amount { amount currency } conversions { ${CONVERSION} } } } }`;

  it("sums every account's balance at each month end and converts it at that day's rates", async () => {
    const res = await ok<{ netWorthByMonth: { month: string; monthEnd: string; balances: { amount: string; currency: string }[]; total: { amount: { amount: string; currency: string }; conversions: Conversion[] } }[] }>(
      url, NET_WORTH, { f: '2026-02', t: '2026-03', c: 'BRL' }, ana.accessToken);
    const [feb, mar] = res.netWorthByMonth;
    expect(feb).toMatchObject({ month: '2026-02', monthEnd: '2026-02-28', balances: [{ amount: '1000.00', currency: 'BRL' }, { amount: '0.00', currency: 'EUR' }, { amount: '100.00', currency: 'USD' }] });
    expect(feb!.total.amount).toEqual({ amount: '1490.00', currency: 'BRL' });
    expect(feb!.total.conversions.map((c) => [c.original.amount, c.converted.amount, c.rate.date])).toEqual([['100.00', '490.00', '2026-02-01']]);
    const totals = await ok<{ netWorthByMonth: { total: { conversionTotals: { original: { amount: string }; converted: { amount: string }; rateCount: number; firstRateDate: string }[] } }[] }>(
      url, `{ netWorthByMonth(from: "2026-02", to: "2026-02") { total(currency: "BRL") { conversionTotals { original { amount } converted { amount } rateCount firstRateDate } } } }`, {}, ana.accessToken);
    expect(totals.netWorthByMonth[0]!.total.conversionTotals).toEqual([{ original: { amount: '100.00' }, converted: { amount: '490.00' }, rateCount: 1, firstRateDate: '2026-02-01' }]);
    expect(mar).toMatchObject({ balances: [{ amount: '2950.00' }, { amount: '-30.00' }, { amount: '70.00' }], total: { amount: { amount: '3155.00' } } });
  });

  it('refuses bad months and a target without rates', async () => {
    const bad = await graphql(url, NET_WORTH, { f: '2026-13', t: '2026-03', c: 'BRL' }, ana.accessToken);
    expect([codes(bad), fields(bad)]).toEqual([['BAD_USER_INPUT'], ['from']]);
    const long = await graphql(url, NET_WORTH, { f: '2000-01', t: '2026-03', c: 'BRL' }, ana.accessToken);
    expect([codes(long), fields(long)]).toEqual([['BAD_USER_INPUT'], ['to']]);
    const noRate = await graphql(url, NET_WORTH, { f: '2026-01', t: '2026-01', c: 'BRL' }, ana.accessToken);
    expect(codes(noRate)).toContain('BAD_USER_INPUT');
    expect(noRate.errors?.[0]?.extensions).toMatchObject({ reason: 'MISSING_EXCHANGE_RATE', missing: 'USD→BRL on 2026-01-31' });
  });
});
