import { requireUser, type ObjectResolvers } from '@centavo/server';
import type { MutationResolvers, NotificationSettingsResolvers, QueryResolvers } from '../../resolvers.generated.js';
import type { NotificationSettingsView } from './notifications.service.js';

const Query = {
  notificationSettings: (_, __, ctx) => ctx.notifications.settings(requireUser(ctx).id),
} satisfies QueryResolvers;

const Mutation = {
  updateNotificationSettings: (_, { input }, ctx) => ctx.notifications.update(requireUser(ctx).id, input),
} satisfies MutationResolvers;

const NotificationSettingsType = {} satisfies ObjectResolvers<NotificationSettingsResolvers, NotificationSettingsView>;

export const notificationsResolvers = { Query, Mutation, NotificationSettings: NotificationSettingsType };
