import { loadTypeDefs, type CompleteResolvers } from '@centavo/server';
import { alertsResolvers } from './modules/alerts/alerts.resolvers.js';
import { budgetsResolvers } from './modules/budgets/budgets.resolvers.js';
import { categoriesResolvers } from './modules/categories/categories.resolvers.js';
import { notificationsResolvers } from './modules/notifications/notifications.resolvers.js';
import { ratesResolvers } from './modules/rates/rates.resolvers.js';
import { recurringResolvers } from './modules/recurring/recurring.resolvers.js';
import { spendingResolvers } from './modules/spending/spending.resolvers.js';
import type { Resolvers } from './resolvers.generated.js';

/** The subgraph's SDL, generated from its modules' .graphql files by scripts/codegen.ts. */
export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export const resolvers = {
  Query: { ...categoriesResolvers.Query, ...budgetsResolvers.Query, ...spendingResolvers.Query, ...alertsResolvers.Query, ...recurringResolvers.Query, ...notificationsResolvers.Query, ...ratesResolvers.Query },
  Mutation: { ...categoriesResolvers.Mutation, ...budgetsResolvers.Mutation, ...alertsResolvers.Mutation, ...recurringResolvers.Mutation, ...notificationsResolvers.Mutation, ...ratesResolvers.Mutation },
  Category: categoriesResolvers.Category,
  Budget: budgetsResolvers.Budget,
  CategorySpending: spendingResolvers.CategorySpending,
  TagSpending: spendingResolvers.TagSpending,
  CashFlowPoint: spendingResolvers.CashFlowPoint,
  Alert: alertsResolvers.Alert,
  AlertSettings: alertsResolvers.AlertSettings,
  RecurringBill: recurringResolvers.RecurringBill,
  NotificationSettings: notificationsResolvers.NotificationSettings,
  NetWorthMonth: ratesResolvers.NetWorthMonth,
} satisfies CompleteResolvers<Resolvers>;
