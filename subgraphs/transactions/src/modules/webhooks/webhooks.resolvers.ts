import { notFound } from '@centavo/errors';
import { isUuid, requireUser, type ObjectResolvers } from '@centavo/server';
import type { MutationResolvers, QueryResolvers, WebhookDeliveryResolvers, WebhookEndpointResolvers } from '../../resolvers.generated.js';
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from './webhooks.repository.js';
import { eventEnumOf } from './webhooks.service.js';

const endpointId = (id: string) => {
  if (!isUuid(id)) throw notFound('WebhookEndpoint');
  return id;
};

const Query = {
  webhookEndpoints: (_, __, ctx) => ctx.webhooks.list(requireUser(ctx).id),
  webhookDeliveries: (_, { endpointId: id, status, first }, ctx) => ctx.webhooks.deliveries(requireUser(ctx).id, endpointId(id), status ?? null, first ?? 50),
} satisfies QueryResolvers;

const Mutation = {
  createWebhookEndpoint: (_, { input }, ctx) => ctx.webhooks.create(requireUser(ctx).id, input),
  updateWebhookEndpoint: (_, { id, input }, ctx) => ctx.webhooks.update(requireUser(ctx).id, endpointId(id), input),
  deleteWebhookEndpoint: (_, { id }, ctx) => ctx.webhooks.delete(requireUser(ctx).id, endpointId(id)),
  rotateWebhookSecret: (_, { id }, ctx) => ctx.webhooks.rotateSecret(requireUser(ctx).id, endpointId(id)),
  enableWebhookEndpoint: (_, { id }, ctx) => ctx.webhooks.enable(requireUser(ctx).id, endpointId(id)),
  replayWebhookDelivery: (_, { id }, ctx) => {
    const user = requireUser(ctx);
    if (!isUuid(id)) throw notFound('WebhookDelivery');
    return ctx.webhooks.replay(user.id, id);
  },
} satisfies MutationResolvers;

const WebhookEndpoint = {
  events: (e) => e.events.map(eventEnumOf),
  disabledAt: (e) => e.disabledAt?.toISOString() ?? null,
  createdAt: (e) => e.createdAt.toISOString(),
} satisfies ObjectResolvers<WebhookEndpointResolvers, WebhookEndpointRecord>;

const WebhookDelivery = {
  eventType: (d) => eventEnumOf(d.eventType),
  payload: (d) => d.body,
  nextAttemptAt: (d) => (d.status === 'PENDING' ? d.nextAttemptAt.toISOString() : null),
  createdAt: (d) => d.createdAt.toISOString(),
  deliveredAt: (d) => d.deliveredAt?.toISOString() ?? null,
} satisfies ObjectResolvers<WebhookDeliveryResolvers, WebhookDeliveryRecord>;

export const webhooksResolvers = { Query, Mutation, WebhookEndpoint, WebhookDelivery };
