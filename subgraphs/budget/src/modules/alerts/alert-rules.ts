/** When alerts are raised and what they say: pure bigint rules, so every threshold is exact. */
import { currencyExponent, formatAmount } from '@centavo/money';
import type { AlertType, Severity } from '../../generated/prisma/client.js';
import { budgetStatus, type BudgetStatus } from '../budgets/budget-status.js';

export const SEVERITY: Record<AlertType, Severity> = {
  BUDGET_WARNING: 'WARNING',
  BUDGET_EXCEEDED: 'CRITICAL',
  UNUSUAL_SPENDING: 'WARNING',
  LARGE_TRANSACTION: 'INFO',
  BILL_DUE: 'INFO',
  RECURRING_AMOUNT_CHANGED: 'WARNING',
  WEBHOOK_DISABLED: 'WARNING',
};

/** LARGE_TRANSACTION: money out of at least this many major units, unless the user set their own. */
export const DEFAULT_LARGE_TRANSACTION_MAJOR = 1000n;

/** UNUSUAL_SPENDING: at least `factor` × the median of at least `minHistory` earlier expenses. */
export const UNUSUAL_RULE = { factor: 3n, minHistory: 5, windowDays: 90, minMajor: 50n } as const;

const majorUnits = (major: bigint, currency: string): bigint => major * 10n ** BigInt(currencyExponent(currency));

export const defaultLargeThreshold = (currency: string): bigint => majorUnits(DEFAULT_LARGE_TRANSACTION_MAJOR, currency);

/** The smallest expense UNUSUAL_SPENDING looks at; below it, no history is read. */
export const minUnusualAmount = (currency: string): bigint => majorUnits(UNUSUAL_RULE.minMajor, currency);

const RANK: Record<BudgetStatus, number> = { ON_TRACK: 0, WARNING: 1, EXCEEDED: 2 };

/** The thresholds a change pushed a budget across upwards: 80% (WARNING), 100% (EXCEEDED), or both. */
export function budgetCrossings(spentBefore: bigint, spentAfter: bigint, limitMinor: bigint): ('BUDGET_WARNING' | 'BUDGET_EXCEEDED')[] {
  const from = RANK[budgetStatus(spentBefore, limitMinor)];
  const to = RANK[budgetStatus(spentAfter, limitMinor)];
  const crossed: ('BUDGET_WARNING' | 'BUDGET_EXCEEDED')[] = [];
  if (from < 1 && to >= 1) crossed.push('BUDGET_WARNING');
  if (from < 2 && to >= 2) crossed.push('BUDGET_EXCEEDED');
  return crossed;
}

/** Whole percent, rounded down, so "80%" never shows for 79.99%. */
const percent = (spent: bigint, limit: bigint): bigint => (limit > 0n ? (spent * 100n) / limit : 0n);

export function budgetMessage(b: { categoryName: string; month: string; spentMinor: bigint; limitMinor: bigint; currency: string }): string {
  const amounts = `${formatAmount(b.spentMinor, b.currency)} of ${formatAmount(b.limitMinor, b.currency)} ${b.currency}`;
  return `${b.categoryName} budget for ${b.month} is at ${percent(b.spentMinor, b.limitMinor)}% (${amounts})`;
}

/** Twice the median (exact in integers: the two middle values added for an even count). */
function doubleMedian(sorted: readonly bigint[]): bigint {
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0n;
  return sorted.length % 2 === 1 ? 2n * upper : (sorted[mid - 1] ?? 0n) + upper;
}

/**
 * Whether an expense (positive minor units) is unusual against the user's earlier expenses of
 * its category and currency: at least UNUSUAL_RULE.minMajor, with at least minHistory earlier
 * ones, and at least factor × their median. Returns the median (rounded down) when it is.
 */
export function unusualAgainst(amountMinor: bigint, history: readonly bigint[], currency: string): { medianMinor: bigint } | null {
  if (amountMinor < minUnusualAmount(currency) || history.length < UNUSUAL_RULE.minHistory) return null;
  return unusualByMedian(amountMinor, history.length, doubleMedian([...history].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))), currency);
}

/** unusualAgainst for a history given as its size and twice its median (see ExpenseWindow). */
export function unusualByMedian(amountMinor: bigint, count: number, twiceMedian: bigint, currency: string): { medianMinor: bigint } | null {
  if (amountMinor < minUnusualAmount(currency) || count < UNUSUAL_RULE.minHistory) return null;
  if (2n * amountMinor < UNUSUAL_RULE.factor * twiceMedian) return null;
  return { medianMinor: twiceMedian / 2n };
}

/** "6.2×": amount / median to one decimal, rounded down. */
const ratio = (amount: bigint, median: bigint): string => {
  const tenths = median > 0n ? (amount * 10n) / median : 0n;
  return `${tenths / 10n}.${tenths % 10n}×`;
};

export function unusualMessage(t: { categoryName: string; amountMinor: bigint; medianMinor: bigint; currency: string; day: string }): string {
  const money = (minor: bigint) => `${formatAmount(minor, t.currency)} ${t.currency}`;
  return (
    `Unusual spending in ${t.categoryName}: ${money(t.amountMinor)} on ${t.day} is ${ratio(t.amountMinor, t.medianMinor)} ` +
    `your median of ${money(t.medianMinor)} over the last ${UNUSUAL_RULE.windowDays} days`
  );
}

export function largeMessage(t: { amountMinor: bigint; currency: string; day: string; description: string }): string {
  const text = t.description.trim().replace(/\s+/g, ' ');
  const shown = text.length > 60 ? `${text.slice(0, 59)}…` : text;
  return `Large transaction: ${formatAmount(t.amountMinor, t.currency)} ${t.currency} on ${t.day}${shown ? ` (${shown})` : ''}`;
}
