import type { BudgetTx } from '../../db.js';
import { spentOf } from '../budgets/budget-status.js';
import { BudgetsRepository, type SpendingKey } from '../budgets/budgets.repository.js';
import { CategoriesRepository } from '../categories/categories.repository.js';
import { UNCATEGORIZED_KEY } from '../spending/ledger.js';
import { formatDay, parseDay } from '../spending/periods.js';
import type { ApplyEffects, LedgerChange } from '../spending/spending.service.js';
import {
  budgetCrossings,
  budgetMessage,
  defaultLargeThreshold,
  largeMessage,
  minUnusualAmount,
  SEVERITY,
  UNUSUAL_RULE,
  unusualAgainst,
  unusualMessage,
} from './alert-rules.js';
import { AlertsRepository, type NewAlert } from './alerts.repository.js';

/**
 * Raises the alerts a transaction change causes, in the ledger transaction: they commit with
 * the change or not at all, so a crash cannot lose them, and a replay (not applied) raises nothing.
 */
export const raiseAlerts: ApplyEffects = async (tx, change, moveAggregates) => {
  const alerts = [...(await budgetAlerts(tx, change, moveAggregates)), ...(await transactionAlerts(tx, change))];
  await new AlertsRepository(tx).raise(alerts);
};

/**
 * BUDGET_WARNING / BUDGET_EXCEEDED for each budget this change pushed across 80% / 100%. The
 * budgets are locked first, so changes of one budget run in turn and each sees the exact sum
 * before and after itself: the alert names the transaction that really crossed the threshold.
 */
async function budgetAlerts(tx: BudgetTx, change: LedgerChange, moveAggregates: () => Promise<void>): Promise<NewAlert[]> {
  const { next, deltas } = change;
  const keys: SpendingKey[] = deltas
    .filter((d) => d.categoryKey !== UNCATEGORIZED_KEY)
    .map((d) => ({ categoryId: d.categoryKey, month: d.day.slice(0, 7), currency: d.currency }));
  const repo = new BudgetsRepository(tx);
  const budgets = await repo.covering(next.userId, keys, { lock: true });
  if (budgets.length === 0) return [];
  const ids = budgets.map((b) => b.id);
  const before = await repo.netSpentFor(next.userId, ids);
  await moveAggregates();
  const after = await repo.netSpentFor(next.userId, ids);

  const crossed = budgets.flatMap((budget) => {
    const spentBefore = spentOf(before.get(budget.id) ?? 0n);
    const spentAfter = spentOf(after.get(budget.id) ?? 0n);
    return budgetCrossings(spentBefore, spentAfter, budget.limitMinor).map((type) => ({ budget, type, spentAfter }));
  });
  if (crossed.length === 0) return [];
  const names = await categoryNames(tx, next.userId, crossed.map((c) => c.budget.categoryId));
  return crossed.map(({ budget, type, spentAfter }) => ({
    userId: next.userId,
    type,
    severity: SEVERITY[type],
    message: budgetMessage({
      categoryName: names.get(budget.categoryId) ?? 'Category',
      month: budget.month,
      spentMinor: spentAfter,
      limitMinor: budget.limitMinor,
      currency: budget.currency,
    }),
    transactionId: next.transactionId,
    budgetId: budget.id,
    month: budget.month,
  }));
}

/**
 * LARGE_TRANSACTION when a money-out transaction is created; UNUSUAL_SPENDING when it is
 * created in a category, or first gets one from the categorizer (RULE or AI). Later edits
 * never raise them, and the unique (transaction, type) keeps each to once per transaction.
 */
async function transactionAlerts(tx: BudgetTx, change: LedgerChange): Promise<NewAlert[]> {
  const { snapshot, previous, next } = change;
  if (next.deleted || next.isTransfer || next.amountMinor >= 0n) return [];
  const created = previous === null;
  const firstCategorized =
    previous !== null && previous.categoryId === null && (snapshot.categorySource === 'RULE' || snapshot.categorySource === 'AI');
  const amountMinor = -next.amountMinor;
  const repo = new AlertsRepository(tx);
  const base = { userId: next.userId, transactionId: next.transactionId, budgetId: null, month: null };
  const alerts: NewAlert[] = [];

  if (created) {
    const threshold = (await repo.threshold(next.userId, next.currency)) ?? defaultLargeThreshold(next.currency);
    if (amountMinor >= threshold) {
      const message = largeMessage({ amountMinor, currency: next.currency, day: next.day, description: snapshot.description });
      alerts.push({ ...base, type: 'LARGE_TRANSACTION', severity: SEVERITY.LARGE_TRANSACTION, message });
    }
  }

  const categoryId = next.categoryId;
  const day = parseDay(next.day);
  if ((created || firstCategorized) && categoryId && day !== null && amountMinor >= minUnusualAmount(next.currency)) {
    const history = await repo.expensesOf(next.userId, {
      categoryId,
      currency: next.currency,
      from: formatDay(day - UNUSUAL_RULE.windowDays),
      to: next.day,
      excludeTransactionId: next.transactionId,
    });
    const verdict = unusualAgainst(amountMinor, history, next.currency);
    if (verdict) {
      const names = await categoryNames(tx, next.userId, [categoryId]);
      const message = unusualMessage({
        categoryName: names.get(categoryId) ?? 'this category',
        amountMinor,
        medianMinor: verdict.medianMinor,
        currency: next.currency,
        day: next.day,
      });
      alerts.push({ ...base, type: 'UNUSUAL_SPENDING', severity: SEVERITY.UNUSUAL_SPENDING, message });
    }
  }
  return alerts;
}

async function categoryNames(tx: BudgetTx, userId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const categories = await new CategoriesRepository(tx).findManyForUser(userId, [...new Set(ids)]);
  return new Map(categories.map((c) => [c.id, c.name]));
}
