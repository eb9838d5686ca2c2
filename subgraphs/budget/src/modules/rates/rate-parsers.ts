import { MoneyError, normalizeCurrency } from '@centavo/money';
import { parseDay } from '../spending/periods.js';
import { parseRate } from './rate-math.js';

/** One rate read from a file: on `day`, 1 `base` = units × 10^-12 `quote`. */
export interface ParsedRate {
  base: string;
  quote: string;
  day: string;
  units: bigint;
}

export interface ParsedRates {
  rates: ParsedRate[];
  /** Rates left out: ECB codes that are no longer ISO 4217 currencies (e.g. CYP in the history). */
  skipped: number;
}

/** Most rates one import may carry: the ECB's whole history since 1999 is about 200,000. */
export const MAX_IMPORT_RATES = 250_000;

/** Why a file was refused; `line` is 1-based when the problem is on one line. */
export class RateFileError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line ? `line ${line}: ${message}` : message);
    this.name = 'RateFileError';
  }
}

function checkedRate(base: string, quote: string, day: string, rate: string, line: () => number): ParsedRate {
  try {
    const b = normalizeCurrency(base);
    const q = normalizeCurrency(quote);
    if (b === q) throw new MoneyError(`base and quote are both ${b}`);
    if (parseDay(day) === null) throw new MoneyError(`"${day.slice(0, 20)}" is not a date such as "2026-11-30"`);
    return { base: b, quote: q, day, units: parseRate(rate) };
  } catch (error) {
    if (error instanceof MoneyError) throw new RateFileError(error.message, line());
    throw error;
  }
}

/** Later rows of the same (pair, day) replace earlier ones, as a later setExchangeRate would. */
function lastWins(rates: ParsedRate[]): ParsedRate[] {
  const byKey = new Map<string, ParsedRate>();
  for (const rate of rates) byKey.set(`${rate.base}/${rate.quote}/${rate.day}`, rate);
  return [...byKey.values()];
}

function splitCsvLine(line: string, separator: string): string[] {
  return line.split(separator).map((cell) => cell.trim().replace(/^"(.*)"$/, '$1').trim());
}

/**
 * CSV with a header row naming the columns date, base, quote and rate (any order, any case, other
 * columns ignored), `,` or `;` separated; with `;` a rate may use a decimal comma ("5,4321").
 */
export function parseRatesCsv(content: string): ParsedRates {
  const lines = content.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) throw new RateFileError('the file is empty');
  const header = lines[headerIndex]!.replace(/^\uFEFF/, '');
  const separator = header.includes(';') ? ';' : ',';
  const names = splitCsvLine(header, separator).map((n) => n.toLowerCase());
  const column = (name: string) => {
    const index = names.indexOf(name);
    if (index < 0) throw new RateFileError(`the header has no "${name}" column (expected date, base, quote, rate)`, headerIndex + 1);
    return index;
  };
  const [date, base, quote, rate] = [column('date'), column('base'), column('quote'), column('rate')];
  const rates: ParsedRate[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    if (rates.length === MAX_IMPORT_RATES) throw new RateFileError(`more than ${MAX_IMPORT_RATES} rates in one file`);
    const cells = splitCsvLine(lines[i]!, separator);
    const cell = (index: number) => cells[index] ?? '';
    const value = separator === ';' ? cell(rate).replace(',', '.') : cell(rate);
    const lineNumber = i + 1;
    rates.push(checkedRate(cell(base), cell(quote), cell(date), value, () => lineNumber));
  }
  if (rates.length === 0) throw new RateFileError('the file has a header but no rates');
  return { rates: lastWins(rates), skipped: 0 };
}

const TAG = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:'[^']*'|"[^"]*"))*)\s*(\/?)>/g;
const ATTRIBUTE = /([\w:.-]+)\s*=\s*(?:'([^']*)'|"([^"]*)")/g;

function attributes(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of text.matchAll(ATTRIBUTE)) found.set(match[1]!, match[2] ?? match[3] ?? '');
  return found;
}

/**
 * The ECB's euro foreign exchange reference rates (eurofxref-daily.xml, -hist-90d.xml, -hist.xml):
 * `<Cube time="YYYY-MM-DD">` holding `<Cube currency="USD" rate="1.0876"/>`, each 1 EUR = rate.
 * Read as content; nothing is fetched. Codes that are no longer ISO 4217 are skipped and counted.
 */
export function parseEcbXml(content: string): ParsedRates {
  if (!/<([\w-]+:)?Envelope\b/.test(content) || !content.includes('eurofxref')) {
    throw new RateFileError('not an ECB euro reference rates file (a gesmes Envelope in the eurofxref namespace)');
  }
  // No entity may stand for text here: a DOCTYPE could only be an attempt at expansion.
  if (/<!DOCTYPE|<!ENTITY/i.test(content)) throw new RateFileError('a DOCTYPE is not allowed');
  const rates: ParsedRate[] = [];
  let skipped = 0;
  const open: ('time' | 'other')[] = [];
  let day: string | null = null;
  let cubes = 0;
  for (const match of content.matchAll(TAG)) {
    const [, closing, name, attrText, selfClosing] = match;
    if (!/(^|:)Cube$/.test(name!)) continue;
    // Counted only for an error: counting for every tag would be quadratic in the file's size.
    const line = () => content.slice(0, match.index).split('\n').length;
    if (closing) {
      const kind = open.pop();
      if (!kind) throw new RateFileError('a </Cube> closes nothing', line());
      if (kind === 'time') day = null;
      continue;
    }
    const attrs = attributes(attrText ?? '');
    const time = attrs.get('time');
    const currency = attrs.get('currency');
    if (time !== undefined) {
      if (day !== null) throw new RateFileError('a dated Cube inside another', line());
      if (parseDay(time) === null) throw new RateFileError(`"${time.slice(0, 20)}" is not a date such as "2026-11-30"`, line());
      cubes++;
      if (!selfClosing) {
        day = time;
        open.push('time');
      }
    } else if (currency !== undefined) {
      if (day === null) throw new RateFileError(`the rate of ${currency.slice(0, 10)} is outside a dated Cube`, line());
      if (rates.length === MAX_IMPORT_RATES) throw new RateFileError(`more than ${MAX_IMPORT_RATES} rates in one file`);
      const rate = attrs.get('rate');
      if (rate === undefined) throw new RateFileError(`the Cube of ${currency.slice(0, 10)} has no rate`, line());
      try {
        normalizeCurrency(currency);
      } catch {
        if (/^[A-Z]{3}$/.test(currency)) {
          skipped++;
          if (!selfClosing) open.push('other');
          continue;
        }
      }
      rates.push(checkedRate('EUR', currency, day, rate, line));
      if (!selfClosing) open.push('other');
    } else if (!selfClosing) open.push('other');
  }
  if (open.length > 0) throw new RateFileError('a Cube is never closed');
  if (cubes === 0 || rates.length === 0) throw new RateFileError('the file has no dated Cube with rates');
  return { rates: lastWins(rates), skipped };
}
