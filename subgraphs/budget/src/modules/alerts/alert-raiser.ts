import type { BudgetBatchTx } from '../../db.js';
import { spentOf } from '../budgets/budget-status.js';
import { BudgetsBatchRepository } from '../budgets/budgets.batch-repository.js';
import type { CoveringBudget, SpendingKey } from '../budgets/budgets.repository.js';
import { readCategories } from '../categories/categories.reader.js';
import { UNCATEGORIZED_KEY } from '../spending/ledger.js';
import { formatDay, parseDay } from '../spending/periods.js';
import type { BatchContext } from '../spending/batch-context.js';
import type { ApplyEffects, LedgerChange } from '../spending/spending.service.js';
import {
  budgetCrossings,
  budgetMessage,
  defaultLargeThreshold,
  largeMessage,
  minUnusualAmount,
  SEVERITY,
  UNUSUAL_RULE,
  unusualByMedian,
  unusualMessage,
} from './alert-rules.js';
import { AlertsBatchRepository, type ExpenseDay } from './alerts.batch-repository.js';
import type { NewAlert } from './alerts.repository.js';
import { ExpenseWindow } from './expense-window.js';

/**
 * Raises the alerts a batch of changes causes, in the batch's transaction: they commit with the
 * changes or not at all, so a crash cannot lose them, and a replay (not applied) raises nothing.
 * Set-based: a fixed number of statements per batch, whatever its size, and none for a user
 * without budgets and a batch that raises nothing (thresholds and categories come with the
 * batch's first statement).
 */
export const raiseAlerts: ApplyEffects = async (tx, changes, moveAggregates, context) => {
  const userId = changes[0]?.next.userId;
  if (!userId) return;
  const budget = await budgetAlerts(tx, userId, changes, moveAggregates, context);
  await moveAggregates();
  const transaction = await transactionAlerts(tx, userId, changes, context);
  const names = await categoryNames(tx, userId, [...budget.map((a) => a.categoryId), ...transaction.map((a) => a.categoryId)].filter((id): id is string => id !== null), context);
  context.alertsRaised += await new AlertsBatchRepository(tx).raise([...budget, ...transaction].map((a) => a.alert(names)));
};

type Pending = { categoryId: string | null; alert: (names: Map<string, string>) => NewAlert };

/**
 * BUDGET_WARNING / BUDGET_EXCEEDED for each budget a change of the batch pushed across 80% /
 * 100%. The budgets are locked first, so batches moving one budget run in turn; their sums are
 * read once before the batch, and each change's deltas are added in event order, so the alert
 * names the transaction that really crossed the threshold, once (the unique (budget, type)).
 */
async function budgetAlerts(tx: BudgetBatchTx, userId: string, changes: LedgerChange[], moveAggregates: () => Promise<void>, context: BatchContext): Promise<Pending[]> {
  // A user without budgets (the batch's first statement said so) has none to lock, read or tell of.
  if (!context.hasBudgets) {
    context.budgetsMoved = [];
    return [];
  }
  const keyed = new Map<string, SpendingKey>();
  for (const d of changes.flatMap((c) => c.deltas)) {
    if (d.categoryKey === UNCATEGORIZED_KEY) continue;
    const key = { categoryId: d.categoryKey, month: d.day.slice(0, 7), currency: d.currency };
    keyed.set(`${key.categoryId}|${key.month}|${key.currency}`, key);
  }
  const repo = new BudgetsBatchRepository(tx);
  const budgets = await repo.coveringLocked(userId, [...keyed.values()]);
  // The live updates tell these budgets' subscribers after the commit, without looking them up again.
  context.budgetsMoved = budgets;
  if (budgets.length === 0) return [];
  const running = await repo.netSpentFor(userId, budgets.map((b) => b.id));
  await moveAggregates();
  // A budget counts its category's spending and its subcategories'.
  const categories = await readCategories(tx, userId, [...new Set([...keyed.values()].map((k) => k.categoryId!))]);
  const parentOf = new Map(categories.map((c) => [c.id, c.parentId]));
  const covers = (budget: CoveringBudget, d: LedgerChange['deltas'][number]) =>
    d.categoryKey !== UNCATEGORIZED_KEY && d.day.slice(0, 7) === budget.month && d.currency === budget.currency &&
    (d.categoryKey === budget.categoryId || parentOf.get(d.categoryKey) === budget.categoryId);

  const pending: Pending[] = [];
  for (const change of changes) {
    for (const budget of budgets) {
      const moved = change.deltas.filter((d) => covers(budget, d)).reduce((sum, d) => sum + d.expenseMinor - d.incomeMinor, 0n);
      if (moved === 0n) continue;
      const before = running.get(budget.id) ?? 0n;
      const after = before + moved;
      running.set(budget.id, after);
      const spentAfter = spentOf(after);
      for (const type of budgetCrossings(spentOf(before), spentAfter, budget.limitMinor)) {
        pending.push({
          categoryId: budget.categoryId,
          alert: (names) => ({
            userId,
            type,
            severity: SEVERITY[type],
            message: budgetMessage({
              categoryName: names.get(budget.categoryId) ?? 'Category',
              month: budget.month,
              spentMinor: spentAfter,
              limitMinor: budget.limitMinor,
              currency: budget.currency,
            }),
            transactionId: change.next.transactionId,
            budgetId: budget.id,
            month: budget.month,
          }),
        });
      }
    }
  }
  return pending;
}

/**
 * LARGE_TRANSACTION when a money-out transaction is created; UNUSUAL_SPENDING when it is
 * created in a category, or first gets one from the categorizer (RULE or AI). Later edits
 * never raise them, and the unique (transaction, type) keeps each to once per transaction.
 * The user's thresholds are read once, and the history of every candidate's category in one
 * query (the ledger after the batch, each candidate itself left out).
 */
async function transactionAlerts(tx: BudgetBatchTx, userId: string, changes: LedgerChange[], context: BatchContext): Promise<Pending[]> {
  const repo = new AlertsBatchRepository(tx);
  const candidates = changes.filter(({ next }) => !next.deleted && !next.isTransfer && next.amountMinor < 0n);
  if (candidates.length === 0) return [];
  const pending: Pending[] = [];
  const base = { userId, budgetId: null, month: null };

  if (candidates.some((c) => c.previous === null)) {
    const thresholds = new Map(context.thresholds.map((t) => [t.currency, t.minMinor]));
    for (const { snapshot, previous, next } of candidates) {
      if (previous !== null) continue;
      const amountMinor = -next.amountMinor;
      if (amountMinor < (thresholds.get(next.currency) ?? defaultLargeThreshold(next.currency))) continue;
      const message = largeMessage({ amountMinor, currency: next.currency, day: next.day, description: snapshot.description });
      pending.push({
        categoryId: null,
        alert: () => ({ ...base, transactionId: next.transactionId, type: 'LARGE_TRANSACTION', severity: SEVERITY.LARGE_TRANSACTION, message }),
      });
    }
  }

  const unusual = candidates.filter(({ snapshot, previous, next }) => {
    const firstCategorized =
      previous !== null && previous.categoryId === null && (snapshot.categorySource === 'RULE' || snapshot.categorySource === 'AI');
    return (previous === null || firstCategorized) && next.categoryId !== null && parseDay(next.day) !== null &&
      -next.amountMinor >= minUnusualAmount(next.currency);
  });
  if (unusual.length === 0) return pending;
  const days = unusual.map((c) => parseDay(c.next.day)!);
  const history = await repo.expenseDays(userId, {
    categoryIds: [...new Set(unusual.map((c) => c.next.categoryId!))],
    from: formatDay(Math.min(...days) - UNUSUAL_RULE.windowDays),
    to: formatDay(Math.max(...days)),
    transactionIds: unusual.map((c) => c.next.transactionId),
  });
  const verdicts = unusualVerdicts(unusual.map((c) => c.next), history);
  for (const [i, { next }] of unusual.entries()) {
    const verdict = verdicts[i];
    if (!verdict) continue;
    const amountMinor = -next.amountMinor;
    const categoryId = next.categoryId!;
    pending.push({
      categoryId,
      alert: (names) => ({
        ...base,
        transactionId: next.transactionId,
        type: 'UNUSUAL_SPENDING',
        severity: SEVERITY.UNUSUAL_SPENDING,
        message: unusualMessage({
          categoryName: names.get(categoryId) ?? 'this category',
          amountMinor,
          medianMinor: verdict.medianMinor,
          currency: next.currency,
          day: next.day,
        }),
      }),
    });
  }
  return pending;
}

/** The names of these categories: those the batch's first statement read, the others (a budget's parent) read now. */
async function categoryNames(tx: BudgetBatchTx, userId: string, ids: readonly string[], context: BatchContext): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const known = context.categories.get(id);
    if (known) names.set(id, known.name);
    else missing.push(id);
  }
  if (missing.length > 0) for (const c of await readCategories(tx, userId, missing)) names.set(c.id, c.name);
  return names;
}

type Candidate = LedgerChange['next'];

/**
 * UNUSUAL_SPENDING for each candidate against its category's and currency's expenses of the
 * UNUSUAL_RULE.windowDays days up to its own day, itself left out. Per category and currency the
 * candidates are taken in day order while a window of amounts (ExpenseWindow) slides over the
 * days: each day's amounts enter and leave it once, whatever the number of candidates.
 */
export function unusualVerdicts(candidates: readonly Candidate[], history: readonly ExpenseDay[]): ({ medianMinor: bigint } | null)[] {
  const groups = new Map<string, { days: ExpenseDay[]; candidates: number[] }>();
  const group = (categoryId: string, currency: string) => {
    const key = `${categoryId}|${currency}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { days: [], candidates: [] }));
    return g;
  };
  for (const day of history) group(day.categoryId, day.currency).days.push(day);
  for (const [i, next] of candidates.entries()) group(next.categoryId!, next.currency).candidates.push(i);
  const out: ({ medianMinor: bigint } | null)[] = candidates.map(() => null);
  for (const { days, candidates: inGroup } of groups.values()) {
    if (inGroup.length === 0) continue;
    days.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    const byDay = inGroup.map((i) => ({ i, next: candidates[i]! })).sort((a, b) => (a.next.day < b.next.day ? -1 : a.next.day > b.next.day ? 1 : 0));
    // Where each candidate's own row is (day and amount), if it is among these expenses.
    const own = new Map<string, { day: string; amountMinor: bigint }>();
    for (const day of days) for (const m of day.mine) own.set(m.transactionId, { day: day.day, amountMinor: m.amountMinor });
    const window = new ExpenseWindow(days.flatMap((d) => d.amounts));
    let entered = 0;
    let left = 0;
    for (const { i, next } of byDay) {
      const from = formatDay(parseDay(next.day)! - UNUSUAL_RULE.windowDays);
      for (; entered < days.length && days[entered]!.day <= next.day; entered++) for (const a of days[entered]!.amounts) window.add(a);
      for (; left < entered && days[left]!.day < from; left++) for (const a of days[left]!.amounts) window.remove(a);
      const self = own.get(next.transactionId);
      const selfInside = self !== undefined && self.day >= from && self.day <= next.day;
      if (selfInside) window.remove(self.amountMinor);
      const count = window.size;
      out[i] = count >= UNUSUAL_RULE.minHistory ? unusualByMedian(-next.amountMinor, count, window.doubleMedian(), next.currency) : null;
      if (selfInside) window.add(self.amountMinor);
    }
  }
  return out;
}
