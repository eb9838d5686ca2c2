/** What one transaction contributes to the daily aggregates, and how a change moves them. */

/** The category key of uncategorized rows: a nil UUID, because NULLs are distinct in a key. */
export const UNCATEGORIZED_KEY = '00000000-0000-0000-0000-000000000000';

export interface LedgerEntry {
  transactionId: string;
  userId: string;
  /** The counted category; null when uncategorized. */
  categoryId: string | null;
  /** "YYYY-MM-DD" */
  day: string;
  currency: string;
  amountMinor: bigint;
  isTransfer: boolean;
  version: number;
  deleted: boolean;
  /** A split row's parts, each counted in its own category instead of the row; absent or null: not split. */
  parts?: LedgerPart[] | null;
  /** The row's own tags (spendingByTag); absent: none. */
  tags?: string[];
}

/** One part of a split row: counted like a row of its own, of the row's day and currency. */
export interface LedgerPart {
  /** null when not one of the user's categories (counted as uncategorized). */
  categoryId: string | null;
  amountMinor: bigint;
  /** Its category is a TRANSFER one: it counts nowhere, like a transfer. */
  isTransfer: boolean;
  tags: string[];
}

export interface AggregateDelta {
  userId: string;
  categoryKey: string;
  currency: string;
  day: string;
  expenseMinor: bigint;
  incomeMinor: bigint;
  count: number;
}

const keyOf = (d: Pick<AggregateDelta, 'userId' | 'categoryKey' | 'currency' | 'day'>) =>
  `${d.userId}|${d.categoryKey}|${d.currency}|${d.day}`;

/** The entry's share of the aggregates; deleted rows and transfers contribute nothing. */
export function contributionOf(entry: LedgerEntry, sign: 1n | -1n = 1n): AggregateDelta | null {
  if (entry.deleted || entry.isTransfer) return null;
  const out = entry.amountMinor < 0n ? -entry.amountMinor : 0n;
  const into = entry.amountMinor > 0n ? entry.amountMinor : 0n;
  return {
    userId: entry.userId,
    categoryKey: entry.categoryId ?? UNCATEGORIZED_KEY,
    currency: entry.currency,
    day: entry.day,
    expenseMinor: sign * out,
    incomeMinor: sign * into,
    count: Number(sign),
  };
}

/** The entry's shares of the aggregates: the row's, or each of its parts' when it is split. */
export function contributionsOf(entry: LedgerEntry, sign: 1n | -1n = 1n): AggregateDelta[] {
  if (!entry.parts || entry.parts.length === 0) {
    const one = contributionOf(entry, sign);
    return one ? [one] : [];
  }
  if (entry.deleted || entry.isTransfer) return [];
  return entry.parts.flatMap((part) => {
    const one = contributionOf({ ...entry, parts: null, categoryId: part.categoryId, amountMinor: part.amountMinor, isTransfer: part.isTransfer }, sign);
    return one ? [one] : [];
  });
}

/**
 * The deltas that take the aggregates from `previous` to `next`, or null when `next` is not
 * newer (a replay or an older event). Merged per row and sorted by key, so concurrent
 * transactions always lock aggregate rows in the same order and cannot deadlock.
 */
export function planDeltas(previous: LedgerEntry | null, next: LedgerEntry): AggregateDelta[] | null {
  if (previous && next.version <= previous.version) return null;
  return mergeDeltas([...(previous ? contributionsOf(previous, -1n) : []), ...contributionsOf(next)]);
}

/** Deltas merged per aggregate row, zero rows left out, in key order (concurrent batches lock rows in one order: no deadlock). */
export function mergeDeltas(deltas: readonly AggregateDelta[]): AggregateDelta[] {
  const merged = new Map<string, AggregateDelta>();
  for (const delta of deltas) {
    const key = keyOf(delta);
    const existing = merged.get(key);
    if (!existing) merged.set(key, { ...delta });
    else {
      existing.expenseMinor += delta.expenseMinor;
      existing.incomeMinor += delta.incomeMinor;
      existing.count += delta.count;
    }
  }
  return [...merged.entries()]
    .filter(([, d]) => d.expenseMinor !== 0n || d.incomeMinor !== 0n || d.count !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, d]) => d);
}
