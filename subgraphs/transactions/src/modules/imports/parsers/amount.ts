import { currencyExponent, MoneyError, parseAmount } from '@centavo/money';
import { quote } from './text.js';

export type DecimalMark = ',' | '.';

// Symbols and codes banks print beside amounts: R$, US$, A$, NZ$..., $, €, £, ¥, ₹, Rs, the
// rand's R (before a digit), kr, zł and any three-letter code.
const SYMBOL = String.raw`(?:R\$|[A-Z]{1,2}\$|\$|€|£|¥|₹|Rs\.?|kr\.?|zł|[A-Z]{3})`;
const CURRENCY = new RegExp(String.raw`^(?:${SYMBOL}|R(?=\s*\d))\s*|\s*${SYMBOL}$`, 'i');
const DIGITS = /^\d[\d.,' \u00a0]*$/;

interface Cleaned {
  negative: boolean;
  digits: string;
}

/**
 * Sign and digits of a bank amount: "-12,50", "(12.50)", "12,50-", "R$ -1.234,56", "12,50 D",
 * "1,500.00 DR", "250.00 Cr", "R 1 234,56", "₹1,234.50".
 */
function clean(raw: string): Cleaned | null {
  let s = raw.trim();
  let negative = false;
  const sign = () => {
    if (s.startsWith('-') || s.startsWith('+')) [negative, s] = [negative || s.startsWith('-'), s.slice(1).trim()];
  };
  const paren = /^\((.*)\)$/.exec(s);
  if (paren) [negative, s] = [true, paren[1]!.trim()];
  sign();
  for (let i = 0; i < 2; i++) s = s.replace(CURRENCY, '').trim();
  sign();
  if (s.endsWith('-')) [negative, s] = [true, s.slice(0, -1).trim()];
  // Some banks mark money out and in with D or C (DR or CR) after the amount.
  const debitCredit = /^(.*\d)\s*([DC])R?$/i.exec(s);
  if (debitCredit) [negative, s] = [negative || debitCredit[2]!.toUpperCase() === 'D', debitCredit[1]!];
  return DIGITS.test(s) && /\d$/.test(s) ? { negative, digits: s } : null;
}

/** Whether a cell reads as an amount (digits with a sign, symbol, grouping or D/C mark at most). */
export const looksLikeAmount = (raw: string): boolean => raw.length <= 40 && clean(raw) !== null;

/** The decimal mark one value shows by itself, if it shows one ("1,234" does not). */
function markOf(digits: string): DecimalMark | null {
  const comma = digits.lastIndexOf(',');
  const point = digits.lastIndexOf('.');
  if (comma >= 0 && point >= 0) return comma > point ? ',' : '.';
  const last = Math.max(comma, point);
  if (last < 0) return null;
  const after = digits.length - last - 1;
  // Three digits after a single separator read as thousands ("1.234"): no vote.
  if (after === 3 && digits.indexOf(digits[last]!) === last) return null;
  return after === 3 ? null : (digits[last] as DecimalMark);
}

/** The decimal mark of a file's amounts: what most values show, else `fallback`. */
export function decimalMarkOf(values: Iterable<string>, fallback: DecimalMark): DecimalMark {
  let comma = 0;
  let point = 0;
  for (const value of values) {
    const cleaned = clean(value);
    const mark = cleaned ? markOf(cleaned.digits) : null;
    if (mark === ',') comma++;
    if (mark === '.') point++;
  }
  if (comma === point) return fallback;
  return comma > point ? ',' : '.';
}

const PLAIN: Record<DecimalMark, RegExp> = { '.': /^(-?)(\d{1,12})(?:\.(\d{1,3}))?$/, ',': /^(-?)(\d{1,12})(?:,(\d{1,3}))?$/ };
const exponents = new Map<string, number>();

/**
 * The common case without grouping, symbols or signs after the number ("-1234.56"), in
 * safe integer arithmetic; null for anything else (read by the general path, with its messages).
 */
function plainAmount(raw: string, mark: DecimalMark, currency: string): bigint | null {
  const m = PLAIN[mark].exec(raw);
  if (!m) return null;
  let exponent = exponents.get(currency);
  if (exponent === undefined) exponents.set(currency, (exponent = currencyExponent(currency)));
  const fraction = m[3] ?? '';
  if (fraction.length > exponent) return null;
  // At most 12 whole digits and 3 decimals: below 2^53, exact.
  const units = Number(m[2]) * 10 ** exponent + (fraction ? Number(fraction.padEnd(exponent, '0')) : 0);
  return BigInt(m[1] === '-' ? -units : units);
}

/**
 * A bank's amount text in minor units of `currency`, with the file's decimal mark (the other
 * mark, spaces and apostrophes group thousands). A message instead when it is no amount or
 * has more decimals than the currency.
 */
export function readAmount(raw: string, mark: DecimalMark, currency: string): bigint | string {
  if (raw.length > 40) return `amount ${quote(raw)} is too long`;
  const plain = plainAmount(raw, mark, currency);
  if (plain !== null) return plain;
  const cleaned = clean(raw);
  if (!cleaned) return `amount ${quote(raw)} is not a number`;
  const parts = cleaned.digits.replace(/[ '\u00a0]/g, '').split(mark);
  if (parts.length > 2) return `amount ${quote(raw)} has more than one decimal mark "${mark}"`;
  const grouping = mark === ',' ? '.' : ',';
  const decimal = `${parts[0]!.split(grouping).join('')}${parts.length === 2 ? `.${parts[1]}` : ''}`;
  if (parts[1]?.includes(grouping)) return `amount ${quote(raw)} is not a number`;
  try {
    return parseAmount(`${cleaned.negative ? '-' : ''}${decimal}`, currency);
  } catch (error) {
    if (error instanceof MoneyError) return `amount ${quote(raw)}: ${error.message}`;
    throw error;
  }
}
