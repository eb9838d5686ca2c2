import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionEvent, TransactionSnapshot } from '@centavo/jobs';
import type { SubgraphServer } from '@centavo/server';
import { testEnv } from '@centavo/testing';
import { createPrisma, type BudgetPrisma } from '../src/db.js';
import type { BudgetDomain } from '../src/domain.js';
import { loadConfig, startBudgetSubgraph } from '../src/index.js';
import { cashFlow, event, newUser, setBudget, snapshot, spending, getBudget, testDomain, testRun, type TestUser } from './factories.js';

let server: SubgraphServer;
let prisma: BudgetPrisma;
let domain: BudgetDomain;
let process_: (e: TransactionEvent) => ReturnType<BudgetDomain['processors'][0]['handleEvent']>;
beforeAll(async () => {
  const config = loadConfig(testEnv({ BUDGET_PORT: '0' }));
  server = await startBudgetSubgraph(config);
  prisma = createPrisma(config.databaseUrl);
  domain = testDomain(prisma);
  process_ = (e) => domain.processors[0].handleEvent(e, testRun);
});
afterAll(async () => {
  await server?.stop();
  await prisma?.$disconnect();
});

const apply = (tx: TransactionSnapshot) => process_(event(tx));
const next = (tx: TransactionSnapshot, over: Partial<TransactionSnapshot>): TransactionSnapshot => ({ ...tx, version: tx.version + 1, ...over });

describe('consuming transaction events', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await newUser(server.url);
  });

  it('applies a replayed event once and ignores an older version after a newer one', async () => {
    const budget = await setBudget(user, { categoryId: user.category.groceries!, month: '2026-11', limit: '1000' });
    const v1 = snapshot(user.id, { categoryId: user.category.groceries!, amountMinor: '-12345' });
    const created = event(v1, 'transaction.created');
    expect((await process_(created)).applied).toBe(true);
    expect((await process_(created)).applied).toBe(false);
    expect((await apply(v1)).applied).toBe(false);
    expect((await getBudget(user, budget.id)).spent.amount).toBe('123.45');

    const v3 = { ...v1, version: 3, amountMinor: '-20000' };
    await apply(v3);
    expect((await apply({ ...v1, version: 2, amountMinor: '-99999' })).applied).toBe(false);
    expect((await getBudget(user, budget.id)).spent.amount).toBe('200.00');
    expect(await spending(user, '2026-11-01', '2026-11-30')).toEqual([
      { category: { slug: 'groceries' }, total: { amount: '200.00', currency: 'BRL' }, count: 1 },
    ]);
  });

  it('moves the sums when amount, date, category or month change', async () => {
    const u = await newUser(server.url);
    const [nov, dec, novFood] = await Promise.all([
      setBudget(u, { categoryId: u.category.groceries!, month: '2026-11', limit: '500' }),
      setBudget(u, { categoryId: u.category.groceries!, month: '2026-12', limit: '500' }),
      setBudget(u, { categoryId: u.category.restaurants!, month: '2026-11', limit: '500' }),
    ]);
    const spent = async () => Promise.all([nov, dec, novFood].map(async (b) => (await getBudget(u, b.id)).spent.amount));

    let tx = snapshot(u.id, { categoryId: u.category.groceries!, amountMinor: '-5000', date: '2026-11-05' });
    await apply(tx);
    expect(await spent()).toEqual(['50.00', '0.00', '0.00']);
    tx = next(tx, { amountMinor: '-7550' });
    await apply(tx);
    expect(await spent()).toEqual(['75.50', '0.00', '0.00']);
    tx = next(tx, { date: '2026-12-01' });
    expect((await apply(tx)).affected).toEqual([
      { categoryId: u.category.groceries, month: '2026-11', currency: 'BRL' },
      { categoryId: u.category.groceries, month: '2026-12', currency: 'BRL' },
    ]);
    expect(await spent()).toEqual(['0.00', '75.50', '0.00']);
    tx = next(tx, { date: '2026-11-30', categoryId: u.category.restaurants! });
    await apply(tx);
    expect(await spent()).toEqual(['0.00', '0.00', '75.50']);
    expect(await cashFlow(u, '2026-11-01', '2026-12-31')).toEqual([
      { periodStart: '2026-11-01', income: { amount: '0.00' }, expenses: { amount: '75.50' }, net: { amount: '-75.50' } },
      { periodStart: '2026-12-01', income: { amount: '0.00' }, expenses: { amount: '0.00' }, net: { amount: '0.00' } },
    ]);
    // Uncategorized: still cash flow, no budget.
    tx = next(tx, { categoryId: null });
    await apply(tx);
    expect(await spent()).toEqual(['0.00', '0.00', '0.00']);
    expect(await spending(u, '2026-11-01', '2026-11-30')).toEqual([{ category: null, total: { amount: '75.50', currency: 'BRL' }, count: 1 }]);
    expect((await cashFlow(u, '2026-11-01', '2026-11-30'))[0]?.expenses.amount).toBe('75.50');
  });

  it('removes a deleted transaction, and an older update replayed later cannot bring it back', async () => {
    const u = await newUser(server.url);
    const budget = await setBudget(u, { categoryId: u.category.groceries!, month: '2026-11', limit: '100' });
    const v1 = snapshot(u.id, { categoryId: u.category.groceries!, amountMinor: '-3000' });
    await apply(v1);
    const v2 = next(v1, { deleted: true });
    await process_(event(v2, 'transaction.deleted'));
    expect((await getBudget(u, budget.id)).spent.amount).toBe('0.00');
    expect((await apply(v1)).applied).toBe(false);
    expect(await domain.spending.findEntry(v1.id)).toMatchObject({ deleted: true, version: 2 });
    expect((await getBudget(u, budget.id)).spent.amount).toBe('0.00');
    expect(await spending(u, '2026-11-01', '2026-11-30')).toEqual([]);
    // A deletion seen before its creation leaves a tombstone the creation cannot pass.
    const late = snapshot(u.id, { categoryId: u.category.groceries!, version: 4, deleted: true });
    await apply(late);
    expect((await apply({ ...late, version: 1, deleted: false })).applied).toBe(false);
    expect((await getBudget(u, budget.id)).spent.amount).toBe('0.00');
  });

  it('never counts transfer legs or TRANSFER-category transactions', async () => {
    const u = await newUser(server.url);
    const budget = await setBudget(u, { categoryId: u.category.groceries!, month: '2026-11', limit: '100' });
    const legOut = snapshot(u.id, { amountMinor: '-50000', transferPeerId: randomUUID() });
    const legIn = snapshot(u.id, { amountMinor: '50000', transferPeerId: legOut.id });
    await Promise.all([apply(legOut), apply(legIn)]);
    await apply(snapshot(u.id, { amountMinor: '-20000', categoryId: u.category.transfer! }));
    // A transfer leg that names an expense category still never counts.
    let leg = snapshot(u.id, { amountMinor: '-7000', categoryId: u.category.groceries!, transferPeerId: randomUUID() });
    await apply(leg);
    expect((await getBudget(u, budget.id)).spent.amount).toBe('0.00');
    expect(await spending(u, '2026-11-01', '2026-11-30')).toEqual([]);
    expect(await cashFlow(u, '2026-11-01', '2026-11-30')).toEqual([
      { periodStart: '2026-11-01', income: { amount: '0.00' }, expenses: { amount: '0.00' }, net: { amount: '0.00' } },
    ]);
    // Becoming an ordinary transaction makes it count, and becoming a transfer again removes it.
    leg = next(leg, { transferPeerId: null });
    await apply(leg);
    expect((await getBudget(u, budget.id)).spent.amount).toBe('70.00');
    await apply(next(leg, { categoryId: u.category.transfer! }));
    expect((await getBudget(u, budget.id)).spent.amount).toBe('0.00');
  });

  it('reports spending by category, largest first, and cash flow per day, week and month', async () => {
    const u = await newUser(server.url);
    const txs = [
      snapshot(u.id, { categoryId: u.category.groceries!, amountMinor: '-1000', date: '2026-11-02' }),
      snapshot(u.id, { categoryId: u.category.groceries!, amountMinor: '-2500', date: '2026-11-03' }),
      snapshot(u.id, { categoryId: u.category.groceries!, amountMinor: '500', date: '2026-11-04' }), // a refund
      snapshot(u.id, { categoryId: u.category.housing!, amountMinor: '-150000', date: '2026-11-05' }),
      snapshot(u.id, { categoryId: u.category.salary!, amountMinor: '800000', date: '2026-11-05' }),
      snapshot(u.id, { categoryId: u.category.refunds!, amountMinor: '-100', date: '2026-11-06' }),
      snapshot(u.id, { amountMinor: '-300', date: '2026-11-16' }),
      snapshot(u.id, { categoryId: u.category.fuel!, amountMinor: '4000', date: '2026-11-07' }), // net income: left out
      snapshot(u.id, { categoryId: u.category.groceries!, amountMinor: '-999', currency: 'USD', date: '2026-11-02' }),
    ];
    await Promise.all(txs.map(apply));
    expect(await spending(u, '2026-11-01', '2026-11-30')).toEqual([
      { category: { slug: 'housing' }, total: { amount: '1500.00', currency: 'BRL' }, count: 1 },
      { category: { slug: 'groceries' }, total: { amount: '30.00', currency: 'BRL' }, count: 3 },
      { category: null, total: { amount: '3.00', currency: 'BRL' }, count: 1 },
    ]);
    expect(await spending(u, '2026-11-03', '2026-11-03')).toEqual([
      { category: { slug: 'groceries' }, total: { amount: '25.00', currency: 'BRL' }, count: 1 },
    ]);
    expect((await spending(u, '2026-11-01', '2026-11-30', 'usd'))[0]?.total).toEqual({ amount: '9.99', currency: 'USD' });

    const weeks = await cashFlow(u, '2026-11-01', '2026-11-20', 'WEEK');
    expect(weeks.map((p) => [p.periodStart, p.income.amount, p.expenses.amount, p.net.amount])).toEqual([
      ['2026-10-26', '0.00', '0.00', '0.00'],
      ['2026-11-02', '8045.00', '1536.00', '6509.00'],
      ['2026-11-09', '0.00', '0.00', '0.00'],
      ['2026-11-16', '0.00', '3.00', '-3.00'],
    ]);
    const days = await cashFlow(u, '2026-11-04', '2026-11-06', 'DAY');
    expect(days.map((p) => [p.periodStart, p.net.amount])).toEqual([
      ['2026-11-04', '5.00'],
      ['2026-11-05', '6500.00'],
      ['2026-11-06', '-1.00'],
    ]);
    const months = await cashFlow(u, '2026-10-15', '2026-11-30');
    expect(months.map((p) => [p.periodStart, p.net.amount])).toEqual([
      ['2026-10-01', '0.00'],
      ['2026-11-01', '6506.00'],
    ]);
  });

  // Up to 160 database transactions at once on two shared cores: seconds when quiet, and more
  // than 30 under the full suite beside other work (a load average of 11).
  it('sums concurrent events of many transactions of one category and day exactly', { timeout: 180_000 }, async () => {
    const u = await newUser(server.url);
    const budget = await setBudget(u, { categoryId: u.category.groceries!, month: '2026-11', limit: '10000' });
    const txs = Array.from({ length: 200 }, (_, i) =>
      snapshot(u.id, { categoryId: u.category.groceries!, amountMinor: String(-(i + 1)) }),
    );
    // Rows race in waves of 40 (up to 160 database transactions at once on one budget and day:
    // more than the workers ever run, WORKER_CONCURRENCY per worker). All 1,400 at once only
    // measured whether Prisma's pool starts each one within maxWait on a loaded machine.
    const inWaves = async (make: (tx: TransactionSnapshot) => Promise<unknown>[]) => {
      for (let i = 0; i < txs.length; i += 40) await Promise.all(txs.slice(i, i + 40).flatMap(make));
    };
    // Each one applied twice at once, and moved by a second version at the same time.
    await inWaves((tx) => [apply(tx), apply(tx), apply(next(tx, { amountMinor: String(BigInt(tx.amountMinor) * 2n) }))]);
    // Then versions 3 and 4 (and replays) of every row race each other on existing ledger rows.
    const scaled = (tx: TransactionSnapshot, version: number, factor: bigint) => ({ ...tx, version, amountMinor: String(BigInt(tx.amountMinor) * factor) });
    await inWaves((tx) => [apply(scaled(tx, 3, 5n)), apply(scaled(tx, 4, 3n)), apply(scaled(tx, 3, 5n)), apply(scaled(tx, 4, 3n))]);
    const expected = 3 * ((200 * 201) / 2); // minor units
    expect((await getBudget(u, budget.id)).spent.amount).toBe((expected / 100).toFixed(2));
    expect((await spending(u, '2026-11-10', '2026-11-10'))[0]?.count).toBe(200);
  });
});
