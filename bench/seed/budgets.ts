import { randomUUID } from 'node:crypto';
import { DEFAULT_CATEGORIES, type DefaultSlug } from '../../packages/categories/src/index.js';
import { spentOf } from '../../subgraphs/budget/src/modules/budgets/budget-status.js';
import { budgetCrossings, budgetMessage, defaultLargeThreshold, largeMessage, SEVERITY } from '../../subgraphs/budget/src/modules/alerts/alert-rules.js';
import type { Random } from '../lib/random.js';
import type { SeedTransaction, SeedUser } from './generate-user.js';

export interface SeedBudget {
  id: string;
  userId: string;
  categoryId: string;
  /** "YYYY-MM" */
  month: string;
  limitMinor: bigint;
  currency: string;
  createdAt: Date;
}

export interface SeedAlert {
  id: string;
  userId: string;
  type: 'BUDGET_WARNING' | 'BUDGET_EXCEEDED' | 'UNUSUAL_SPENDING' | 'LARGE_TRANSACTION';
  severity: 'INFO' | 'WARNING' | 'CRITICAL';
  message: string;
  subjectId: string;
  transactionId: string;
  budgetId: string | null;
  month: string | null;
  createdAt: Date;
  readAt: Date | null;
}

const CATEGORY = new Map<string, (typeof DEFAULT_CATEGORIES)[number]>(DEFAULT_CATEGORIES.map((c) => [c.slug, c]));
/** Budgets cover the current month and this many before it. */
const BUDGET_MONTHS = 7;

const monthOf = (date: string) => date.slice(0, 7);
const monthsBack = (now: Date, n: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, 1));

/**
 * Budgets for 3-5 of the categories the user spends most on, for the last months, in the
 * currency of the first account, with limits around the user's usual monthly spending (some
 * months end above 80% or 100%), and the alerts the budget worker would have raised: budget
 * thresholds crossed, in the order the transactions came, and large money-out transactions.
 * UNUSUAL_SPENDING alerts are not seeded.
 */
export function planBudgets(user: SeedUser, now: Date, historyDays: number, rng: Random): { budgets: SeedBudget[]; alerts: SeedAlert[] } {
  const currency = user.accounts[0]!.currency;
  const kindOf = (t: SeedTransaction) => (t.categoryId ? CATEGORY.get(user.slugOf.get(t.categoryId) ?? '')?.kind : undefined);
  const spending = user.transactions.filter((t) => !t.isTransfer && t.currency === currency && kindOf(t) === 'EXPENSE');
  const totals = new Map<string, bigint>();
  for (const t of spending) totals.set(t.categoryId!, (totals.get(t.categoryId!) ?? 0n) - t.amountMinor);
  const top = [...totals.entries()].filter(([, net]) => net > 0n).sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0)).slice(0, 8);
  const chosen = top.sort(() => rng.next() - 0.5).slice(0, rng.int(3, 5));
  const budgets: SeedBudget[] = [];
  const alerts: SeedAlert[] = [];
  const readAt = (at: Date) =>
    at.getTime() < now.getTime() - 7 * 86_400_000 || rng.chance(0.5) ? new Date(Math.min(at.getTime() + rng.int(1, 72) * 3_600_000, now.getTime())) : null;
  for (const [categoryId, net] of chosen) {
    const monthly = Number(net) / (historyDays / 30.4);
    for (let back = 0; back < BUDGET_MONTHS; back++) {
      const start = monthsBack(now, back);
      const month = start.toISOString().slice(0, 7);
      // Whole tens of major units, at least 50.00.
      const limitMinor = BigInt(Math.max(5_000, Math.round((monthly * (0.7 + 0.8 * rng.next())) / 1_000) * 1_000));
      const budget: SeedBudget = { id: randomUUID(), userId: user.id, categoryId, month, limitMinor, currency, createdAt: start };
      budgets.push(budget);
      const raised = new Set<string>();
      let cumulative = 0n;
      const inMonth = spending.filter((t) => t.categoryId === categoryId && monthOf(t.date) === month);
      for (const t of inMonth.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
        const before = spentOf(cumulative);
        cumulative -= t.amountMinor;
        for (const type of budgetCrossings(before, spentOf(cumulative), limitMinor)) {
          if (raised.has(type)) continue;
          raised.add(type);
          const categoryName = CATEGORY.get(user.slugOf.get(categoryId) as DefaultSlug)!.name;
          const message = budgetMessage({ categoryName, month, spentMinor: spentOf(cumulative), limitMinor, currency });
          const at = new Date(t.createdAt.getTime() + 3_000);
          alerts.push({ id: randomUUID(), userId: user.id, type, severity: SEVERITY[type], message, subjectId: budget.id, transactionId: t.id, budgetId: budget.id, month, createdAt: at, readAt: readAt(at) });
        }
      }
    }
  }
  for (const t of user.transactions) {
    // Raised when a money-out transaction is created, unless it was created as a transfer.
    const transferAtCreation = t.transferPeerId !== null || (t.isTransfer && t.categorySource === 'USER' && t.version === 1);
    if (transferAtCreation || t.amountMinor >= 0n || -t.amountMinor < defaultLargeThreshold(t.currency)) continue;
    const message = largeMessage({ amountMinor: -t.amountMinor, currency: t.currency, day: t.date, description: t.description });
    const at = new Date(t.createdAt.getTime() + 3_000);
    alerts.push({ id: randomUUID(), userId: user.id, type: 'LARGE_TRANSACTION', severity: 'INFO', message, subjectId: t.id, transactionId: t.id, budgetId: null, month: null, createdAt: at, readAt: readAt(at) });
  }
  return { budgets, alerts };
}
