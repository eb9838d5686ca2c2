import DataLoader from 'dataloader';
import { ownedLoader, type BaseContext } from '@centavo/server';
import type { AlertRecord, AlertsRepository } from './modules/alerts/alerts.repository.js';
import type { AlertsService } from './modules/alerts/alerts.service.js';
import { spentOf } from './modules/budgets/budget-status.js';
import type { BudgetRecord, BudgetsRepository } from './modules/budgets/budgets.repository.js';
import type { BudgetsService } from './modules/budgets/budgets.service.js';
import type { CategoriesRepository, CategoryRecord } from './modules/categories/categories.repository.js';
import type { CategoriesService } from './modules/categories/categories.service.js';
import type { SpendingService } from './modules/spending/spending.service.js';

export interface BudgetContext extends BaseContext {
  categories: CategoriesService;
  budgets: BudgetsService;
  spending: SpendingService;
  alerts: AlertsService;
  loaders: {
    category: DataLoader<string, CategoryRecord | null>;
    budget: DataLoader<string, BudgetRecord | null>;
    /** Spent minor units of a budget by id: one grouped query for every budget of a request. */
    budgetSpent: DataLoader<string, bigint>;
    alert: DataLoader<string, AlertRecord | null>;
  };
}

export interface LoaderRepositories {
  categories: CategoriesRepository;
  budgets: BudgetsRepository;
  alerts: AlertsRepository;
}

/** Other domains may name a default category (its id is derived) before this one created it. */
export type EnsureDefaults = (userId: string) => Promise<void>;

/** Per-request loaders, scoped to the caller: another user's ids load as null. */
export function createLoaders(
  userId: string | undefined,
  repos: LoaderRepositories,
  ensureDefaults: EnsureDefaults,
): BudgetContext['loaders'] {
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
  };
}
