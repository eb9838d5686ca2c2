import { convertMinor } from '../rates/rate-math.js';
import type { AppliedRate } from '../rates/rate-table.js';
import type { ReportRates } from '../rates/rates.service.js';

/** Sums of one report figure (e.g. a category) in one currency on one day. */
export interface DayAmounts {
  key: string;
  currency: string;
  day: string;
  /** The figure's sums (e.g. [income, expenses]) in minor units of `currency`. */
  amounts: readonly bigint[];
  count: number;
}

/** The amounts of one currency that one rate converted, within one figure. */
export interface ConversionPart {
  currency: string;
  rate: AppliedRate;
  original: bigint[];
  converted: bigint[];
}

/** One figure in the report currency: own-currency sums plus every conversion's. */
export interface ConvertedFigure {
  amounts: bigint[];
  count: number;
  conversions: ConversionPart[];
}

/**
 * One figure's money of one currency in a converted report: `original` in that currency, and
 * `converted` into the target, the sum of its conversions' converted amounts (each rate's sum
 * rounded on its own). `rates` counts those conversions (the rates that converted some money),
 * dated firstRateDay..lastRateDay (null when none did).
 */
export interface CurrencySums {
  currency: string;
  original: bigint[];
  converted: bigint[];
  rates: number;
  firstRateDay: string | null;
  lastRateDay: string | null;
}

/** A figure's conversions summed per currency (in currency order). */
export function sumsByCurrency(conversions: readonly ConversionPart[]): CurrencySums[] {
  const sums = new Map<string, CurrencySums>();
  for (const part of conversions) {
    let s = sums.get(part.currency);
    if (!s) {
      s = { currency: part.currency, original: part.original.map(() => 0n), converted: part.converted.map(() => 0n), rates: 0, firstRateDay: part.rate.day, lastRateDay: part.rate.day };
      sums.set(part.currency, s);
    }
    part.original.forEach((a, i) => (s.original[i]! += a));
    part.converted.forEach((a, i) => (s.converted[i]! += a));
    s.rates++;
    if (part.rate.day < s.firstRateDay!) s.firstRateDay = part.rate.day;
    if (part.rate.day > s.lastRateDay!) s.lastRateDay = part.rate.day;
  }
  return [...sums.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1));
}

/**
 * Converts daily sums into `rates.target` at the rate of their day. Sums of one figure, currency
 * and rate are added first, then converted and rounded once (half-even, target minor units), so a
 * figure equals its own-currency sums plus its conversions' converted amounts, to the unit.
 * Throws BAD_USER_INPUT (MISSING_EXCHANGE_RATE) naming every currency and first day without a rate.
 */
export function convertDays(rows: readonly DayAmounts[], rates: ReportRates, width: number): Map<string, ConvertedFigure> {
  const figures = new Map<string, ConvertedFigure>();
  const parts = new Map<string, ConversionPart & { key: string }>();
  const figure = (key: string) => {
    let f = figures.get(key);
    if (!f) figures.set(key, (f = { amounts: Array<bigint>(width).fill(0n), count: 0, conversions: [] }));
    return f;
  };
  for (const row of rows) {
    const f = figure(row.key);
    f.count += row.count;
    if (row.currency === rates.target) {
      row.amounts.forEach((a, i) => (f.amounts[i]! += a));
      continue;
    }
    // A sum of zero is zero in any currency: it needs no rate.
    if (row.amounts.every((a) => a === 0n)) continue;
    const rate = rates.find(row.currency, row.day);
    if (!rate) continue;
    const partKey = `${row.key}|${row.currency}|${rate.key}`;
    let part = parts.get(partKey);
    if (!part) parts.set(partKey, (part = { key: row.key, currency: row.currency, rate, original: Array<bigint>(width).fill(0n), converted: [] }));
    row.amounts.forEach((a, i) => (part.original[i]! += a));
  }
  rates.check();
  for (const part of parts.values()) {
    const f = figure(part.key);
    part.converted = part.original.map((a) => convertMinor(a, part.rate.ratio, part.currency, rates.target));
    part.converted.forEach((a, i) => (f.amounts[i]! += a));
    const { key: _key, ...conversion } = part;
    f.conversions.push(conversion);
  }
  for (const f of figures.values()) f.conversions.sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : a.rate.day < b.rate.day ? -1 : 1));
  return figures;
}
