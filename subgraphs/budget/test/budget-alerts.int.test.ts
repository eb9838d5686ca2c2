import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionSnapshot } from '@centavo/jobs';
import { event, newUser, setBudget, snapshot, type TestUser } from './factories.js';
import { alertsOf, raisedBy, startLive, type LiveHarness } from './live.js';

let h: LiveHarness;
beforeAll(async () => {
  h = await startLive();
});
afterAll(() => h?.stop());

const spend = (u: TestUser, slug: string, amountMinor: string, over: Partial<TransactionSnapshot> = {}) =>
  snapshot(u.id, { categoryId: u.category[slug]!, amountMinor, date: '2026-11-12', ...over });
/** Every event processed twice at once, as a relay replay racing the first delivery would. */
const twice = (tx: TransactionSnapshot) => {
  const e = event(tx, 'transaction.created');
  return Promise.all([h.process(e), h.process(e)]);
};

describe('budget alerts', () => {
  it('raises one WARNING at 80% and one EXCEEDED at 100%, each naming the transaction that crossed it', async () => {
    const u = await newUser(h.server.url);
    const heard = await h.listen(u.id);
    const budget = await setBudget(u, { categoryId: u.category.restaurants!, month: '2026-11', limit: '100' });
    const t85 = spend(u, 'restaurants', '-8500');
    const t20 = spend(u, 'restaurants', '-2000');
    await twice(t85);
    await twice(t20);
    await twice(spend(u, 'restaurants', '-5000')); // already over both: nothing new

    const alerts = await alertsOf(u);
    expect(alerts.map((a) => [a.type, a.severity, a.message])).toEqual([
      ['BUDGET_EXCEEDED', 'CRITICAL', 'Restaurants & takeout budget for 2026-11 is at 105% (105.00 of 100.00 BRL)'],
      ['BUDGET_WARNING', 'WARNING', 'Restaurants & takeout budget for 2026-11 is at 85% (85.00 of 100.00 BRL)'],
    ]);
    expect(raisedBy(alerts)).toEqual({ BUDGET_WARNING: t85.id, BUDGET_EXCEEDED: t20.id });
    expect(alerts.every((a) => a.budget?.id === budget.id && a.budget.category.slug === 'restaurants' && a.readAt === null)).toBe(true);

    // Each alert is delivered once (the second run finds it published), each change tells the budget.
    await heard.until((events) => events.filter((e) => e.field === 'alertRaised').length === 2, 'two alerts');
    expect(heard.ids('alertRaised').sort()).toEqual(alerts.map((a) => a.id).sort());
    expect(heard.ids('budgetUpdated').every((id) => id === budget.id)).toBe(true);
    expect(heard.ids('budgetUpdated').length).toBeGreaterThanOrEqual(3);
  });

  it('raises exactly one of each under racing events, and the sums in the messages are exact', async () => {
    const u = await newUser(h.server.url);
    await setBudget(u, { categoryId: u.category.groceries!, month: '2026-11', limit: '100' });
    const txs = Array.from({ length: 20 }, (_, i) => spend(u, 'groceries', '-1000', { date: `2026-11-${String(i + 1).padStart(2, '0')}` }));
    await Promise.all(txs.map(twice));
    const alerts = await alertsOf(u);
    // Changes of one budget run in turn: the WARNING is raised at exactly 80.00, EXCEEDED at 100.00.
    expect(alerts.map((a) => a.message).sort()).toEqual([
      'Groceries budget for 2026-11 is at 100% (100.00 of 100.00 BRL)',
      'Groceries budget for 2026-11 is at 80% (80.00 of 100.00 BRL)',
    ]);

    // 85 and 20 racing: either 85 crosses 80% and 20 crosses 100%, or 20 comes first and 85 crosses both.
    const v = await newUser(h.server.url);
    await setBudget(v, { categoryId: v.category.restaurants!, month: '2026-11', limit: '100' });
    const [t85, t20] = [spend(v, 'restaurants', '-8500'), spend(v, 'restaurants', '-2000')];
    await Promise.all([twice(t85), twice(t20)]);
    expect([
      { BUDGET_WARNING: t85.id, BUDGET_EXCEEDED: t20.id },
      { BUDGET_WARNING: t85.id, BUDGET_EXCEEDED: t85.id },
    ]).toContainEqual(raisedBy(await alertsOf(v)));
  });

  it('raises both at once for 0 → 120%, counts subcategories, and never twice per budget', async () => {
    const u = await newUser(h.server.url);
    const { createCategory } = await u.query<{ createCategory: { id: string } }>(
      `mutation ($p: ID!) { createCategory(input: { name: "Coffee", kind: EXPENSE, parentId: $p }) { id } }`,
      { p: u.category.restaurants },
    );
    const parent = await setBudget(u, { categoryId: u.category.restaurants!, month: '2026-11', limit: '100' });
    const big = snapshot(u.id, { categoryId: createCategory.id, amountMinor: '-12000', date: '2026-11-03' });
    await h.apply(big);
    let alerts = await alertsOf(u);
    expect(alerts.map((a) => [a.type, a.budget?.id, a.transaction?.id, a.message]).sort()).toEqual([
      ['BUDGET_EXCEEDED', parent.id, big.id, 'Restaurants & takeout budget for 2026-11 is at 120% (120.00 of 100.00 BRL)'],
      ['BUDGET_WARNING', parent.id, big.id, 'Restaurants & takeout budget for 2026-11 is at 120% (120.00 of 100.00 BRL)'],
    ]);

    // Falling below and crossing again, editing, or another currency and month raise nothing more.
    await h.apply({ ...big, version: 2, deleted: true });
    await h.apply(spend(u, 'restaurants', '-15000', { date: '2026-11-20' }));
    await h.apply(spend(u, 'restaurants', '-15000', { currency: 'USD' }));
    await h.apply(spend(u, 'restaurants', '-15000', { date: '2026-12-01' }));
    alerts = await alertsOf(u);
    expect(alerts).toHaveLength(2);

    // A recategorized transaction that pushes another budget across names itself.
    const groceries = await setBudget(u, { categoryId: u.category.groceries!, month: '2026-11', limit: '50' });
    const moved = spend(u, 'health', '-4500');
    await h.apply(moved);
    await h.apply({ ...moved, version: 2, categoryId: u.category.groceries! });
    const warning = (await alertsOf(u)).find((a) => a.budget?.id === groceries.id);
    expect(warning).toMatchObject({ type: 'BUDGET_WARNING', transaction: { id: moved.id }, message: expect.stringContaining('at 90%') });
  });

  it('publishes budgetUpdated for the budgets a change moved: its category, the parent, old and new place', async () => {
    const u = await newUser(h.server.url);
    const heard = await h.listen(u.id);
    const { createCategory } = await u.query<{ createCategory: { id: string } }>(
      `mutation ($p: ID!) { createCategory(input: { name: "Bakery", kind: EXPENSE, parentId: $p }) { id } }`,
      { p: u.category.groceries },
    );
    const [parent, child, fuel] = await Promise.all([
      setBudget(u, { categoryId: u.category.groceries!, month: '2026-11', limit: '1000' }),
      setBudget(u, { categoryId: createCategory.id, month: '2026-11', limit: '1000' }),
      setBudget(u, { categoryId: u.category.fuel!, month: '2026-11', limit: '1000' }),
      setBudget(u, { categoryId: u.category.groceries!, month: '2026-12', limit: '1000' }),
      setBudget(u, { categoryId: u.category.transport!, month: '2026-11', limit: '1000', currency: 'USD' }),
    ]);
    const tx = snapshot(u.id, { categoryId: createCategory.id, amountMinor: '-1000' });
    await h.apply(tx);
    await heard.until((e) => e.length >= 2, 'two budgets');
    expect(heard.ids('budgetUpdated').sort()).toEqual([parent.id, child.id].sort());

    heard.events.length = 0;
    await h.apply({ ...tx, version: 2, categoryId: u.category.fuel! });
    await heard.until((e) => e.length >= 3, 'three budgets');
    expect(heard.ids('budgetUpdated').sort()).toEqual([parent.id, child.id, fuel.id].sort());

    // Into transport, whose budget is in USD: only the fuel budget it left changed.
    heard.events.length = 0;
    await h.apply({ ...tx, version: 3, categoryId: u.category.transport! });
    await heard.until((e) => e.length >= 1, 'one budget');
    await new Promise((r) => setTimeout(r, 100));
    expect(heard.ids('budgetUpdated')).toEqual([fuel.id]);
    expect(heard.events.every((e) => e.__typename === 'Budget' && e.userId === u.id)).toBe(true);
  });

  it('delivers an alert stored before a crash when the event is replayed, and budgetUpdated again', async () => {
    const u = await newUser(h.server.url);
    const bystander = await newUser(h.server.url);
    const [heard, elsewhere] = await Promise.all([h.listen(u.id), h.listen(bystander.id)]);
    const budget = await setBudget(u, { categoryId: u.category.travel!, month: '2026-11', limit: '100' });
    const created = event(spend(u, 'travel', '-9000'), 'transaction.created');
    // Redis goes away after the commit: the job fails, the alert waits unpublished.
    const down = { publish: () => Promise.reject(new Error('redis down')) };
    await expect(h.process(created, down)).rejects.toThrow('redis down');
    const [stored] = await alertsOf(u);
    expect(stored).toMatchObject({ type: 'BUDGET_WARNING', transaction: { id: created.transaction.id } });
    expect(await h.prisma.alert.findUnique({ where: { id: stored!.id } })).toMatchObject({ publishedAt: null });

    // The retry finds the change applied and still publishes everything pending.
    expect((await h.process(created)).applied).toBe(false);
    await heard.until((e) => e.some((x) => x.field === 'alertRaised') && e.some((x) => x.field === 'budgetUpdated'), 'replayed events');
    expect(heard.ids('alertRaised')).toEqual([stored!.id]);
    expect(heard.ids('budgetUpdated')).toEqual([budget.id]);
    expect((await h.prisma.alert.findUnique({ where: { id: stored!.id } }))?.publishedAt).toBeInstanceOf(Date);

    // Published once: a further replay repeats budgetUpdated only.
    await h.process(created);
    await heard.until((e) => e.filter((x) => x.field === 'budgetUpdated').length === 2, 'second budgetUpdated');
    expect(heard.ids('alertRaised')).toHaveLength(1);
    expect(elsewhere.events).toEqual([]);
  });
});
