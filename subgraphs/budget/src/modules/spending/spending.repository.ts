import { retryOnConflict } from '@centavo/db';
import type { BudgetPrisma, BudgetTx } from '../../db.js';
import type { DayTotals } from './periods.js';
import { UNCATEGORIZED_KEY, type AggregateDelta, type LedgerEntry } from './ledger.js';

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
}

export interface CategoryTotals {
  /** null for uncategorized */
  categoryId: string | null;
  netMinor: bigint;
  count: number;
}

// Lock waits under a burst of events for one (user, category, day) can exceed Prisma's 5 s default.
const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

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
});

/**
 * Work that commits atomically with a change of the aggregates (alerts). It runs inside the
 * ledger transaction and calls `moveAggregates` once, so it can read the sums before and after.
 */
export type AroundApply = (
  tx: BudgetTx,
  change: { previous: LedgerEntry | null; deltas: AggregateDelta[] },
  moveAggregates: () => Promise<void>,
) => Promise<void>;

export class SpendingRepository {
  constructor(private readonly prisma: BudgetPrisma) {}

  /**
   * In one database transaction: stores `next` in the ledger unless a newer version is there,
   * and applies the deltas `plan` derives from the previous entry. The ledger row is inserted or
   * locked first, so two jobs for the same transaction run one after the other.
   */
  async apply(
    next: LedgerEntry,
    plan: (previous: LedgerEntry | null) => AggregateDelta[] | null,
    around?: AroundApply,
  ): Promise<{ applied: boolean; previous: LedgerEntry | null }> {
    // Jobs of one user lock aggregate and budget rows; a deadlock between two of them runs again here.
    return retryOnConflict(() => this.prisma.$transaction(async (tx) => {
      const inserted = await tx.$executeRaw`
        INSERT INTO transaction_ledger
          (transaction_id, user_id, category_id, day, currency, amount_minor, is_transfer, version, deleted, updated_at)
        VALUES (${next.transactionId}::uuid, ${next.userId}::uuid, ${next.categoryId}::uuid, ${next.day}::date,
          ${next.currency}, ${next.amountMinor}::bigint, ${next.isTransfer}, ${next.version}::int, ${next.deleted}, now())
        ON CONFLICT (transaction_id) DO NOTHING`;
      let previous: LedgerEntry | null = null;
      if (inserted === 0) {
        const rows = await tx.$queryRaw<LedgerRow[]>`
          SELECT transaction_id::text, user_id::text, category_id::text, to_char(day, 'YYYY-MM-DD') AS day, currency,
            amount_minor, is_transfer, version, deleted
          FROM transaction_ledger WHERE transaction_id = ${next.transactionId}::uuid FOR UPDATE`;
        if (!rows[0]) throw new Error(`ledger row ${next.transactionId} vanished`);
        previous = toEntry(rows[0]);
      }
      const deltas = plan(previous);
      if (!deltas) return { applied: false, previous };
      let moved = false;
      const moveAggregates = async () => {
        if (moved) return;
        moved = true;
        await this.move(tx, next, previous, deltas);
      };
      if (around) await around(tx, { previous, deltas }, moveAggregates);
      await moveAggregates();
      return { applied: true, previous };
    }, TX_OPTIONS));
  }

  /** Moves the daily sums by the deltas, then stores `next` over an existing ledger row. */
  private async move(tx: BudgetTx, next: LedgerEntry, previous: LedgerEntry | null, deltas: AggregateDelta[]): Promise<void> {
    for (const d of deltas) {
      await tx.$executeRaw`
        INSERT INTO daily_spending AS s (user_id, category_key, currency, day, expense_minor, income_minor, tx_count)
        VALUES (${d.userId}::uuid, ${d.categoryKey}::uuid, ${d.currency}, ${d.day}::date,
          ${d.expenseMinor}::bigint, ${d.incomeMinor}::bigint, ${d.count}::int)
        ON CONFLICT (user_id, category_key, currency, day) DO UPDATE SET
          expense_minor = s.expense_minor + excluded.expense_minor,
          income_minor = s.income_minor + excluded.income_minor,
          tx_count = s.tx_count + excluded.tx_count`;
    }
    if (previous) {
      await tx.$executeRaw`
        UPDATE transaction_ledger SET user_id = ${next.userId}::uuid, category_id = ${next.categoryId}::uuid,
          day = ${next.day}::date, currency = ${next.currency}, amount_minor = ${next.amountMinor}::bigint,
          is_transfer = ${next.isTransfer}, version = ${next.version}::int, deleted = ${next.deleted}, updated_at = now()
        WHERE transaction_id = ${next.transactionId}::uuid`;
    }
  }

  findEntry(transactionId: string): Promise<LedgerEntry | null> {
    return this.prisma.$queryRaw<LedgerRow[]>`
      SELECT transaction_id::text, user_id::text, category_id::text, to_char(day, 'YYYY-MM-DD') AS day, currency,
        amount_minor, is_transfer, version, deleted
      FROM transaction_ledger WHERE transaction_id = ${transactionId}::uuid`.then((rows) => (rows[0] ? toEntry(rows[0]) : null));
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
