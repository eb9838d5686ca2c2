import { describe, expect, it } from 'vitest';
import { budgetProgress, budgetStatus, spentOf } from './budget-status.js';

describe('budget status', () => {
  it('is ON_TRACK below 80%, WARNING from exactly 80%, EXCEEDED from exactly 100%', () => {
    const limit = 100_000n; // 1000.00
    expect(budgetStatus(0n, limit)).toBe('ON_TRACK');
    expect(budgetStatus(79_999n, limit)).toBe('ON_TRACK');
    expect(budgetStatus(80_000n, limit)).toBe('WARNING');
    expect(budgetStatus(99_999n, limit)).toBe('WARNING');
    expect(budgetStatus(100_000n, limit)).toBe('EXCEEDED');
    expect(budgetStatus(250_000n, limit)).toBe('EXCEEDED');
  });

  it('uses exact integer thresholds where a float would round', () => {
    // 80% of 3 minor units is 2.4: 2 is on track, 3 is exceeded, no float fuzz either side.
    expect(budgetStatus(2n, 3n)).toBe('ON_TRACK');
    expect(budgetStatus(3n, 3n)).toBe('EXCEEDED');
    // Beyond 2^53, where Number() loses units: one unit below 80% stays ON_TRACK.
    const limit = 10n ** 17n;
    expect(budgetStatus((limit * 4n) / 5n - 1n, limit)).toBe('ON_TRACK');
    expect(budgetStatus((limit * 4n) / 5n, limit)).toBe('WARNING');
  });

  it('reports progress as spent / limit', () => {
    expect(budgetProgress(0n, 5_000n)).toBe(0);
    expect(budgetProgress(4_000n, 5_000n)).toBe(0.8);
    expect(budgetProgress(7_500n, 5_000n)).toBe(1.5);
    expect(budgetProgress(1n, 3n)).toBeCloseTo(1 / 3, 12);
  });

  it('never lets net income make spent negative', () => {
    expect(spentOf(-500n)).toBe(0n);
    expect(spentOf(0n)).toBe(0n);
    expect(spentOf(1_234n)).toBe(1_234n);
  });
});
