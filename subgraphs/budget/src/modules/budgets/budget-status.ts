/** How far a budget is used: pure bigint math, so 80% and 100% are exact thresholds. */

export type BudgetStatus = 'ON_TRACK' | 'WARNING' | 'EXCEEDED';

/** Net money out (expenses − incomes) as a budget's spent amount: never negative. */
export const spentOf = (netMinor: bigint): bigint => (netMinor > 0n ? netMinor : 0n);

/** ON_TRACK below 80% of the limit, WARNING from 80%, EXCEEDED from 100%. */
export function budgetStatus(spentMinor: bigint, limitMinor: bigint): BudgetStatus {
  if (spentMinor >= limitMinor) return 'EXCEEDED';
  if (spentMinor * 5n >= limitMinor * 4n) return 'WARNING';
  return 'ON_TRACK';
}

/** spent / limit; the one float of the API, for progress bars. */
export function budgetProgress(spentMinor: bigint, limitMinor: bigint): number {
  return limitMinor > 0n ? Number(spentMinor) / Number(limitMinor) : 0;
}
