import { describe, expect, it } from 'vitest';
import { formatDay, parseDay } from '../spending/periods.js';
import { unusualVerdicts } from './alert-raiser.js';
import { UNUSUAL_RULE, unusualAgainst } from './alert-rules.js';
import { ExpenseWindow } from './expense-window.js';

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('ExpenseWindow', () => {
  it('answers the median of what it holds, duplicates included, as amounts come and go', () => {
    const window = new ExpenseWindow([5n, 1n, 9n, 3n]);
    window.add(5n);
    expect(window.doubleMedian()).toBe(10n);
    window.add(1n);
    window.add(1n);
    expect(window.nth(0)).toBe(1n);
    expect(window.doubleMedian()).toBe(2n);
    window.add(9n);
    expect(window.doubleMedian()).toBe(6n); // 1 1 5 9
    window.remove(1n);
    expect([window.size, window.doubleMedian()]).toEqual([3, 10n]);
    expect(() => window.add(2n)).toThrow(/not declared/);
    expect(() => window.nth(3)).toThrow(RangeError);
  });

  it('matches a sorted copy on random adds and removes', () => {
    const next = random(7);
    const pool = Array.from({ length: 60 }, () => BigInt(Math.floor(next() * 40)));
    const window = new ExpenseWindow(pool);
    const held: bigint[] = [];
    for (let step = 0; step < 2000; step++) {
      if (held.length > 0 && next() < 0.4) {
        const [gone] = held.splice(Math.floor(next() * held.length), 1);
        window.remove(gone!);
      } else {
        const amount = pool[Math.floor(next() * pool.length)]!;
        held.push(amount);
        window.add(amount);
      }
      if (held.length === 0) continue;
      const sorted = [...held].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const mid = Math.floor(sorted.length / 2);
      expect(window.doubleMedian()).toBe(sorted.length % 2 ? 2n * sorted[mid]! : sorted[mid - 1]! + sorted[mid]!);
    }
  });
});

describe('unusualVerdicts', () => {
  it('gives every candidate what the per-candidate rule gives against its 90 days, itself left out', () => {
    const next = random(11);
    const userId = '00000000-0000-4000-8000-000000000000';
    const categories = ['c1', 'c2'];
    const start = parseDay('2025-01-01')!;
    const ledger = Array.from({ length: 600 }, (_, i) => ({
      transactionId: `t${i}`,
      categoryId: categories[Math.floor(next() * categories.length)]!,
      currency: next() < 0.8 ? 'BRL' : 'USD',
      day: formatDay(start + Math.floor(next() * 200)),
      // Mostly small, now and then a big one: some candidates are unusual, most are not.
      amountMinor: BigInt(next() < 0.1 ? 20_000 + Math.floor(next() * 50_000) : 500 + Math.floor(next() * 4_000)),
    }));
    // Candidates: some rows of the ledger, and one that is no longer in it (moved away by a later change).
    const candidates = [...ledger.filter((_, i) => i % 7 === 0), { ...ledger[3]!, transactionId: 'gone', categoryId: 'c1' }].map((t) => ({
      transactionId: t.transactionId, userId, categoryId: t.categoryId, currency: t.currency, day: t.day, amountMinor: -t.amountMinor,
      isTransfer: false, deleted: false, version: 1,
    }));
    const ids = new Set(candidates.map((c) => c.transactionId));
    const days = new Map<string, { categoryId: string; currency: string; day: string; amounts: bigint[]; mine: { transactionId: string; amountMinor: bigint }[] }>();
    for (const t of ledger) {
      const key = `${t.categoryId}|${t.currency}|${t.day}`;
      let d = days.get(key);
      if (!d) days.set(key, (d = { categoryId: t.categoryId, currency: t.currency, day: t.day, amounts: [], mine: [] }));
      d.amounts.push(t.amountMinor);
      if (ids.has(t.transactionId)) d.mine.push({ transactionId: t.transactionId, amountMinor: t.amountMinor });
    }
    const verdicts = unusualVerdicts(candidates, [...days.values()]);
    const expected = candidates.map((c) => {
      const from = formatDay(parseDay(c.day)! - UNUSUAL_RULE.windowDays);
      const earlier = ledger
        .filter((h) => h.categoryId === c.categoryId && h.currency === c.currency && h.day >= from && h.day <= c.day && h.transactionId !== c.transactionId)
        .map((h) => h.amountMinor);
      return unusualAgainst(-c.amountMinor, earlier, c.currency);
    });
    expect(verdicts).toEqual(expected);
    expect(expected.filter(Boolean).length).toBeGreaterThan(3);
    expect(expected.filter((v) => v === null).length).toBeGreaterThan(3);
  });
});
