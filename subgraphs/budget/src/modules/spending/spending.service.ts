import type { TransactionSnapshot } from '@centavo/jobs';
import type { Money } from '@centavo/money';
import type { BudgetBatchTx } from '../../db.js';
import { requireCurrency } from '../common/inputs.js';
import type { BatchContext } from './batch-context.js';
import { UNCATEGORIZED_KEY, type AggregateDelta, type LedgerEntry } from './ledger.js';
import { currencyExponent } from '@centavo/money';
import { missingRates, type RatesService } from '../rates/rates.service.js';
import { convertDays, sumsByCurrency, type ConversionPart, type CurrencySums, type DayAmounts } from './conversion.js';
import { bucket, formatDay, parseDay, periodStart, periodStarts, requireRange, type Interval, type PeriodTotals } from './periods.js';
import type { CategoryTotals, RateDays, SpendingRepository, TagTotals } from './spending.repository.js';

/** One row of spendingByCategory: its category resolves through the loader. */
export interface CategorySpendingView {
  categoryId: string | null;
  total: Money;
  count: number;
  /** Resolved only when selected: listing the rates behind a year of daily sums costs more than the totals. */
  conversions: () => Promise<ConversionView[]>;
  conversionTotals: CurrencyConversionView[];
}

export interface TagSpendingView {
  tag: string;
  total: Money;
  expenses: Money;
  income: Money;
  count: number;
  conversions: () => Promise<ConversionView[]>;
  conversionTotals: CurrencyConversionView[];
}

export interface CashFlowPointView {
  periodStart: string;
  income: Money;
  expenses: Money;
  net: Money;
  conversions: () => Promise<ConversionView[]>;
  conversionTotals: CurrencyConversionView[];
}

/** A CurrencyConversion as the API shows it. */
export interface CurrencyConversionView {
  original: Money;
  converted: Money;
  rateCount: number;
  firstRateDate: string;
  lastRateDate: string;
}

/** A Conversion as the API shows it (resolved eagerly: no loader needed). */
export interface ConversionView {
  original: Money;
  converted: Money;
  rate: {
    source: string;
    target: string;
    method: 'DIRECT' | 'INVERSE' | 'CROSS';
    date: string;
    rate: string;
    rates: { id: string; base: string; quote: string; date: string; rate: string }[];
  };
}

export interface ApplyResult {
  /** false when the event was a replay or older than what was already applied */
  applied: boolean;
  userId: string;
  /** The (category, month, currency) sums this change moved; for budget alerts and updates. */
  affected: { categoryId: string | null; month: string; currency: string }[];
  /** The snapshot named a category that is not one of the user's; it counts as uncategorized. */
  unknownCategory: boolean;
  /** Applied, and only its category (and tags) moved: its day, amount, currency, transfer and deletion are as before. */
  sameMoney: boolean;
}

/** A change about to be applied: the snapshot, the ledger entry before and after, the deltas. */
export interface LedgerChange {
  snapshot: TransactionSnapshot;
  previous: LedgerEntry | null;
  next: LedgerEntry;
  deltas: AggregateDelta[];
}

/**
 * Work that must commit atomically with a batch's changes (raising alerts): runs in the batch's
 * transaction, only when some change applies, with the applied changes in event order, and calls
 * `moveAggregates` when it wants the sums moved (to read them before and after).
 */
export type ApplyEffects = (tx: BudgetBatchTx, changes: LedgerChange[], moveAggregates: () => Promise<void>, context: BatchContext) => Promise<void>;

const noConversions = async (): Promise<ConversionPart[]> => [];

/** What a converted figure's rows add up to: conversions (lazily), and per currency sums. */
export interface ConvertedParts {
  conversions: () => Promise<ConversionPart[]>;
  /** One per currency some rate converted (CurrencySums.rates > 0), in currency order. */
  conversionTotals: CurrencySums[];
}

const converted = (sums: readonly CurrencySums[]) => sums.filter((c) => c.rates > 0).sort((a, b) => (a.currency < b.currency ? -1 : 1));

/** A function that runs `work` once, on its first call. */
function once<T>(work: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= work());
}

/** MISSING_EXCHANGE_RATE from the SQL's "CUR YYYY-MM-DD" list: each currency's first day. */
function missingRatesOf(target: string, missing: readonly string[]) {
  const first = new Map<string, string>();
  for (const entry of missing) {
    const [currency, day] = entry.split(' ') as [string, string];
    const known = first.get(currency);
    if (!known || day < known) first.set(currency, day);
  }
  return missingRates(target, first);
}

const keyOfDelta = (d: AggregateDelta) => `${d.categoryKey}|${d.day.slice(0, 7)}|${d.currency}`;

export class SpendingService {
  constructor(
    private readonly spending: SpendingRepository,
    private readonly ensureDefaults: (userId: string) => Promise<void>,
    /** For reports converted into one currency; without it `convert` is refused. */
    private readonly rates?: Pick<RatesService, 'forReport' | 'tableFor'>,
  ) {}

  /** Applies one transaction's full current state; idempotent and safe in any order. */
  async applySnapshot(snapshot: TransactionSnapshot, effects?: ApplyEffects): Promise<ApplyResult> {
    const [result] = await this.applySnapshots(snapshot.userId, [snapshot], effects);
    return result!;
  }

  /**
   * Applies one user's snapshots, in order, in one database transaction (SpendingRepository.
   * applyBatch): each transaction version once, an older one never. One result per snapshot.
   */
  async applySnapshots(userId: string, snapshots: readonly TransactionSnapshot[], effects?: ApplyEffects): Promise<ApplyResult[]> {
    return (await this.applyBatch(userId, snapshots, effects)).results;
  }

  /** applySnapshots, with the batch's context (what its effects left for the live updates; null for no snapshots). */
  async applyBatch(userId: string, snapshots: readonly TransactionSnapshot[], effects?: ApplyEffects): Promise<{ results: ApplyResult[]; context: BatchContext | null }> {
    for (const snapshot of snapshots) {
      // A producer bug, not a passing failure: say so instead of a database cast error.
      if (parseDay(snapshot.date) === null) throw new Error(`transaction ${snapshot.id} has no real date: "${snapshot.date}"`);
      if (snapshot.userId !== userId) throw new Error(`transaction ${snapshot.id} is not user ${userId}'s`);
    }
    // Category kinds never change: the batch's first statement reads them with its ledger rows.
    const wanted = [...new Set(snapshots.flatMap((s) => [...(s.categoryId ? [s.categoryId] : []), ...(s.splits ?? []).map((p) => p.categoryId)]))];
    const entriesOf = (context: BatchContext): LedgerEntry[] => snapshots.map((snapshot) => {
      const kinds = context.categories;
      const kind = snapshot.categoryId ? kinds.get(snapshot.categoryId)?.kind : undefined;
      // A split row counts its parts, each in its own category; the row's own category then counts nowhere.
      const parts = snapshot.splits && snapshot.splits.length > 0
        ? snapshot.splits.map((p) => ({
            categoryId: kinds.has(p.categoryId) ? p.categoryId : null,
            amountMinor: BigInt(p.amountMinor),
            isTransfer: kinds.get(p.categoryId)?.kind === 'TRANSFER',
            tags: p.tags,
          }))
        : null;
      return {
        transactionId: snapshot.id,
        userId,
        categoryId: kind && !parts ? snapshot.categoryId : null,
        day: snapshot.date,
        currency: snapshot.currency.toUpperCase(),
        amountMinor: BigInt(snapshot.amountMinor),
        isTransfer: snapshot.transferPeerId !== null || (kind === 'TRANSFER' && !parts),
        version: snapshot.version,
        deleted: snapshot.deleted,
        parts,
        tags: snapshot.tags ?? [],
      };
    });
    const { changes, context } = await this.spending.applyBatch(
      { userId, transactionIds: snapshots.map((s) => s.id), categoryIds: wanted, entries: entriesOf, ensureDefaults: () => this.ensureDefaults(userId) },
      effects &&
        ((tx, applied, move, ctx) =>
          effects(tx, applied.map((c) => ({ snapshot: snapshots[c.index]!, previous: c.previous, next: c.next, deltas: c.deltas })), move, ctx)),
    );
    const known = context?.categories ?? new Map<string, unknown>();
    const byIndex = new Map(changes.map((c) => [c.index, c]));
    const results = snapshots.map((snapshot, i) => {
      const change = byIndex.get(i);
      const affected = change
        ? [...new Map(change.deltas.map((d) => [keyOfDelta(d), d])).values()].map((d) => ({
            categoryId: d.categoryKey === UNCATEGORIZED_KEY ? null : d.categoryKey,
            month: d.day.slice(0, 7),
            currency: d.currency,
          }))
        : [];
      const unknownCategory = [snapshot.categoryId, ...(snapshot.splits ?? []).map((p) => p.categoryId)].some((id) => id !== null && !known.has(id));
      const { previous, next } = change ?? { previous: null, next: null };
      const sameMoney = previous !== null && next !== null && previous.day === next.day && previous.amountMinor === next.amountMinor &&
        previous.currency === next.currency && previous.deleted === next.deleted && previous.isTransfer === next.isTransfer;
      return { applied: change !== undefined, userId, affected, unknownCategory, sameMoney };
    });
    return { results, context };
  }

  findEntries(transactionIds: readonly string[]): Promise<LedgerEntry[]> {
    return this.spending.findEntries(transactionIds);
  }

  findEntry(transactionId: string): Promise<LedgerEntry | null> {
    return this.spending.findEntry(transactionId);
  }

  /**
   * Expense categories (and uncategorized) with positive net spending, largest first: of
   * `currency` only, or with `convert` of every currency converted into it (ConvertedFigure).
   */
  async spendingByCategory(
    userId: string,
    args: { from: unknown; to: unknown; currency: string; convert?: boolean | null },
  ): Promise<{ currency: string; totals: (CategoryTotals & ConvertedParts)[] }> {
    const range = requireRange(args.from, args.to);
    const currency = requireCurrency(args.currency);
    const [from, to] = [formatDay(range.from), formatDay(range.to)];
    if (!args.convert) {
      const totals = await this.spending.spendingByCategory(userId, currency, from, to);
      return { currency, totals: totals.map((t) => ({ ...t, conversions: noConversions, conversionTotals: [] })) };
    }
    const { rows, missing } = await this.spending.categoryTotalsConverted(userId, currency, from, to, await this.rateDays(userId, currency, range));
    if (missing.length > 0) throw missingRatesOf(currency, missing);
    const byCategory = new Map<string, CategoryTotals & { sums: CurrencySums[] }>();
    for (const row of rows) {
      const key = row.categoryId ?? UNCATEGORIZED_KEY;
      let total = byCategory.get(key);
      if (!total) byCategory.set(key, (total = { categoryId: row.categoryId, netMinor: 0n, count: 0, sums: [] }));
      total.netMinor += row.sums.converted[0]!;
      total.count += row.count;
      total.sums.push(row.sums);
    }
    // Which rates made each total: computed only when a client selects `conversions`.
    const details = once(async () => {
      const days = await this.spending.categoryDays(userId, from, to);
      return this.convert(userId, currency, from, to, days.map((d) => ({ key: d.categoryKey, currency: d.currency, day: d.day, amounts: [d.netMinor], count: d.count })), 1);
    });
    const totals = [...byCategory.values()]
      .filter((t) => t.netMinor > 0n)
      .sort((a, b) => (a.netMinor !== b.netMinor ? (a.netMinor > b.netMinor ? -1 : 1) : (a.categoryId ?? UNCATEGORIZED_KEY) < (b.categoryId ?? UNCATEGORIZED_KEY) ? -1 : 1))
      .map(({ sums, ...t }) => ({
        ...t,
        conversions: async () => (await details()).get(t.categoryId ?? UNCATEGORIZED_KEY)?.conversions ?? [],
        conversionTotals: converted(sums),
      }));
    return { currency, totals };
  }

  /** Money in and out per tag of the user's rows and parts, largest net spending first (`convert` as spendingByCategory). */
  async spendingByTag(
    userId: string,
    args: { from: unknown; to: unknown; currency: string; convert?: boolean | null },
  ): Promise<{ currency: string; totals: (TagTotals & ConvertedParts)[] }> {
    const range = requireRange(args.from, args.to);
    const currency = requireCurrency(args.currency);
    const [from, to] = [formatDay(range.from), formatDay(range.to)];
    if (!args.convert) {
      const totals = await this.spending.spendingByTag(userId, currency, from, to);
      return { currency, totals: totals.map((t) => ({ ...t, conversions: noConversions, conversionTotals: [] })) };
    }
    // One read of the tags' daily sums gives the totals and their conversions (convertDays rounds as the SQL of the other reports).
    const days = await this.spending.tagDays(userId, from, to);
    const figures = await this.convert(userId, currency, from, to, days.map((d) => ({ key: d.tag, currency: d.currency, day: d.day, amounts: [d.expenseMinor, d.incomeMinor], count: d.count })), 2);
    const totals = [...figures.entries()]
      .map(([tag, f]) => ({ tag, expenseMinor: f.amounts[0]!, incomeMinor: f.amounts[1]!, count: f.count, conversions: async () => f.conversions, conversionTotals: sumsByCurrency(f.conversions) }))
      .sort((a, b) => {
        const [na, nb] = [a.expenseMinor - a.incomeMinor, b.expenseMinor - b.incomeMinor];
        return na !== nb ? (na > nb ? -1 : 1) : a.tag < b.tag ? -1 : 1;
      });
    return { currency, totals };
  }

  /** Income and expenses per period, empty periods included; transfers never count (`convert` as spendingByCategory). */
  async cashFlow(
    userId: string,
    args: { from: unknown; to: unknown; currency: string; interval: Interval; convert?: boolean | null },
  ): Promise<{ currency: string; points: (PeriodTotals & ConvertedParts)[] }> {
    const range = requireRange(args.from, args.to);
    const currency = requireCurrency(args.currency);
    // Validates the number of periods before touching the database.
    bucket(range.from, range.to, args.interval, []);
    const [from, to] = [formatDay(range.from), formatDay(range.to)];
    if (!args.convert) {
      const days = await this.spending.dailyTotals(userId, currency, from, to);
      return { currency, points: bucket(range.from, range.to, args.interval, days).map((p) => ({ ...p, conversions: noConversions, conversionTotals: [] })) };
    }
    const { rows, missing } = await this.spending.periodTotalsConverted(userId, currency, from, to, args.interval, await this.rateDays(userId, currency, range));
    if (missing.length > 0) throw missingRatesOf(currency, missing);
    const details = once(async () => {
      const days = await this.spending.dailyTotalsByCurrency(userId, from, to);
      return this.convert(userId, currency, from, to, days.map((d) => ({
        key: formatDay(periodStart(parseDay(d.day)!, args.interval)), currency: d.currency, day: d.day, amounts: [d.incomeMinor, d.expenseMinor], count: 0,
      })), 2);
    });
    const byStart = new Map<string, PeriodTotals & { sums: CurrencySums[] }>();
    for (const row of rows) {
      let point = byStart.get(row.periodStart);
      if (!point) byStart.set(row.periodStart, (point = { periodStart: row.periodStart, incomeMinor: 0n, expenseMinor: 0n, sums: [] }));
      point.incomeMinor += row.sums.converted[0]!;
      point.expenseMinor += row.sums.converted[1]!;
      point.sums.push(row.sums);
    }
    const points = periodStarts(range.from, range.to, args.interval).map((start) => {
      const periodStartDay = formatDay(start);
      const row = byStart.get(periodStartDay);
      return {
        periodStart: periodStartDay,
        incomeMinor: row?.incomeMinor ?? 0n,
        expenseMinor: row?.expenseMinor ?? 0n,
        conversions: async () => (await details()).get(periodStartDay)?.conversions ?? [],
        conversionTotals: converted(row?.sums ?? []),
      };
    });
    return { currency, points };
  }

  /** The rate of every source currency and day of the range into `target` (RateDays), for the SQL conversions. */
  private async rateDays(userId: string, target: string, range: { from: number; to: number }): Promise<RateDays> {
    if (!this.rates) throw new Error('SpendingService was built without exchange rates');
    const [from, to] = [formatDay(range.from), formatDay(range.to)];
    const sources = (await this.spending.currencies(userId, from, to)).filter((c) => c !== target);
    const columns: RateDays = { currency: [], day: [], rate: [], num: [], den: [], rateDay: [] };
    if (sources.length === 0) return columns;
    const table = await this.rates.tableFor(userId, sources, target, from, to);
    const numbers = new Map<string, number>();
    const targetScale = 10n ** BigInt(currencyExponent(target));
    for (const source of sources) {
      const sourceScale = 10n ** BigInt(currencyExponent(source));
      for (let d = range.from; d <= range.to; d++) {
        const day = formatDay(d);
        const rate = table.find(source, target, day);
        if (!rate) continue;
        let number = numbers.get(rate.key);
        if (number === undefined) {
          numbers.set(rate.key, (number = numbers.size));
          columns.num.push((rate.ratio.num * targetScale).toString());
          columns.den.push((rate.ratio.den * sourceScale).toString());
          columns.rateDay.push(rate.day);
        }
        columns.currency.push(source);
        columns.day.push(day);
        columns.rate.push(number);
      }
    }
    return columns;
  }

  private async convert(userId: string, target: string, from: string, to: string, rows: DayAmounts[], width: number) {
    if (!this.rates) throw new Error('SpendingService was built without exchange rates');
    const sources = [...new Set(rows.map((r) => r.currency))];
    return convertDays(rows, await this.rates.forReport(userId, sources, target, from, to), width);
  }
}
