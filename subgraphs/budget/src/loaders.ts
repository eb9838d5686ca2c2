import DataLoader from 'dataloader';
import { ownedLoader } from '@centavo/server';
import type { AlertRecord, AlertsRepository } from './modules/alerts/alerts.repository.js';
import { spentOf } from './modules/budgets/budget-status.js';
import type { BudgetRecord, BudgetsRepository } from './modules/budgets/budgets.repository.js';
import type { CategoriesRepository, CategoryRecord } from './modules/categories/categories.repository.js';
import type { BillRecord, RecurringRepository } from './modules/recurring/recurring.repository.js';

/** Per-request loaders: one batched query per tick for every entity of a request. */
export interface BudgetLoaders {
  category: DataLoader<string, CategoryRecord | null>;
  budget: DataLoader<string, BudgetRecord | null>;
  /** Spent minor units of a budget by id: one grouped query for every budget of a request. */
  budgetSpent: DataLoader<string, bigint>;
  alert: DataLoader<string, AlertRecord | null>;
  bill: DataLoader<string, BillRecord | null>;
}

export interface LoaderRepositories {
  categories: Pick<CategoriesRepository, 'findManyForUser'>;
  budgets: Pick<BudgetsRepository, 'findManyForUser' | 'netSpentFor'>;
  alerts: Pick<AlertsRepository, 'findManyForUser'>;
  recurring: Pick<RecurringRepository, 'findManyForUser'>;
}

/** Other domains may name a default category (its id is derived) before this one created it. */
export type EnsureDefaults = (userId: string) => Promise<void>;

/** Per-request loaders, scoped to the caller: another user's ids load as null. */
export function createLoaders(userId: string | undefined, repos: LoaderRepositories, ensureDefaults: EnsureDefaults): BudgetLoaders {
  return {
    category: ownedLoader(
      userId,
      async (u, ids) => {
        await ensureDefaults(u);
        return repos.categories.findManyForUser(u, ids);
      },
      'id',
    ),
    budget: ownedLoader(userId, (u, ids) => repos.budgets.findManyForUser(u, ids), 'id'),
    budgetSpent: new DataLoader(async (ids: readonly string[]) => {
      const net = userId ? await repos.budgets.netSpentFor(userId, ids) : new Map<string, bigint>();
      return ids.map((id) => spentOf(net.get(id) ?? 0n));
    }),
    alert: ownedLoader(userId, (u, ids) => repos.alerts.findManyForUser(u, ids), 'id'),
    bill: ownedLoader(userId, (u, ids) => repos.recurring.findManyForUser(u, ids), 'id'),
  };
}
