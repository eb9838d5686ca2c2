import { describe, expect, it } from 'vitest';
import { budgetCrossings, budgetMessage, defaultLargeThreshold, largeMessage, unusualAgainst, unusualMessage } from './alert-rules.js';

describe('budget crossings', () => {
  const limit = 10_000n; // 100.00

  it('raises WARNING from exactly 80% and EXCEEDED from exactly 100%, each only when crossed upwards', () => {
    expect(budgetCrossings(0n, 7_999n, limit)).toEqual([]);
    expect(budgetCrossings(7_999n, 8_000n, limit)).toEqual(['BUDGET_WARNING']);
    expect(budgetCrossings(8_500n, 9_999n, limit)).toEqual([]);
    expect(budgetCrossings(8_500n, 10_000n, limit)).toEqual(['BUDGET_EXCEEDED']);
    expect(budgetCrossings(10_000n, 20_000n, limit)).toEqual([]);
    // Going down never raises, and a change that jumps both thresholds raises both.
    expect(budgetCrossings(12_000n, 5_000n, limit)).toEqual([]);
    expect(budgetCrossings(0n, 12_000n, limit)).toEqual(['BUDGET_WARNING', 'BUDGET_EXCEEDED']);
  });

  it('says where the budget stands, percent rounded down', () => {
    expect(budgetMessage({ categoryName: 'Restaurants', month: '2026-11', spentMinor: 8_500n, limitMinor: limit, currency: 'BRL' })).toBe(
      'Restaurants budget for 2026-11 is at 85% (85.00 of 100.00 BRL)',
    );
    expect(budgetMessage({ categoryName: 'Food', month: '2026-11', spentMinor: 2n, limitMinor: 3n, currency: 'JPY' })).toBe(
      'Food budget for 2026-11 is at 66% (2 of 3 JPY)',
    );
  });
});

describe('large transactions', () => {
  it('default to 1000 major units of the currency', () => {
    expect(defaultLargeThreshold('BRL')).toBe(100_000n);
    expect(defaultLargeThreshold('JPY')).toBe(1_000n);
    expect(defaultLargeThreshold('BHD')).toBe(1_000_000n);
  });

  it('name amount, day and a shortened description', () => {
    expect(largeMessage({ amountMinor: 150_000n, currency: 'BRL', day: '2026-11-10', description: '  LOJA   X ' })).toBe(
      'Large transaction: 1500.00 BRL on 2026-11-10 (LOJA X)',
    );
    expect(largeMessage({ amountMinor: 1_000n, currency: 'JPY', day: '2026-11-10', description: 'a'.repeat(80) })).toMatch(/\(a{59}…\)$/);
  });
});

describe('unusual spending', () => {
  const five = [1_000n, 2_000n, 3_000n, 4_000n, 5_000n]; // median 30.00

  it('needs at least 3× the median of at least 5 earlier expenses, and at least 50 major units', () => {
    expect(unusualAgainst(9_000n, five, 'BRL')).toEqual({ medianMinor: 3_000n });
    expect(unusualAgainst(8_999n, five, 'BRL')).toBeNull();
    expect(unusualAgainst(9_000n, five.slice(1), 'BRL')).toBeNull(); // only 4 earlier
    expect(unusualAgainst(4_999n, [1n, 1n, 1n, 1n, 1n], 'BRL')).toBeNull(); // below 50.00
    expect(unusualAgainst(5_000n, [1n, 1n, 1n, 1n, 1n], 'BRL')).toEqual({ medianMinor: 1n });
    expect(unusualAgainst(50n, [1n, 1n, 1n, 1n, 1n], 'JPY')).toEqual({ medianMinor: 1n });
  });

  it('takes the mean of the two middle values of an even count, exactly', () => {
    const six = [1_000n, 1_000n, 2_000n, 2_001n, 9_000n, 9_000n]; // median 20.005
    expect(unusualAgainst(6_001n, six, 'BRL')).toBeNull(); // 3 × 20.005 = 60.015
    expect(unusualAgainst(6_002n, [...six].reverse(), 'BRL')).toEqual({ medianMinor: 2_000n }); // shown rounded down
  });

  it('explains itself', () => {
    expect(unusualMessage({ categoryName: 'Restaurants', amountMinor: 18_500n, medianMinor: 3_000n, currency: 'BRL', day: '2026-11-10' })).toBe(
      'Unusual spending in Restaurants: 185.00 BRL on 2026-11-10 is 6.1× your median of 30.00 BRL over the last 90 days',
    );
  });
});
