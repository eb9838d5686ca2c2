import { pgTransaction, retryOnConflict, type PgPool } from '@centavo/db';
import { Prisma } from '../../generated/prisma/client.js';
import type { BudgetBatchTx, BudgetPrisma } from '../../db.js';
import type { DayTotals } from './periods.js';
import type { CurrencySums } from './conversion.js';
import { readBatch, rereadCategories, type BatchContext } from './batch-context.js';
import { partsJson, writeBatch, type StoredPart } from './batch-write.js';
import { planDeltas, UNCATEGORIZED_KEY, type AggregateDelta, type LedgerEntry } from './ledger.js';

interface LedgerRow {
  transaction_id: string;
  user_id: string;
  category_id: string | null;
  day: string;
  currency: string;
  amount_minor: bigint | string;
  is_transfer: boolean;
  version: number;
  deleted: boolean;
  parts: StoredPart[] | null;
  tags: string[] | null;
}

export interface TagTotals {
  tag: string;
  expenseMinor: bigint;
  incomeMinor: bigint;
  /** Transactions carrying the tag (a split row once). */
  count: number;
}

/** One row of daily_spending of an expense category (or uncategorized), for converted reports. */
export interface CategoryDay {
  categoryKey: string;
  currency: string;
  day: string;
  netMinor: bigint;
  count: number;
}

export interface CategoryTotals {
  /** null for uncategorized */
  categoryId: string | null;
  netMinor: bigint;
  count: number;
}

const toEntry = (row: LedgerRow): LedgerEntry => ({
  transactionId: row.transaction_id,
  userId: row.user_id,
  categoryId: row.category_id,
  day: row.day,
  currency: row.currency,
  amountMinor: BigInt(row.amount_minor),
  isTransfer: row.is_transfer,
  version: Number(row.version),
  deleted: row.deleted,
  parts: row.parts ? row.parts.map((p) => ({ ...p, amountMinor: BigInt(p.amountMinor) })) : null,
  tags: row.tags ?? [],
});

/** One event's change of the ledger in a batch: the entry it replaced and the sums it moved. */
export interface BatchChange {
  /** The index of the entry in the batch given to applyBatch. */
  index: number;
  previous: LedgerEntry | null;
  next: LedgerEntry;
  deltas: AggregateDelta[];
}

/**
 * Work that commits with a batch (alerts, bills): runs in its transaction, calls `moveAggregates`
 * once, and reads (and leaves its payee rows and alerts in) the batch's context.
 */
export type AroundBatch = (tx: BudgetBatchTx, changes: BatchChange[], moveAggregates: () => Promise<void>, context: BatchContext) => Promise<void>;

const LEDGER_SELECT = `transaction_id::text, user_id::text, category_id::text, to_char(day, 'YYYY-MM-DD') AS day, currency,
  amount_minor, is_transfer, version, deleted, parts, tags`;
const LEDGER_COLUMNS = Prisma.raw(LEDGER_SELECT);

const sameEntry = (a: LedgerEntry, b: LedgerEntry) =>
  a.userId === b.userId && a.categoryId === b.categoryId && a.day === b.day && a.currency === b.currency &&
  a.amountMinor === b.amountMinor && a.isTransfer === b.isTransfer && a.version === b.version && a.deleted === b.deleted &&
  partsJson(a) === partsJson(b) && JSON.stringify(a.tags ?? []) === JSON.stringify(b.tags ?? []);

/**
 * The rate of every (currency, day) a converted report may meet, as columns: `rate` numbers the
 * distinct rates (sums are rounded per figure, currency and rate), whose `num`/`den` (indexed by
 * that number) are already scaled by the target's and the source's minor units, so
 * minor × num / den is the target's minor units; `rateDay` is each rate's date (AppliedRate.day).
 */
export interface RateDays {
  currency: string[];
  day: string[];
  rate: number[];
  num: string[];
  den: string[];
  rateDay: string[];
}

/** A converted report's rows, and "CUR YYYY-MM-DD" of each currency's first day with money and no rate. */
export interface Converted<T> {
  rows: T[];
  missing: string[];
}

interface MissingColumn {
  missing: string[] | null;
}

/** The CTEs `g` (currency, day, rate_idx) and `r` (rate_idx, num, den, rate_day) of RateDays. */
const rateDaysSql = (r: RateDays) => Prisma.sql`g AS (
    SELECT * FROM unnest(${r.currency}::text[], ${r.day}::date[], ${r.rate}::int[]) AS g(currency, day, rate_idx)
  ), r AS (
    SELECT (n.ord - 1)::int AS rate_idx, n.num, n.den, n.rate_day
    FROM unnest(${r.num}::numeric[], ${r.den}::numeric[], ${r.rateDay}::date[]) WITH ORDINALITY AS n(num, den, rate_day, ord)
  )`;

interface SumsColumns {
  currency: string;
  rates: bigint | string;
  first_rate_day: string | null;
  last_rate_day: string | null;
}

/** Per figure and currency (grouped by the figure's key and p.currency): the rates that converted money (p.used), and their dates. */
const ratesUsedSql = (target: string) => Prisma.sql`
  COUNT(*) FILTER (WHERE p.currency <> ${target} AND p.num IS NOT NULL AND p.used) AS rates,
  to_char(MIN(p.rate_day) FILTER (WHERE p.currency <> ${target} AND p.used), 'YYYY-MM-DD') AS first_rate_day,
  to_char(MAX(p.rate_day) FILTER (WHERE p.currency <> ${target} AND p.used), 'YYYY-MM-DD') AS last_rate_day`;

const sumsOf = (row: SumsColumns, original: bigint[], converted: bigint[]): CurrencySums => ({
  currency: row.currency,
  original,
  converted,
  rates: Number(row.rates),
  firstRateDay: row.first_rate_day,
  lastRateDay: row.last_rate_day,
});

/**
 * A sum of p (one currency and rate) in the target's minor units: itself in the target, 0 without
 * a rate, else sum × num / den rounded half to even, as rates/rate-math.ts divideHalfEven does
 * (div truncates toward zero, mod keeps the dividend's sign). Inline: a SQL function doubled the cost.
 */
const convertedSql = (sum: Prisma.Sql, target: string) => {
  const n = Prisma.sql`(${sum} * p.num)`;
  return Prisma.sql`CASE WHEN p.currency = ${target} THEN ${sum} WHEN p.num IS NULL THEN 0 ELSE div(${n}, p.den)
    + CASE WHEN 2 * abs(mod(${n}, p.den)) > p.den OR (2 * abs(mod(${n}, p.den)) = p.den AND mod(div(${n}, p.den), 2) <> 0) THEN sign(${n}) ELSE 0 END END`;
};

const missingSql = (nonZero: Prisma.Sql, target: string) =>
  Prisma.sql`array_agg(p.currency || ' ' || to_char(p.first_day, 'YYYY-MM-DD')) FILTER (WHERE p.currency <> ${target} AND p.num IS NULL AND ${nonZero}) AS missing`;

/**
 * The CTE `tagged` of the tag reports: a user's ledger rows in a range (of one currency, or all),
 * transfers and deletions left out; an unsplit row counts under its tags, each part of a split row
 * under the row's tags and its own (a tag on both, once). One row per piece and tag:
 * transaction_id, currency, day, amount, tag. Rows without tags and parts are left out before any
 * JSON is read, and each piece's tags are made distinct on their own (no sort of every piece).
 */
function taggedPiecesSql(userId: string, from: string, to: string, currency?: string): Prisma.Sql {
  const ofCurrency = currency === undefined ? Prisma.empty : Prisma.sql`AND l.currency = ${currency}`;
  return Prisma.sql`tagged AS (
        SELECT l.transaction_id, l.currency, l.day, x.amount, t.tag
        FROM transaction_ledger l
        CROSS JOIN LATERAL (
          SELECT l.amount_minor AS amount, l.tags AS tags WHERE l.parts IS NULL
          UNION ALL
          SELECT (p->>'amountMinor')::bigint, l.tags || COALESCE(p->'tags', '[]'::jsonb) FROM jsonb_array_elements(l.parts) p
          WHERE NOT COALESCE((p->>'isTransfer')::boolean, false)
        ) x
        CROSS JOIN LATERAL (SELECT DISTINCT e.tag FROM jsonb_array_elements_text(x.tags) AS e(tag)) t
        WHERE l.user_id = ${userId}::uuid ${ofCurrency} AND l.day BETWEEN ${from}::date AND ${to}::date AND NOT l.deleted AND NOT l.is_transfer
          AND (l.tags <> '[]'::jsonb OR l.parts IS NOT NULL)
      )`;
}

export class SpendingRepository {
  constructor(
    private readonly prisma: BudgetPrisma,
    /** Plain pg for applyBatch (the worker's batches of transaction events). */
    private readonly pool?: PgPool,
  ) {}

  /**
   * A query run with JIT compilation off. The tag reports' set-returning JSON functions are
   * estimated at 100 rows a call, so their plans look costly enough for PostgreSQL to compile:
   * on 100,000 ledger rows compiling took 0.5 s of a 0.7 s query that runs in 0.1 s without it.
   */
  private async withoutJit<T>(query: Prisma.Sql): Promise<T[]> {
    const [, rows] = await this.prisma.$transaction([this.prisma.$executeRaw`SET LOCAL jit = off`, this.prisma.$queryRaw<T[]>(query)]);
    return rows;
  }

  /**
   * Applies a batch of one user's events (in order) in one database transaction with set-based
   * statements: the first locks the batch's existing ledger rows (transaction id order) and reads
   * the user's context (batch-context.ts); each entry is applied only when its version is newer
   * than the transaction's current one (walking the batch in order); one last statement
   * (writeBatch) inserts the new ledger rows and updates the changed ones, moves the aggregates
   * of every applied change and records the payee rows. `entries` builds the entries once the
   * categories are known; `ensureDefaults` creates the user's default categories when a snapshot
   * names one not there yet. Returns the applied changes (a replay or an older version is absent)
   * and the context.
   */
  async applyBatch(
    batch: {
      userId: string;
      transactionIds: readonly string[];
      categoryIds: readonly string[];
      entries: (context: BatchContext) => LedgerEntry[];
      ensureDefaults: () => Promise<void>;
    },
    around?: AroundBatch,
  ): Promise<{ changes: BatchChange[]; context: BatchContext | null }> {
    if (batch.transactionIds.length === 0) return { changes: [], context: null };
    const pool = this.pool;
    if (!pool) throw new Error('SpendingRepository.applyBatch needs the pg pool');
    const ids = [...new Set(batch.transactionIds)].sort();
    return retryOnConflict(() => pgTransaction(pool, async (tx) => {
      const { rows, context } = await readBatch(tx, batch.userId, ids, batch.categoryIds);
      if (context.categories.size < batch.categoryIds.length) {
        // A default category's id can reach us before this user's defaults were created here.
        await batch.ensureDefaults();
        await rereadCategories(tx, context, batch.categoryIds);
      }
      const entries = batch.entries(context);
      const stored = new Map(rows.map((row) => [row.transaction_id, toEntry(row)]));
      const current = new Map<string, LedgerEntry | null>(ids.map((id) => [id, stored.get(id) ?? null]));
      const changes: BatchChange[] = [];
      entries.forEach((next, index) => {
        const previous = current.get(next.transactionId) ?? null;
        const deltas = planDeltas(previous, next);
        if (!deltas) return;
        changes.push({ index, previous, next, deltas });
        current.set(next.transactionId, next);
      });
      let moved = false;
      const moveAggregates = async () => {
        if (moved) return;
        moved = true;
        // New rows get their last applied entry; stored rows only when it differs from what they hold.
        const inserted = ids.filter((id) => !stored.has(id)).map((id) => current.get(id)!);
        const updated = ids.flatMap((id) => {
          const was = stored.get(id);
          const now = current.get(id)!;
          return was && !sameEntry(now, was) ? [now] : [];
        });
        await writeBatch(tx, { inserted, updated, deltas: changes.flatMap((c) => c.deltas), payments: context.payments });
      };
      if (changes.length > 0 && around) await around(tx, changes, moveAggregates, context);
      await moveAggregates();
      return { changes, context };
    }));
  }

  /** The current entries of these transactions (absent ones left out). */
  async findEntries(transactionIds: readonly string[]): Promise<LedgerEntry[]> {
    if (transactionIds.length === 0) return [];
    const rows = await this.prisma.$queryRaw<LedgerRow[]>`
      SELECT ${LEDGER_COLUMNS} FROM transaction_ledger WHERE transaction_id = ANY(${[...transactionIds]}::uuid[])`;
    return rows.map(toEntry);
  }

  findEntry(transactionId: string): Promise<LedgerEntry | null> {
    return this.prisma.$queryRaw<LedgerRow[]>`
      SELECT ${LEDGER_COLUMNS} FROM transaction_ledger WHERE transaction_id = ${transactionId}::uuid`.then((rows) => (rows[0] ? toEntry(rows[0]) : null));
  }

  /** Income and expenses per day of one user and currency, all categories, transfers excluded. */
  async dailyTotals(userId: string, currency: string, from: string, to: string): Promise<DayTotals[]> {
    const rows = await this.prisma.$queryRaw<{ day: string; income: bigint | string; expense: bigint | string }[]>`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, SUM(income_minor)::bigint AS income, SUM(expense_minor)::bigint AS expense
      FROM daily_spending
      WHERE user_id = ${userId}::uuid AND currency = ${currency} AND day BETWEEN ${from}::date AND ${to}::date
      GROUP BY day ORDER BY day`;
    return rows.map((r) => ({ day: r.day, incomeMinor: BigInt(r.income), expenseMinor: BigInt(r.expense) }));
  }

  /** The currencies of a user's daily sums from..to. */
  async currencies(userId: string, from: string, to: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ currency: string }[]>`
      SELECT DISTINCT currency FROM daily_spending WHERE user_id = ${userId}::uuid AND day BETWEEN ${from}::date AND ${to}::date`;
    return rows.map((r) => r.currency);
  }

  /**
   * spendingByCategory converted into `target` in SQL (see convertedSql): per category and
   * currency, the net in that currency and converted, the count, and the rates used; and what had no rate.
   */
  async categoryTotalsConverted(userId: string, target: string, from: string, to: string, rates: RateDays): Promise<Converted<{ categoryId: string | null; count: number; sums: CurrencySums }>> {
    const rows = await this.prisma.$queryRaw<({ category_key: string; original: string; net: string; count: bigint | string } & SumsColumns & MissingColumn)[]>`
      WITH ${rateDaysSql(rates)}, pr AS (
        SELECT s.category_key, s.currency, g.rate_idx, SUM(s.expense_minor - s.income_minor)::numeric AS net,
          SUM(s.tx_count) AS count, MIN(s.day) AS first_day, bool_or(s.expense_minor <> s.income_minor) AS used
        FROM daily_spending s
        LEFT JOIN categories c ON c.id = s.category_key AND c.user_id = s.user_id
        LEFT JOIN g ON g.currency = s.currency AND g.day = s.day
        WHERE s.user_id = ${userId}::uuid AND s.day BETWEEN ${from}::date AND ${to}::date
          AND (s.category_key = ${UNCATEGORIZED_KEY}::uuid OR c.kind = 'EXPENSE')
        GROUP BY s.category_key, s.currency, g.rate_idx
      ), p AS (SELECT pr.*, r.num, r.den, r.rate_day FROM pr LEFT JOIN r ON r.rate_idx = pr.rate_idx)
      SELECT category_key::text AS category_key, p.currency, SUM(p.net)::text AS original, SUM(${convertedSql(Prisma.sql`p.net`, target)})::text AS net,
        SUM(count)::bigint AS count, ${ratesUsedSql(target)}, ${missingSql(Prisma.sql`p.net <> 0`, target)}
      FROM p GROUP BY category_key, p.currency`;
    return {
      rows: rows.map((r) => ({
        categoryId: r.category_key === UNCATEGORIZED_KEY ? null : r.category_key,
        count: Number(r.count),
        sums: sumsOf(r, [BigInt(r.original)], [BigInt(r.net)]),
      })),
      missing: rows.flatMap((r) => r.missing ?? []),
    };
  }

  /** cashFlow converted into `target` in SQL: income and expenses per period start and currency, as categoryTotalsConverted. */
  async periodTotalsConverted(userId: string, target: string, from: string, to: string, interval: 'DAY' | 'WEEK' | 'MONTH', rates: RateDays): Promise<Converted<{ periodStart: string; sums: CurrencySums }>> {
    const period = interval === 'DAY' ? Prisma.sql`s.day` : interval === 'WEEK' ? Prisma.sql`date_trunc('week', s.day)::date` : Prisma.sql`date_trunc('month', s.day)::date`;
    const rows = await this.prisma.$queryRaw<({ period: string; original_income: string; original_expense: string; income: string; expense: string } & SumsColumns & MissingColumn)[]>`
      WITH ${rateDaysSql(rates)}, pr AS (
        SELECT ${period} AS period, s.currency, g.rate_idx, SUM(s.income_minor)::numeric AS income,
          SUM(s.expense_minor)::numeric AS expense, MIN(s.day) AS first_day, bool_or(s.income_minor <> 0 OR s.expense_minor <> 0) AS used
        FROM daily_spending s
        LEFT JOIN g ON g.currency = s.currency AND g.day = s.day
        WHERE s.user_id = ${userId}::uuid AND s.day BETWEEN ${from}::date AND ${to}::date
        GROUP BY 1, s.currency, g.rate_idx
      ), p AS (SELECT pr.*, r.num, r.den, r.rate_day FROM pr LEFT JOIN r ON r.rate_idx = pr.rate_idx)
      SELECT to_char(period, 'YYYY-MM-DD') AS period, p.currency, SUM(p.income)::text AS original_income, SUM(p.expense)::text AS original_expense,
        SUM(${convertedSql(Prisma.sql`p.income`, target)})::text AS income, SUM(${convertedSql(Prisma.sql`p.expense`, target)})::text AS expense,
        ${ratesUsedSql(target)}, ${missingSql(Prisma.sql`(p.income <> 0 OR p.expense <> 0)`, target)}
      FROM p GROUP BY period, p.currency`;
    return {
      rows: rows.map((r) => ({
        periodStart: r.period,
        sums: sumsOf(r, [BigInt(r.original_income), BigInt(r.original_expense)], [BigInt(r.income), BigInt(r.expense)]),
      })),
      missing: rows.flatMap((r) => r.missing ?? []),
    };
  }

  /** dailyTotals of every currency, per currency and day (for reports converted into one currency). */
  async dailyTotalsByCurrency(userId: string, from: string, to: string): Promise<(DayTotals & { currency: string })[]> {
    const rows = await this.prisma.$queryRaw<{ day: string; currency: string; income: bigint | string; expense: bigint | string }[]>`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, currency, SUM(income_minor)::bigint AS income, SUM(expense_minor)::bigint AS expense
      FROM daily_spending
      WHERE user_id = ${userId}::uuid AND day BETWEEN ${from}::date AND ${to}::date
      GROUP BY currency, day`;
    return rows.map((r) => ({ day: r.day, currency: r.currency, incomeMinor: BigInt(r.income), expenseMinor: BigInt(r.expense) }));
  }

  /** Net spending per expense category (and uncategorized), currency and day, every currency, in a range. */
  async categoryDays(userId: string, from: string, to: string): Promise<CategoryDay[]> {
    const rows = await this.prisma.$queryRaw<{ category_key: string; currency: string; day: string; net: bigint | string; count: number }[]>`
      SELECT s.category_key::text AS category_key, s.currency, to_char(s.day, 'YYYY-MM-DD') AS day,
        (s.expense_minor - s.income_minor)::bigint AS net, s.tx_count AS count
      FROM daily_spending s
      LEFT JOIN categories c ON c.id = s.category_key AND c.user_id = s.user_id
      WHERE s.user_id = ${userId}::uuid AND s.day BETWEEN ${from}::date AND ${to}::date
        AND (s.category_key = ${UNCATEGORIZED_KEY}::uuid OR c.kind = 'EXPENSE')`;
    return rows.map((r) => ({ categoryKey: r.category_key, currency: r.currency, day: r.day, netMinor: BigInt(r.net), count: Number(r.count) }));
  }

  /** spendingByTag's sums per tag, currency and day, every currency (a transaction has one day: counts add up). */
  async tagDays(userId: string, from: string, to: string): Promise<(TagTotals & { currency: string; day: string })[]> {
    const rows = await this.withoutJit<{ tag: string; currency: string; day: string; expense: bigint | string; income: bigint | string; count: bigint | string }>(Prisma.sql`
      WITH ${taggedPiecesSql(userId, from, to)}
      SELECT tag, currency, to_char(day, 'YYYY-MM-DD') AS day, SUM(GREATEST(-amount, 0))::bigint AS expense,
        SUM(GREATEST(amount, 0))::bigint AS income, COUNT(DISTINCT transaction_id)::bigint AS count
      FROM tagged GROUP BY tag, currency, day`);
    return rows.map((r) => ({ tag: r.tag, currency: r.currency, day: r.day, expenseMinor: BigInt(r.expense), incomeMinor: BigInt(r.income), count: Number(r.count) }));
  }

  /**
   * Money out and in per tag in a range, transfers and deletions left out: an unsplit row counts
   * under its tags, each part of a split row under the row's tags and its own (a tag on both, once).
   */
  async spendingByTag(userId: string, currency: string, from: string, to: string): Promise<TagTotals[]> {
    const rows = await this.withoutJit<{ tag: string; expense: bigint | string; income: bigint | string; count: bigint | string }>(Prisma.sql`
      WITH ${taggedPiecesSql(userId, from, to, currency)}
      SELECT tag, SUM(GREATEST(-amount, 0))::bigint AS expense, SUM(GREATEST(amount, 0))::bigint AS income,
        COUNT(DISTINCT transaction_id)::bigint AS count
      FROM tagged GROUP BY tag
      ORDER BY SUM(-amount) DESC, tag`);
    return rows.map((r) => ({ tag: r.tag, expenseMinor: BigInt(r.expense), incomeMinor: BigInt(r.income), count: Number(r.count) }));
  }

  /** Net spending per expense category (and uncategorized) in a range, where it is positive. */
  async spendingByCategory(userId: string, currency: string, from: string, to: string): Promise<CategoryTotals[]> {
    const rows = await this.prisma.$queryRaw<{ category_key: string; net: bigint | string; count: bigint | string }[]>`
      SELECT s.category_key::text AS category_key,
        (SUM(s.expense_minor) - SUM(s.income_minor))::bigint AS net, SUM(s.tx_count)::bigint AS count
      FROM daily_spending s
      LEFT JOIN categories c ON c.id = s.category_key AND c.user_id = s.user_id
      WHERE s.user_id = ${userId}::uuid AND s.currency = ${currency} AND s.day BETWEEN ${from}::date AND ${to}::date
        AND (s.category_key = ${UNCATEGORIZED_KEY}::uuid OR c.kind = 'EXPENSE')
      GROUP BY s.category_key
      HAVING SUM(s.expense_minor) - SUM(s.income_minor) > 0
      ORDER BY net DESC, category_key`;
    return rows.map((r) => ({
      categoryId: r.category_key === UNCATEGORIZED_KEY ? null : r.category_key,
      netMinor: BigInt(r.net),
      count: Number(r.count),
    }));
  }
}
