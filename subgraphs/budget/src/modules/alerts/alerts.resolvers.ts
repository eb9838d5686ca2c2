import { notFound } from '@centavo/errors';
import { money } from '@centavo/money';
import { isUuid, requireUser } from '@centavo/server';
import type { BudgetContext } from '../../context.js';
import type { AlertRecord } from './alerts.repository.js';

/** AlertSettings are resolved field by field for the user they belong to. */
interface SettingsView {
  userId: string;
}

export const alertsResolvers = {
  Query: {
    alerts: (_: unknown, args: { unreadOnly?: boolean | null; first?: number | null }, ctx: BudgetContext) =>
      ctx.alerts.list(requireUser(ctx).id, args),
    alert: async (_: unknown, args: { id: string }, ctx: BudgetContext) => {
      requireUser(ctx);
      const alert = isUuid(args.id) ? await ctx.loaders.alert.load(args.id) : null;
      if (!alert) throw notFound('Alert');
      return alert;
    },
    alertSettings: (_: unknown, __: unknown, ctx: BudgetContext): SettingsView => ({ userId: requireUser(ctx).id }),
  },
  Mutation: {
    markAlertRead: (_: unknown, args: { id: string }, ctx: BudgetContext) => {
      const user = requireUser(ctx);
      if (!isUuid(args.id)) throw notFound('Alert');
      return ctx.alerts.markRead(user.id, args.id);
    },
    setLargeTransactionThreshold: async (_: unknown, args: { amount: string; currency: string }, ctx: BudgetContext): Promise<SettingsView> => {
      const user = requireUser(ctx);
      await ctx.alerts.setLargeTransactionThreshold(user.id, args);
      return { userId: user.id };
    },
  },
  Alert: {
    __resolveReference: (ref: { id: string }, ctx: BudgetContext) => {
      requireUser(ctx);
      return isUuid(ref.id) ? ctx.loaders.alert.load(ref.id) : null;
    },
    transaction: (alert: AlertRecord) => (alert.transactionId ? { __typename: 'Transaction', id: alert.transactionId } : null),
    budget: (alert: AlertRecord, _: unknown, ctx: BudgetContext) => (alert.budgetId ? ctx.loaders.budget.load(alert.budgetId) : null),
    createdAt: (alert: AlertRecord) => alert.createdAt.toISOString(),
    readAt: (alert: AlertRecord) => alert.readAt?.toISOString() ?? null,
  },
  AlertSettings: {
    largeTransactionThreshold: async (settings: SettingsView, args: { currency: string }, ctx: BudgetContext) => {
      const threshold = await ctx.alerts.largeTransactionThreshold(settings.userId, args.currency);
      return money(threshold.minMinor, threshold.currency);
    },
    largeTransactionThresholds: async (settings: SettingsView, _: unknown, ctx: BudgetContext) =>
      (await ctx.alerts.listThresholds(settings.userId)).map((t) => money(t.minMinor, t.currency)),
  },
};
