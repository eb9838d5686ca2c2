import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionEvent, TransactionSnapshot } from '@centavo/jobs';
import { event, getBudget, newUser, setBudget, snapshot, spending, testRun, type TestUser } from './factories.js';
import { alertsOf, raisedBy, startLive, type LiveHarness } from './live.js';

// The worker's processor with live updates, given whole batches as the relay sends them.
let h: LiveHarness;
beforeAll(async () => {
  h = await startLive();
});
afterAll(() => h?.stop());

const spend = (u: TestUser, slug: string, amountMinor: string, over: Partial<TransactionSnapshot> = {}) =>
  snapshot(u.id, { categoryId: u.category[slug]!, amountMinor, date: '2026-11-12', ...over });
const batch = (userId: string, events: TransactionEvent[]) => h.domain.processors[0].handle({ userId, events }, testRun);

describe('budget batches (one user\'s events of a relay pass, in one transaction)', () => {
  it('raises each budget alert once, for the row of the batch that crosses the threshold, with exact sums', async () => {
    const u = await newUser(h.server.url);
    const heard = await h.listen(u.id);
    const budget = await setBudget(u, { categoryId: u.category.restaurants!, month: '2026-11', limit: '100' });
    // 30 + 30 + 25 = 85 (crosses 80% at the third), + 10 = 95, + 10 = 105 (crosses 100% at the fifth), + 10.
    const rows = ['-3000', '-3000', '-2500', '-1000', '-1000', '-1000'].map((a) => spend(u, 'restaurants', a));
    const results = await batch(u.id, rows.map((r) => event(r, 'transaction.created')));
    expect(results.map((r) => r.applied)).toEqual(rows.map(() => true));
    const alerts = await alertsOf(u);
    expect(raisedBy(alerts)).toEqual({ BUDGET_WARNING: rows[2]!.id, BUDGET_EXCEEDED: rows[4]!.id });
    expect(alerts.map((a) => a.message).sort()).toEqual([
      'Restaurants & takeout budget for 2026-11 is at 105% (105.00 of 100.00 BRL)',
      'Restaurants & takeout budget for 2026-11 is at 85% (85.00 of 100.00 BRL)',
    ]);
    expect((await getBudget(u, budget.id)).spent.amount).toBe('115.00');
    // One budgetUpdated for the batch, and each alert once.
    await heard.until((events) => events.filter((e) => e.field === 'alertRaised').length === 2, 'two alerts');
    expect(heard.ids('budgetUpdated')).toEqual([budget.id]);
  });

  it('applies each version once and in version order within a batch and across replays regrouped differently', async () => {
    const u = await newUser(h.server.url);
    const budget = await setBudget(u, { categoryId: u.category.groceries!, month: '2026-11', limit: '1000' });
    const a1 = spend(u, 'groceries', '-1000');
    const a2 = { ...a1, version: 2, amountMinor: '-4000' };
    const a3 = { ...a2, version: 3, categoryId: u.category.restaurants! };
    const b1 = spend(u, 'groceries', '-500');
    const b2 = { ...b1, version: 2, deleted: true };
    const c1 = spend(u, 'groceries', '-700');
    // An older version after a newer one in the same batch is skipped; the rows' last state counts.
    const first = await batch(u.id, [event(a1, 'transaction.created'), event(a2), event(b1, 'transaction.created'), event(a1), event(b2, 'transaction.deleted')]);
    expect(first.map((r) => r.applied)).toEqual([true, true, true, false, true]);
    expect((await getBudget(u, budget.id)).spent.amount).toBe('40.00');
    // A relay replay after a crash before its commit can group the same events with new ones: each applies once.
    const second = await batch(u.id, [event(a2), event(b1, 'transaction.created'), event(c1, 'transaction.created'), event(a3)]);
    expect(second.map((r) => r.applied)).toEqual([false, false, true, true]);
    expect((await getBudget(u, budget.id)).spent.amount).toBe('7.00');
    expect(await spending(u, '2026-11-01', '2026-11-30')).toEqual([
      { category: { slug: 'restaurants' }, total: { amount: '40.00', currency: 'BRL' }, count: 1 },
      { category: { slug: 'groceries' }, total: { amount: '7.00', currency: 'BRL' }, count: 1 },
    ]);
    // The whole batch again: nothing changes.
    expect((await batch(u.id, [event(a3), event(c1, 'transaction.created')])).map((r) => r.applied)).toEqual([false, false]);
    expect((await getBudget(u, budget.id)).spent.amount).toBe('7.00');
  });

  it('publishes, with the next batch that raises nothing, an alert an earlier run stored and never published (a crash after its commit)', async () => {
    const u = await newUser(h.server.url);
    const heard = await h.listen(u.id);
    // As a run that committed its alert and died before publishing leaves it (no budget, nothing of this batch raises one).
    const stranded = await h.prisma.alert.create({
      data: { userId: u.id, type: 'LARGE_TRANSACTION', severity: 'INFO', message: 'Large transaction', subjectId: randomUUID(), transactionId: randomUUID() },
    });
    const results = await batch(u.id, [event(spend(u, 'groceries', '-100'), 'transaction.created')]);
    expect(results.map((r) => r.applied)).toEqual([true]);
    await heard.until((events) => events.some((e) => e.field === 'alertRaised' && e.id === stranded.id), 'the stranded alert');
    expect((await h.prisma.alert.findUniqueOrThrow({ where: { id: stranded.id } })).publishedAt).not.toBeNull();
    // Published once: the next batch finds nothing pending and publishes nothing.
    await batch(u.id, [event(spend(u, 'groceries', '-100'), 'transaction.created')]);
    await new Promise((r) => setTimeout(r, 200));
    expect(heard.ids('alertRaised')).toEqual([stranded.id]);
  });

  it('applies a new transaction once when two batches holding it run at once (the later insert runs its transaction again)', async () => {
    const u = await newUser(h.server.url);
    const budget = await setBudget(u, { categoryId: u.category.groceries!, month: '2026-11', limit: '1000' });
    const rows = Array.from({ length: 20 }, () => spend(u, 'groceries', '-100'));
    const created = rows.map((r) => event(r, 'transaction.created'));
    // Two relay passes' groupings of the same events (a replay), and a third with half of them.
    const outcomes = await Promise.all([batch(u.id, created), batch(u.id, [...created].reverse()), batch(u.id, created.slice(0, 10))]);
    for (const [i] of rows.entries()) {
      const times = [outcomes[0]![i]!.applied, outcomes[1]![rows.length - 1 - i]!.applied, i < 10 && outcomes[2]![i]!.applied].filter(Boolean).length;
      expect(times).toBe(1);
    }
    expect((await getBudget(u, budget.id)).spent.amount).toBe('20.00');
  });

  it('rejects a batch holding another user\'s transaction, changing nothing', async () => {
    const u = await newUser(h.server.url);
    const other = await newUser(h.server.url);
    const budget = await setBudget(u, { categoryId: u.category.groceries!, month: '2026-11', limit: '1000' });
    await expect(batch(u.id, [event(spend(u, 'groceries', '-100'), 'transaction.created'), event(spend(other, 'groceries', '-100'), 'transaction.created')])).rejects.toThrow(/not user/);
    expect((await getBudget(u, budget.id)).spent.amount).toBe('0.00');
  });
});
