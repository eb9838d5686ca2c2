import { badInput, DomainError, notFound } from '@centavo/errors';
import { MoneyError } from '@centavo/money';
import { requireCurrency } from '../common/inputs.js';
import { parseDay } from '../spending/periods.js';
import { parseRate } from './rate-math.js';
import { parseEcbXml, parseRatesCsv, RateFileError, type ParsedRates } from './rate-parsers.js';
import { RateTable, type AppliedRate } from './rate-table.js';
import type { RateRecord, RatesRepository } from './rates.repository.js';

export const MAX_RATES_PAGE = 1_000;

export type ExchangeRateFormat = 'CSV' | 'ECB_XML';

function requireDay(value: unknown, field: string): string {
  if (parseDay(value) === null) throw badInput(field, `${field} must be a date such as "2026-11-30"`);
  return value as string;
}

/** A report needs rates it does not have: which currency, from which day on. */
export function missingRates(target: string, missing: ReadonlyMap<string, string>): DomainError {
  const list = [...missing.entries()].sort().map(([currency, day]) => `${currency}→${target} on ${day}`);
  return new DomainError(
    'BAD_USER_INPUT',
    `No exchange rate known on or before: ${list.join(', ')}. Set one with setExchangeRate or importExchangeRates.`,
    'currency',
    { reason: 'MISSING_EXCHANGE_RATE', missing: list.join(', ') },
  );
}

/** A user's rates for one report: find(source, day) or a list of what is missing. */
export class ReportRates {
  private readonly missing = new Map<string, string>();

  constructor(private readonly table: RateTable, readonly target: string) {}

  /** The rate of `source` on `day`; null (and remembered) when none is known. */
  find(source: string, day: string): AppliedRate | null {
    const rate = this.table.find(source, this.target, day);
    if (!rate) {
      const first = this.missing.get(source);
      if (!first || day < first) this.missing.set(source, day);
    }
    return rate;
  }

  /** Throws BAD_USER_INPUT (reason MISSING_EXCHANGE_RATE) if some rate was missing. */
  check(): void {
    if (this.missing.size > 0) throw missingRates(this.target, this.missing);
  }
}

export class RatesService {
  constructor(private readonly rates: RatesRepository) {}

  async set(userId: string, input: { base: string; quote: string; date: unknown; rate: string }): Promise<RateRecord> {
    const base = requireCurrency(input.base, 'base');
    const quote = requireCurrency(input.quote, 'quote');
    if (base === quote) throw badInput('quote', 'quote must differ from base');
    const day = requireDay(input.date, 'date');
    let units: bigint;
    try {
      units = parseRate(input.rate);
    } catch (error) {
      if (error instanceof MoneyError) throw badInput('rate', error.message);
      throw error;
    }
    const [written] = await this.rates.upsert(userId, [{ base, quote, day, units }]);
    return written!;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    if (!(await this.rates.delete(userId, id))) throw notFound('Exchange rate');
    return true;
  }

  list(userId: string, args: { base?: string | null; quote?: string | null; from?: unknown; to?: unknown; first?: number | null }): Promise<RateRecord[]> {
    const first = args.first ?? 100;
    if (!Number.isInteger(first) || first < 1 || first > MAX_RATES_PAGE) throw badInput('first', `first must be between 1 and ${MAX_RATES_PAGE}`);
    return this.rates.list(userId, {
      ...(args.base ? { base: requireCurrency(args.base, 'base') } : {}),
      ...(args.quote ? { quote: requireCurrency(args.quote, 'quote') } : {}),
      ...(args.from !== null && args.from !== undefined ? { from: requireDay(args.from, 'from') } : {}),
      ...(args.to !== null && args.to !== undefined ? { to: requireDay(args.to, 'to') } : {}),
      first,
    });
  }

  async import(userId: string, input: { format: ExchangeRateFormat; content: string }) {
    let parsed: ParsedRates;
    try {
      parsed = input.format === 'CSV' ? parseRatesCsv(input.content) : parseEcbXml(input.content);
    } catch (error) {
      if (error instanceof RateFileError) throw badInput('content', error.message);
      throw error;
    }
    await this.rates.upsert(userId, parsed.rates);
    const days = parsed.rates.map((r) => r.day).sort();
    return { imported: parsed.rates.length, skipped: parsed.skipped, from: days[0]!, to: days[days.length - 1]! };
  }

  /** The rates converting `sources` into `target` over from..to (and the latest before). */
  async tableFor(userId: string, sources: readonly string[], target: string, from: string, to: string): Promise<RateTable> {
    const others = sources.filter((c) => c !== target);
    return new RateTable(others.length > 0 ? await this.rates.forConversion(userId, [...others, target], from, to) : []);
  }

  /** tableFor, for one report into `target`. */
  async forReport(userId: string, sources: readonly string[], target: string, from: string, to: string): Promise<ReportRates> {
    return new ReportRates(await this.tableFor(userId, sources, target, from, to), target);
  }
}
