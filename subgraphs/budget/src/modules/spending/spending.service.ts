import type { TransactionSnapshot } from '@centavo/jobs';
import type { Money } from '@centavo/money';
import type { BudgetTx } from '../../db.js';
import { requireCurrency } from '../common/inputs.js';
import type { CategoriesRepository } from '../categories/categories.repository.js';
import { planDeltas, UNCATEGORIZED_KEY, type AggregateDelta, type LedgerEntry } from './ledger.js';
import { bucket, formatDay, parseDay, requireRange, type Interval, type PeriodTotals } from './periods.js';
import type { CategoryTotals, SpendingRepository } from './spending.repository.js';

/** One row of spendingByCategory: its category resolves through the loader. */
export interface CategorySpendingView {
  categoryId: string | null;
  total: Money;
  count: number;
}

export interface ApplyResult {
  /** false when the event was a replay or older than what was already applied */
  applied: boolean;
  userId: string;
  /** The (category, month, currency) sums this change moved; for budget alerts and updates. */
  affected: { categoryId: string | null; month: string; currency: string }[];
  /** The snapshot named a category that is not one of the user's; it counts as uncategorized. */
  unknownCategory: boolean;
}

/** A change about to be applied: the snapshot, the ledger entry before and after, the deltas. */
export interface LedgerChange {
  snapshot: TransactionSnapshot;
  previous: LedgerEntry | null;
  next: LedgerEntry;
  deltas: AggregateDelta[];
}

/**
 * Work that must commit atomically with a change (raising alerts): runs in the ledger
 * transaction, only for changes that apply, and calls `moveAggregates` when it wants the sums moved.
 */
export type ApplyEffects = (tx: BudgetTx, change: LedgerChange, moveAggregates: () => Promise<void>) => Promise<void>;

export class SpendingService {
  constructor(
    private readonly spending: SpendingRepository,
    private readonly categories: CategoriesRepository,
    private readonly ensureDefaults: (userId: string) => Promise<void>,
  ) {}

  /** Applies a transaction's full current state; idempotent and safe in any order. */
  async applySnapshot(snapshot: TransactionSnapshot, effects?: ApplyEffects): Promise<ApplyResult> {
    // A producer bug, not a passing failure: say so instead of a database cast error.
    if (parseDay(snapshot.date) === null) throw new Error(`transaction ${snapshot.id} has no real date: "${snapshot.date}"`);
    let categoryId: string | null = null;
    let isTransferCategory = false;
    let unknownCategory = false;
    if (snapshot.categoryId) {
      // Category kinds never change, so reading outside the ledger transaction is safe.
      let [category] = await this.categories.findManyForUser(snapshot.userId, [snapshot.categoryId]);
      if (!category) {
        // A default category's id can reach us before this user's defaults were created here.
        await this.ensureDefaults(snapshot.userId);
        [category] = await this.categories.findManyForUser(snapshot.userId, [snapshot.categoryId]);
      }
      if (category) {
        categoryId = category.id;
        isTransferCategory = category.kind === 'TRANSFER';
      } else unknownCategory = true;
    }
    const next: LedgerEntry = {
      transactionId: snapshot.id,
      userId: snapshot.userId,
      categoryId,
      day: snapshot.date,
      currency: snapshot.currency.toUpperCase(),
      amountMinor: BigInt(snapshot.amountMinor),
      isTransfer: snapshot.transferPeerId !== null || isTransferCategory,
      version: snapshot.version,
      deleted: snapshot.deleted,
    };
    let moved: ApplyResult['affected'] = [];
    const { applied } = await this.spending.apply(next, (previous) => {
      const deltas = planDeltas(previous, next);
      const byKey = new Map((deltas ?? []).map((d) => [`${d.categoryKey}|${d.day.slice(0, 7)}|${d.currency}`, d]));
      moved = [...byKey.values()].map((d) => ({
        categoryId: d.categoryKey === UNCATEGORIZED_KEY ? null : d.categoryKey,
        month: d.day.slice(0, 7),
        currency: d.currency,
      }));
      return deltas;
    }, effects && ((tx, { previous, deltas }, move) => effects(tx, { snapshot, previous, next, deltas }, move)));
    return { applied, userId: snapshot.userId, affected: applied ? moved : [], unknownCategory };
  }

  findEntry(transactionId: string): Promise<LedgerEntry | null> {
    return this.spending.findEntry(transactionId);
  }

  /** Expense categories (and uncategorized) with positive net spending, largest first. */
  async spendingByCategory(
    userId: string,
    args: { from: unknown; to: unknown; currency: string },
  ): Promise<{ currency: string; totals: CategoryTotals[] }> {
    const range = requireRange(args.from, args.to);
    const currency = requireCurrency(args.currency);
    return { currency, totals: await this.spending.spendingByCategory(userId, currency, formatDay(range.from), formatDay(range.to)) };
  }

  /** Income and expenses per period, empty periods included; transfers never count. */
  async cashFlow(
    userId: string,
    args: { from: unknown; to: unknown; currency: string; interval: Interval },
  ): Promise<{ currency: string; points: PeriodTotals[] }> {
    const range = requireRange(args.from, args.to);
    const currency = requireCurrency(args.currency);
    // Validates the number of periods before touching the database.
    bucket(range.from, range.to, args.interval, []);
    const days = await this.spending.dailyTotals(userId, currency, formatDay(range.from), formatDay(range.to));
    return { currency, points: bucket(range.from, range.to, args.interval, days) };
  }
}
