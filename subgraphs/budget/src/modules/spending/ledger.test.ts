import { describe, expect, it } from 'vitest';
import { contributionOf, contributionsOf, planDeltas, UNCATEGORIZED_KEY, type LedgerEntry } from './ledger.js';

const USER = '11111111-1111-4111-8111-111111111111';
const GROCERIES = '22222222-2222-4222-8222-222222222222';
const RESTAURANTS = '33333333-3333-4333-8333-333333333333';
const entry = (over: Partial<LedgerEntry> = {}): LedgerEntry => ({
  transactionId: '44444444-4444-4444-8444-444444444444',
  userId: USER,
  categoryId: GROCERIES,
  day: '2026-11-10',
  currency: 'BRL',
  amountMinor: -5_000n,
  isTransfer: false,
  version: 1,
  deleted: false,
  ...over,
});

describe('ledger contributions', () => {
  it('counts money out as expense and money in as income', () => {
    expect(contributionOf(entry())).toMatchObject({ expenseMinor: 5_000n, incomeMinor: 0n, count: 1 });
    expect(contributionOf(entry({ amountMinor: 700n }))).toMatchObject({ expenseMinor: 0n, incomeMinor: 700n, count: 1 });
    expect(contributionOf(entry({ categoryId: null }))?.categoryKey).toBe(UNCATEGORIZED_KEY);
  });

  it('gives deleted rows and transfers no contribution', () => {
    expect(contributionOf(entry({ deleted: true }))).toBeNull();
    expect(contributionOf(entry({ isTransfer: true }))).toBeNull();
  });
});

describe('planning a change', () => {
  it('refuses replays and older versions', () => {
    expect(planDeltas(entry({ version: 3 }), entry({ version: 3 }))).toBeNull();
    expect(planDeltas(entry({ version: 3 }), entry({ version: 2, amountMinor: -1n }))).toBeNull();
  });

  it('merges a change within one row into a single delta', () => {
    expect(planDeltas(entry(), entry({ version: 2, amountMinor: -7_500n }))).toEqual([
      expect.objectContaining({ categoryKey: GROCERIES, expenseMinor: 2_500n, incomeMinor: 0n, count: 0 }),
    ]);
    expect(planDeltas(entry(), entry({ version: 2 }))).toEqual([]);
  });

  it('moves a recategorized transaction, in key order', () => {
    const deltas = planDeltas(entry({ categoryId: RESTAURANTS }), entry({ version: 2 }))!;
    expect(deltas.map((d) => [d.categoryKey, d.expenseMinor, d.count])).toEqual([
      [GROCERIES, 5_000n, 1],
      [RESTAURANTS, -5_000n, -1],
    ]);
  });

  it('removes on deletion and adds nothing for a first transfer', () => {
    expect(planDeltas(entry(), entry({ version: 2, deleted: true }))).toEqual([
      expect.objectContaining({ expenseMinor: -5_000n, count: -1 }),
    ]);
    expect(planDeltas(null, entry({ isTransfer: true }))).toEqual([]);
    expect(planDeltas(entry(), entry({ version: 2, isTransfer: true }))).toEqual([
      expect.objectContaining({ expenseMinor: -5_000n, count: -1 }),
    ]);
  });
});

describe('split rows', () => {
  const parts = [
    { categoryId: GROCERIES, amountMinor: -3_000n, isTransfer: false, tags: [] },
    { categoryId: RESTAURANTS, amountMinor: -1_500n, isTransfer: false, tags: ['trip'] },
    { categoryId: null, amountMinor: -500n, isTransfer: false, tags: [] },
  ];

  it('counts each part in its own category instead of the row', () => {
    const split = entry({ version: 2, categoryId: null, parts });
    const byKey = Object.fromEntries(contributionsOf(split).map((d) => [d.categoryKey, [d.expenseMinor, d.count]]));
    expect(byKey).toEqual({ [GROCERIES]: [3_000n, 1], [RESTAURANTS]: [1_500n, 1], [UNCATEGORIZED_KEY]: [500n, 1] });
    // Splitting a groceries row moves 20.00 out of groceries, to restaurants and uncategorized.
    const moved = Object.fromEntries((planDeltas(entry(), split) ?? []).map((d) => [d.categoryKey, d.expenseMinor]));
    expect(moved).toEqual({ [GROCERIES]: -2_000n, [RESTAURANTS]: 1_500n, [UNCATEGORIZED_KEY]: 500n });
    // Clearing it moves them back.
    const back = Object.fromEntries((planDeltas(split, entry({ version: 3 })) ?? []).map((d) => [d.categoryKey, d.expenseMinor]));
    expect(back).toEqual({ [GROCERIES]: 2_000n, [RESTAURANTS]: -1_500n, [UNCATEGORIZED_KEY]: -500n });
  });

  it('leaves out TRANSFER parts, and every part of a deleted row', () => {
    const withTransfer = entry({ parts: [parts[0]!, { ...parts[1]!, isTransfer: true }] });
    expect(contributionsOf(withTransfer).map((d) => d.categoryKey)).toEqual([GROCERIES]);
    expect(contributionsOf(entry({ parts, deleted: true }))).toEqual([]);
  });
});
