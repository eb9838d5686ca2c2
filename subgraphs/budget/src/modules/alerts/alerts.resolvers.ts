import { notFound } from '@centavo/errors';
import { money } from '@centavo/money';
import { isUuid, requireUser, type ObjectResolvers } from '@centavo/server';
import type { AlertResolvers, AlertSettingsResolvers, MutationResolvers, QueryResolvers } from '../../resolvers.generated.js';
import type { AlertRecord } from './alerts.repository.js';
import type { AlertSettingsView } from './alerts.service.js';

const Query = {
  alerts: (_, args, ctx) => ctx.alerts.list(requireUser(ctx).id, args),
  alert: async (_, { id }, ctx) => {
    requireUser(ctx);
    const alert = isUuid(id) ? await ctx.loaders.alert.load(id) : null;
    if (!alert) throw notFound('Alert');
    return alert;
  },
  alertSettings: (_, __, ctx) => ({ userId: requireUser(ctx).id }),
} satisfies QueryResolvers;

const Mutation = {
  markAlertRead: (_, { id }, ctx) => {
    const user = requireUser(ctx);
    if (!isUuid(id)) throw notFound('Alert');
    return ctx.alerts.markRead(user.id, id);
  },
  setLargeTransactionThreshold: async (_, args, ctx) => {
    const user = requireUser(ctx);
    await ctx.alerts.setLargeTransactionThreshold(user.id, args);
    return { userId: user.id };
  },
} satisfies MutationResolvers;

const AlertType = {
  __resolveReference: (ref, ctx) => {
    requireUser(ctx);
    return isUuid(ref.id) ? ctx.loaders.alert.load(ref.id) : null;
  },
  transaction: (alert) => (alert.transactionId ? { __typename: 'Transaction' as const, id: alert.transactionId } : null),
  budget: (alert, _, ctx) => (alert.budgetId ? ctx.loaders.budget.load(alert.budgetId) : null),
  bill: (alert, _, ctx) => (alert.billId ? ctx.loaders.bill.load(alert.billId) : null),
  createdAt: (alert) => alert.createdAt.toISOString(),
  readAt: (alert) => alert.readAt?.toISOString() ?? null,
} satisfies ObjectResolvers<AlertResolvers, AlertRecord>;

const AlertSettingsType = {
  largeTransactionThreshold: async (settings, { currency }, ctx) => {
    const threshold = await ctx.alerts.largeTransactionThreshold(settings.userId, currency);
    return money(threshold.minMinor, threshold.currency);
  },
  largeTransactionThresholds: async (settings, _, ctx) =>
    (await ctx.alerts.listThresholds(settings.userId)).map((t) => money(t.minMinor, t.currency)),
} satisfies ObjectResolvers<AlertSettingsResolvers, AlertSettingsView>;

export const alertsResolvers = { Query, Mutation, Alert: AlertType, AlertSettings: AlertSettingsType };
