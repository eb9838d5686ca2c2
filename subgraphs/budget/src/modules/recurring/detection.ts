import { createHash } from 'node:crypto';
import { formatDay, parseDay } from '../spending/periods.js';

/** Pure rules of recurring bills: payee keys, periods, detection and amount tolerance. */

export type RecurringPeriod = 'WEEKLY' | 'MONTHLY' | 'YEARLY';

/**
 * The gaps (in days) between two payments that count as one period, and how long after a due
 * date a bill still waits for its payment before the next occurrence is expected instead.
 */
export const PERIOD_RULES: Record<RecurringPeriod, { minDays: number; maxDays: number; graceDays: number }> = {
  WEEKLY: { minDays: 5, maxDays: 9, graceDays: 3 },
  MONTHLY: { minDays: 26, maxDays: 35, graceDays: 7 },
  YEARLY: { minDays: 350, maxDays: 380, graceDays: 20 },
};

/** The least number of payments a pattern needs before it is suggested. */
export const MIN_OCCURRENCES = 3;
/**
 * How far back detection reads: a live pattern's latest payment is at most one period and its
 * grace days before today (yearly: 380 + 20), and its run of 3 spans at most 2 × 380 days more.
 */
export const HISTORY_DAYS = 2 * PERIOD_RULES.YEARLY.maxDays + PERIOD_RULES.YEARLY.maxDays + PERIOD_RULES.YEARLY.graceDays;
/** Default `remindDaysBefore` of a bill. */
export const DEFAULT_REMIND_DAYS = 3;
export const MAX_REMIND_DAYS = 60;

const MAX_PAYEE_WORDS = 6;

/**
 * The payee a description names, for grouping a user's payments: upper-case words without
 * accents, punctuation or any word holding a digit (dates, card and invoice numbers), e.g.
 * "Netflix.com 12/2026" → "NETFLIX COM". Null when no word is left. Descriptions only: the
 * categorizer fills `merchant` later, and a key that changed with it would split a history.
 */
export function payeeKey(description: string): string | null {
  const words = description
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w.length > 0 && !/\d/.test(w))
    .slice(0, MAX_PAYEE_WORDS);
  return words.length > 0 ? words.join(' ') : null;
}

/** A bill's payee matches a payment's when equal, or a leading run of its words ("NETFLIX" ~ "NETFLIX COM"). */
export const payeeMatches = (billPayee: string, paymentPayee: string): boolean =>
  paymentPayee === billPayee || paymentPayee.startsWith(`${billPayee} `);

/** The date one period after `day`; a month or year keeps the day of the month, clamped to the month's end. */
export function addPeriod(day: string, period: RecurringPeriod, times = 1): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  if (period === 'WEEKLY') return formatDay(parseDay(day)! + 7 * times);
  const months = period === 'MONTHLY' ? times : 12 * times;
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** |amount - expected| ≤ tolerancePercent % of expected. */
export const withinTolerance = (amountMinor: bigint, expectedMinor: bigint, tolerancePercent: number): boolean => {
  const diff = amountMinor > expectedMinor ? amountMinor - expectedMinor : expectedMinor - amountMinor;
  return diff * 100n <= expectedMinor * BigInt(tolerancePercent);
};

/** More than tolerancePercent % above the expected amount: the bill got dearer. */
export const dearer = (amountMinor: bigint, expectedMinor: bigint, tolerancePercent: number): boolean =>
  (amountMinor - expectedMinor) * 100n > expectedMinor * BigInt(tolerancePercent);

export interface Occurrence {
  /** "YYYY-MM-DD" */
  day: string;
  /** Positive minor units. */
  amountMinor: bigint;
}

export interface DetectedPattern {
  period: RecurringPeriod;
  /** The median of the pattern's payments. */
  amountMinor: bigint;
  lastDate: string;
  nextDate: string;
  /** How many payments make the pattern. */
  occurrences: number;
}

const periodOfGap = (days: number): RecurringPeriod | null =>
  (Object.keys(PERIOD_RULES) as RecurringPeriod[]).find((p) => days >= PERIOD_RULES[p].minDays && days <= PERIOD_RULES[p].maxDays) ?? null;

function median(values: readonly bigint[]): bigint {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2n;
}

/**
 * The recurring pattern a payee's payments end with, if any: the latest payments whose gaps all
 * fall in one period's range (weekly 5-9 days, monthly 26-35, yearly 350-380) and whose amounts
 * are all within `tolerancePercent` of their median, at least MIN_OCCURRENCES of them. A price
 * change starts a new pattern: the latest ones at the new price win once there are enough.
 * A pattern whose next payment is overdue by more than its grace days on `today` is over.
 */
export function detectPattern(payments: readonly Occurrence[], options: { tolerancePercent: number; today: string }): DetectedPattern | null {
  if (payments.length < MIN_OCCURRENCES) return null;
  const sorted = [...payments].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const run = trailingRun(sorted);
  if (!run) return null;
  const { period, start } = run;
  const end = sorted.length - 1;
  for (let from = start; end - from + 1 >= MIN_OCCURRENCES; from++) {
    const latest = sorted.slice(from);
    const amountMinor = median(latest.map((p) => p.amountMinor));
    if (!latest.every((p) => withinTolerance(p.amountMinor, amountMinor, options.tolerancePercent))) continue;
    const lastDate = sorted[end]!.day;
    const nextDate = addPeriod(lastDate, period);
    if (parseDay(nextDate)! + PERIOD_RULES[period].graceDays < parseDay(options.today)!) return null;
    return { period, amountMinor, lastDate, nextDate, occurrences: latest.length };
  }
  return null;
}

/**
 * Whether detectPattern of a longer history could differ from that of its latest `sorted`
 * payments (in day order): only when the run of gaps of one period that ends the list reaches
 * its first payment. detectPattern reads nothing before that run's start and the gap that stops it.
 */
export function runReachesFirst(sorted: readonly Occurrence[]): boolean {
  if (sorted.length < 2) return true;
  return trailingRun(sorted)?.start === 0;
}

/**
 * The period of the last gap of `sorted` (at least 2 payments, in day order) and the index where
 * the run of gaps of that period ending the list starts; null when the last gap fits no period.
 */
function trailingRun(sorted: readonly Occurrence[]): { period: RecurringPeriod; start: number } | null {
  const days = sorted.map((p) => parseDay(p.day)!);
  const end = sorted.length - 1;
  const period = periodOfGap(days[end]! - days[end - 1]!);
  if (!period) return null;
  let start = end - 1;
  while (start > 0 && periodOfGap(days[start]! - days[start - 1]!) === period) start--;
  return { period, start };
}

/**
 * The next due date of a bill whose `nextDate` went by without a payment for longer than its
 * grace days: the first occurrence that is not that late on `today` (itself when it is not late).
 */
export function rollForward(nextDate: string, period: RecurringPeriod, today: string): string {
  const limit = parseDay(today)! - PERIOD_RULES[period].graceDays;
  let next = nextDate;
  for (let i = 1; parseDay(next)! < limit; i++) next = addPeriod(nextDate, period, i);
  return next;
}

/** The MD5 of `text` read as a UUID, as PostgreSQL's md5(...)::uuid does: an alert subject derived from what raised it. */
export function md5Uuid(text: string): string {
  const hex = createHash('md5').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The subject of a BILL_DUE alert: one UUID per bill and due date, so the unique (subject, type)
 * raises each reminder once.
 */
export const billOccurrenceId = (billId: string, dueDate: string): string => md5Uuid(`${billId}:${dueDate}`);

/** The UTC calendar day of an instant. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);
