import type { BaseContext } from '@centavo/server';
import type { BudgetDomain } from './domain.js';
import type { BudgetLoaders } from './loaders.js';
import type { AlertsService } from './modules/alerts/alerts.service.js';
import type { BudgetsService } from './modules/budgets/budgets.service.js';
import type { CategoriesService } from './modules/categories/categories.service.js';
import type { NotificationsService } from './modules/notifications/notifications.service.js';
import { createNetWorthLoader, type NetWorthLoader } from './modules/rates/net-worth.js';
import type { RatesService } from './modules/rates/rates.service.js';
import type { RecurringService } from './modules/recurring/recurring.service.js';
import type { SpendingService } from './modules/spending/spending.service.js';

/** What the budget resolvers get: the caller, the domain's services and this request's loaders. */
export interface BudgetContext extends BaseContext {
  categories: CategoriesService;
  budgets: BudgetsService;
  spending: SpendingService;
  alerts: AlertsService;
  recurring: RecurringService;
  notifications: NotificationsService;
  rates: RatesService;
  /** Months of net worth converted into a currency, batched per request. */
  netWorth: NetWorthLoader;
  loaders: BudgetLoaders;
}

export const budgetContext =
  (domain: BudgetDomain) =>
  (base: BaseContext): BudgetContext => ({
    ...base,
    categories: domain.categories,
    budgets: domain.budgets,
    spending: domain.spending,
    alerts: domain.alerts,
    recurring: domain.recurring,
    notifications: domain.notifications,
    rates: domain.rates,
    netWorth: createNetWorthLoader(domain.rates, base.user?.id),
    loaders: domain.loaders(base.user?.id),
  });
