import { badInput } from '@centavo/errors';

/** Most months one netWorthByMonth answer may span (ten years). */
export const MAX_NET_WORTH_MONTHS = 120;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthOf = (index: number) => `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;

/** "YYYY-MM" → its last day "YYYY-MM-DD". */
export function monthEnd(month: string): string {
  const index = monthIndex(month) + 1;
  const last = new Date(Date.UTC(Math.floor(index / 12), index % 12, 0));
  return `${month}-${String(last.getUTCDate()).padStart(2, '0')}`;
}

/** The months from..to ("YYYY-MM", inclusive, at most MAX_NET_WORTH_MONTHS); BAD_USER_INPUT naming the field. */
export function requireMonths(from: unknown, to: unknown): string[] {
  if (typeof from !== 'string' || !MONTH.test(from) || from < '0001') throw badInput('from', 'from must be a month such as "2026-01"');
  if (typeof to !== 'string' || !MONTH.test(to) || to < '0001') throw badInput('to', 'to must be a month such as "2026-12"');
  const [first, last] = [monthIndex(from), monthIndex(to)];
  if (last < first) throw badInput('to', 'to must not be before from');
  if (last - first + 1 > MAX_NET_WORTH_MONTHS) throw badInput('to', `The range may span at most ${MAX_NET_WORTH_MONTHS} months`);
  return Array.from({ length: last - first + 1 }, (_, i) => monthOf(first + i));
}

export interface NetWorthMonthRecord {
  /** "YYYY-MM" */
  month: string;
  /** Its last day "YYYY-MM-DD": balances count every transaction dated up to it. */
  monthEnd: string;
  /** Sum of every account's balance per currency (accounts keep their own currency), by code. */
  balances: { currency: string; minor: bigint }[];
}

/**
 * Balances at each month end from the opening balances and the money moved per (currency, month)
 * up to the last month: a running sum, so the months before `from` count once.
 */
export function netWorthByMonth(
  months: readonly string[],
  openings: readonly { currency: string; minor: bigint }[],
  flows: readonly { currency: string; month: string; minor: bigint }[],
): NetWorthMonthRecord[] {
  const running = new Map<string, bigint>();
  for (const o of openings) running.set(o.currency, (running.get(o.currency) ?? 0n) + o.minor);
  const sorted = [...flows].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
  let next = 0;
  return months.map((month) => {
    for (; next < sorted.length && sorted[next]!.month <= month; next++) {
      const f = sorted[next]!;
      running.set(f.currency, (running.get(f.currency) ?? 0n) + f.minor);
    }
    const balances = [...running.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, minor]) => ({ currency, minor }));
    return { month, monthEnd: monthEnd(month), balances };
  });
}
