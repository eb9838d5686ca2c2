import type { Slug } from '../src/modules/categorize/slugs.js';
import type { Region } from './vocab-names.js';

/**
 * How a merchant's rows are printed: `card` purchases (with acquirer prefixes, city suffixes,
 * instalments), `bill` payments (boleto, debit order, direct debit, ACH), `pix` payments to a
 * business, or `raw` when the pattern already is a complete bank line (fees, salary, Pix to people).
 */
export type Channel = 'card' | 'bill' | 'pix' | 'raw';

export interface SlugSpec {
  readonly slug: Slug;
  /** How many pattern merchants to invent; every chain is used once per region it is listed in. */
  readonly invented: number;
  /** Mean rows per merchant (geometric-ish: most merchants are seen a few times, some often). */
  readonly rows: number;
  /** Amount range in BRL major units, drawn log-uniformly per merchant. */
  readonly amount: readonly [number, number];
  /** Default direction; a pattern starting with '+' is money in, '-' money out. */
  readonly sign: 1 | -1;
  /** Share of rows printed with the opposite sign (gambling winnings). */
  readonly flip?: number;
  readonly channels: readonly Channel[];
  /** Card purchases may be split into instalments ("PARC 03/10"). */
  readonly instalments?: boolean;
  /** Monthly rows (rent, salary, subscriptions) rather than random dates. */
  readonly recurring?: boolean;
  /** '|'-separated real-world names per region. */
  readonly chains: Partial<Record<Region, string>>;
  /**
   * '|'-separated patterns; `en` applies to us/uk/za. Placeholders: {N} business name, {P} person,
   * {E} employer, {B} bank, {C} city, {T} ticker, {Y} year.
   */
  readonly patterns: Partial<Record<Region | 'en', string>>;
}
