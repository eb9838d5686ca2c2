import { QUOTA_DEFAULTS, type BudgetQuotas } from './config.js';
import type { BudgetPrisma } from './db.js';
import { AlertsRepository } from './modules/alerts/alerts.repository.js';
import { AlertsService } from './modules/alerts/alerts.service.js';
import { BudgetsRepository } from './modules/budgets/budgets.repository.js';
import { BudgetsService } from './modules/budgets/budgets.service.js';
import { CategoriesRepository } from './modules/categories/categories.repository.js';
import { CategoriesService } from './modules/categories/categories.service.js';
import { SpendingRepository } from './modules/spending/spending.repository.js';
import { SpendingService } from './modules/spending/spending.service.js';

/** The budget domain's repositories and services over one Prisma client (server and worker). */
export function createBudgetDomain(prisma: BudgetPrisma, quotas: BudgetQuotas = QUOTA_DEFAULTS) {
  const repos = {
    categories: new CategoriesRepository(prisma),
    budgets: new BudgetsRepository(prisma),
    spending: new SpendingRepository(prisma),
    alerts: new AlertsRepository(prisma),
  };
  const categories = new CategoriesService(repos.categories, quotas.MAX_CATEGORIES_PER_USER);
  return {
    repos,
    categories,
    budgets: new BudgetsService(repos.budgets, quotas.MAX_BUDGETS_PER_USER),
    spending: new SpendingService(repos.spending, repos.categories, (userId) => categories.ensureDefaults(userId)),
    alerts: new AlertsService(repos.alerts),
  };
}

export type BudgetDomain = ReturnType<typeof createBudgetDomain>;
