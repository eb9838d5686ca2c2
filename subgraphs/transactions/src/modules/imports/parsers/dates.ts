import { fold, quote } from './text.js';
import type { DateFormat } from './types.js';

/** How a file writes numeric dates with the day and month first: DD/MM/YYYY or MM/DD/YYYY. */
export type DateOrder = 'DMY' | 'MDY';

const ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const NUMERIC = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})$/;
const NAMED = /^(\d{1,2})(?:\s+de)?[\s\-/.]+([a-z]+)(?:\s+de)?[\s\-/.]+(\d{4}|\d{2})$/;
// "Mar 15, 2024", "March 15 2024" (month first, as US banks write), folded.
const NAMED_MONTH_FIRST = /^([a-z]+) (\d{1,2}) (\d{4})$/;
const TIME = /(?:[T\s]+|\s*-\s*)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]m|z|[+-]\d{2}:?\d{2})?$/i;

// Month names (accents off) of English, Portuguese, Spanish, French, German, Italian, Dutch and
// Afrikaans statements share their first three letters with these; French juin and juillet
// need four.
const MONTHS: Record<string, number> = {
  jan: 1, ene: 1, gen: 1, feb: 2, fev: 2, mar: 3, mrt: 3, maa: 3, apr: 4, abr: 4, avr: 4,
  may: 5, mai: 5, mag: 5, mei: 5, jun: 6, giu: 6, juin: 6, jul: 7, lug: 7, juil: 7,
  aug: 8, ago: 8, aou: 8, sep: 9, set: 9, oct: 10, out: 10, okt: 10, ott: 10,
  nov: 11, dec: 12, dez: 12, dic: 12, des: 12,
};

const monthOf = (name: string): number | undefined => MONTHS[name.slice(0, 4)] ?? (name.startsWith('jui') ? undefined : MONTHS[name.slice(0, 3)]);

/** A named-month date's day, month name and year, day first or month first. */
function namedParts(folded: string): [day: string, month: string, year: string] | null {
  const m = NAMED.exec(folded);
  if (m) return [m[1]!, m[2]!, m[3]!];
  const f = NAMED_MONTH_FIRST.exec(folded);
  return f ? [f[2]!, f[1]!, f[3]!] : null;
}

const bare = (raw: string) => raw.trim().replace(TIME, '');

/**
 * The order of a file's numeric dates: a first part above 12 can only be a day (DD/MM), a
 * second part above 12 only a day (MM/DD). When no value tells, DD/MM, the order of nearly
 * every bank outside the United States, unless the account is in US dollars (`preferMDY`).
 */
export function dateOrderOf(values: Iterable<string>, preferMDY: boolean): DateOrder {
  let dayFirst = false;
  let monthFirst = false;
  for (const value of values) {
    const m = NUMERIC.exec(bare(value));
    if (!m) continue;
    if (Number(m[1]) > 12) dayFirst = true;
    if (Number(m[2]) > 12) monthFirst = true;
  }
  if (dayFirst) return 'DMY';
  if (monthFirst) return 'MDY';
  return preferMDY ? 'MDY' : 'DMY';
}

/** The form most of a file's dates have (numeric ones in `order`), or null when none is a date. */
export function dateFormatOf(values: Iterable<string>, order: DateOrder): DateFormat | null {
  const counts: Record<DateFormat, number> = { ISO: 0, DMY: 0, MDY: 0, DMON: 0 };
  for (const value of values) {
    const s = bare(value);
    if (ISO.test(s) || COMPACT.test(s)) counts.ISO++;
    else if (NUMERIC.test(s)) counts[order]++;
    else if (namedParts(fold(s))) counts.DMON++;
  }
  const best = (Object.entries(counts) as [DateFormat, number][]).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : null;
}

const FORM_TEXT: Record<DateFormat, string> = { ISO: 'YYYY-MM-DD', DMY: 'DD/MM/YYYY', MDY: 'MM/DD/YYYY', DMON: 'DD MMM YYYY' };

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function calendarDay(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) return null;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!)) return null;
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

const fullYear = (y: string) => (y.length === 4 ? Number(y) : Number(y) + (Number(y) < 70 ? 2000 : 1900));

/** Whether a value looks like a date at all (column guessing without a header). */
export const looksLikeDate = (raw: string): boolean => {
  const s = bare(raw);
  return ISO.test(s) || COMPACT.test(s) || NUMERIC.test(s) || namedParts(fold(s)) !== null;
};

/**
 * A statement's date as "YYYY-MM-DD": ISO, YYYYMMDD, DD/MM/YYYY or MM/DD/YYYY as the file's
 * order says (also with - or . and two-digit years), "DD MMM YYYY" and "MMM DD, YYYY" with
 * month names of the languages in MONTHS; a time after the date is ignored. With `only` (the user's choice)
 * a date of another form is an error. A message when it is no real date.
 */
export function readDate(raw: string, order: DateOrder, only?: DateFormat): string | { error: string } {
  // A statement has a few hundred distinct days for many thousand rows: each is read once.
  const key = `${order}${only ?? ''}${raw}`;
  let day = seen.get(key);
  if (day === undefined) {
    if (seen.size >= 4096) seen.clear();
    seen.set(key, (day = readDateOnce(raw, order, only)));
  }
  return day;
}

const seen = new Map<string, string | { error: string }>();

function readDateOnce(raw: string, order: DateOrder, only?: DateFormat): string | { error: string } {
  const s = bare(raw);
  const forms = only ? FORM_TEXT[only] : `${FORM_TEXT[order]}, YYYY-MM-DD or DD MMM YYYY`;
  const fail = { error: `date ${quote(raw)} is not a date (${forms})` };
  if (!s || s.length > 40) return fail;
  let day: string | null = null;
  const iso = !only || only === 'ISO' ? (ISO.exec(s) ?? COMPACT.exec(s)) : null;
  const numeric = !only || only === 'DMY' || only === 'MDY' ? NUMERIC.exec(s) : null;
  const named = !iso && !numeric && (!only || only === 'DMON') ? namedParts(fold(s)) : null;
  if (iso) day = calendarDay(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  else if (numeric) {
    const [a, b] = [Number(numeric[1]), Number(numeric[2])];
    day = order === 'DMY' ? calendarDay(fullYear(numeric[3]!), b, a) : calendarDay(fullYear(numeric[3]!), a, b);
  } else if (named) {
    const month = monthOf(named[1]);
    day = month ? calendarDay(fullYear(named[2]), month, Number(named[0])) : null;
  }
  return day ?? fail;
}
