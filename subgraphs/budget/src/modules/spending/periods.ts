import { badInput } from '@centavo/errors';

/** Calendar arithmetic on epoch days (days since 1970-01-01, UTC): no time zones, no DST. */

export type Interval = 'DAY' | 'WEEK' | 'MONTH';

const MS_PER_DAY = 86_400_000;

/** Longest accepted report range, and most points a cashFlow answer may have. */
export const MAX_RANGE_DAYS = 3_660;
export const MAX_POINTS = 366;

function epochDay(year: number, month: number, day: number): number | null {
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return Math.round(date.getTime() / MS_PER_DAY);
}

/** "2026-02-28" → epoch day; null for anything that is not a real calendar date. */
export function parseDay(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  return epochDay(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Epoch day → "YYYY-MM-DD". */
export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** "2026-11" → its first and last epoch day; null unless a real "YYYY-MM". */
export function parseMonth(value: unknown): { first: number; last: number } | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}$/.test(value)) return null;
  const first = parseDay(`${value}-01`);
  if (first === null) return null;
  return { first, last: addMonths(first, 1) - 1 };
}

/** Validates a month argument, naming the field in the error. */
export function requireMonth(value: unknown, field = 'month'): string {
  if (!parseMonth(value)) throw badInput(field, `${field} must be a month such as "2026-11"`);
  return value as string;
}

function addMonths(day: number, months: number): number {
  const date = new Date(day * MS_PER_DAY);
  const total = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  return epochDay(Math.floor(total / 12), (total % 12) + 1, 1) ?? day;
}

/** The first day of the period containing `day`: itself, its Monday, or the 1st of its month. */
export function periodStart(day: number, interval: Interval): number {
  if (interval === 'DAY') return day;
  if (interval === 'WEEK') return day - (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  const date = new Date(day * MS_PER_DAY);
  return day - (date.getUTCDate() - 1);
}

export function nextPeriod(start: number, interval: Interval): number {
  if (interval === 'DAY') return start + 1;
  if (interval === 'WEEK') return start + 7;
  return addMonths(start, 1);
}

/** Validated from/to of a report: real dates, from ≤ to, not longer than MAX_RANGE_DAYS. */
export function requireRange(from: unknown, to: unknown): { from: number; to: number } {
  const start = parseDay(from);
  if (start === null) throw badInput('from', 'from must be a date such as "2026-11-01"');
  const end = parseDay(to);
  if (end === null) throw badInput('to', 'to must be a date such as "2026-11-30"');
  if (end < start) throw badInput('to', 'to must not be before from');
  if (end - start + 1 > MAX_RANGE_DAYS) throw badInput('to', `The range may span at most ${MAX_RANGE_DAYS} days`);
  return { from: start, to: end };
}

/** The starts of every period that overlaps from..to, in order. */
export function periodStarts(from: number, to: number, interval: Interval): number[] {
  const starts: number[] = [];
  for (let start = periodStart(from, interval); start <= to; start = nextPeriod(start, interval)) {
    if (starts.length === MAX_POINTS) {
      throw badInput('to', `The range has more than ${MAX_POINTS} periods of ${interval}; use a longer interval`);
    }
    starts.push(start);
  }
  return starts;
}

export interface DayTotals {
  day: string;
  incomeMinor: bigint;
  expenseMinor: bigint;
}

export interface PeriodTotals {
  periodStart: string;
  incomeMinor: bigint;
  expenseMinor: bigint;
}

/** Sums daily totals into one point per period, empty periods included with zeros. */
export function bucket(from: number, to: number, interval: Interval, days: readonly DayTotals[]): PeriodTotals[] {
  const starts = periodStarts(from, to, interval);
  const index = new Map(starts.map((start, i) => [start, i]));
  const points = starts.map((start) => ({ periodStart: formatDay(start), incomeMinor: 0n, expenseMinor: 0n }));
  for (const row of days) {
    const day = parseDay(row.day);
    if (day === null || day < from || day > to) continue;
    const point = points[index.get(periodStart(day, interval)) ?? -1];
    if (!point) continue;
    point.incomeMinor += row.incomeMinor;
    point.expenseMinor += row.expenseMinor;
  }
  return points;
}
