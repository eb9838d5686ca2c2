import { badInput, limitExceeded, notFound } from '@centavo/errors';
import type { WebhookDeliveryStatus } from '../../generated/prisma/client.js';
import { urlProblem, type AddressPolicy } from './webhook-address.js';
import { newSecret, type SecretBox } from './webhook-signature.js';
import type { WebhookDeliveryRecord, WebhookEndpointRecord, WebhooksRepository } from './webhooks.repository.js';

/** The public event names (GraphQL enum value → `Centavo-Event-Type`). */
export const WEBHOOK_EVENT_NAMES = {
  TRANSACTION_CREATED: 'transaction.created',
  TRANSACTION_UPDATED: 'transaction.updated',
  TRANSACTION_DELETED: 'transaction.deleted',
  TRANSACTION_CATEGORIZED: 'transaction.categorized',
  ALERT_RAISED: 'alert.raised',
  IMPORT_FINISHED: 'import.finished',
} as const;
export type WebhookEventEnum = keyof typeof WEBHOOK_EVENT_NAMES;

const ENUM_OF = new Map(Object.entries(WEBHOOK_EVENT_NAMES).map(([k, v]) => [v as string, k as WebhookEventEnum]));
export const eventEnumOf = (name: string): WebhookEventEnum => ENUM_OF.get(name) ?? 'TRANSACTION_CREATED';

export interface EndpointInput {
  url?: string | null;
  events?: readonly WebhookEventEnum[] | null;
  description?: string | null;
}

export interface WebhooksServiceDeps {
  repo: WebhooksRepository;
  box: SecretBox;
  policy: AddressPolicy;
  maxEndpoints: number;
  /** After a replay: the endpoint's drain is queued at once. */
  wake(endpointId: string, userId: string): Promise<void>;
}

/** The user's side of webhooks: endpoints, their secrets, the delivery log and replays. */
export class WebhooksService {
  constructor(private readonly d: WebhooksServiceDeps) {}

  list(userId: string): Promise<WebhookEndpointRecord[]> {
    return this.d.repo.listEndpoints(userId);
  }

  async create(userId: string, input: EndpointInput & { url: string; events: readonly WebhookEventEnum[] }): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    const data = this.validate(input, true);
    if ((await this.d.repo.countEndpoints(userId)) >= this.d.maxEndpoints) throw limitExceeded('webhook endpoints', this.d.maxEndpoints);
    const secret = newSecret();
    const endpoint = await this.d.repo.createEndpoint({
      userId,
      url: data.url!,
      events: data.events!,
      description: data.description ?? null,
      secretCiphertext: this.d.box.seal(secret),
    });
    return { endpoint, secret };
  }

  async update(userId: string, id: string, input: EndpointInput): Promise<WebhookEndpointRecord> {
    const data = this.validate(input, false);
    const updated = await this.d.repo.updateEndpoint(userId, id, data);
    if (!updated) throw notFound('WebhookEndpoint');
    return updated;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    if (!(await this.d.repo.deleteEndpoint(userId, id))) throw notFound('WebhookEndpoint');
    return true;
  }

  /** A new secret takes effect for the next attempt; the old one stops signing at once. */
  async rotateSecret(userId: string, id: string): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    const secret = newSecret();
    const endpoint = await this.d.repo.updateEndpoint(userId, id, { secretCiphertext: this.d.box.seal(secret) });
    if (!endpoint) throw notFound('WebhookEndpoint');
    return { endpoint, secret };
  }

  /** Enabled again (after it was disabled for failing); dead deliveries stay dead until replayed. */
  async enable(userId: string, id: string): Promise<WebhookEndpointRecord> {
    const endpoint = await this.d.repo.enableEndpoint(userId, id);
    if (!endpoint) throw notFound('WebhookEndpoint');
    return endpoint;
  }

  async deliveries(userId: string, endpointId: string, status: WebhookDeliveryStatus | null, first: number): Promise<WebhookDeliveryRecord[]> {
    if (!Number.isInteger(first) || first < 1 || first > 500) throw badInput('first', 'first must be between 1 and 500');
    if (!(await this.d.repo.findEndpoint(userId, endpointId))) throw notFound('WebhookEndpoint');
    return this.d.repo.listDeliveries(userId, endpointId, status, first);
  }

  /** A DEAD delivery sent again (same event id and body, fresh attempts); its endpoint must be enabled. */
  async replay(userId: string, id: string): Promise<WebhookDeliveryRecord> {
    const delivery = await this.d.repo.findDelivery(userId, id);
    if (!delivery) throw notFound('WebhookDelivery');
    if (delivery.status !== 'DEAD') throw badInput('id', `only DEAD deliveries can be replayed; this one is ${delivery.status}`);
    const endpoint = await this.d.repo.findEndpoint(userId, delivery.endpointId);
    if (!endpoint?.enabled) throw badInput('id', 'the endpoint is disabled: enable it first (enableWebhookEndpoint)');
    const replayed = await this.d.repo.replay(userId, id);
    if (!replayed) throw badInput('id', 'only DEAD deliveries can be replayed');
    await this.d.wake(replayed.endpointId, userId);
    return replayed;
  }

  private validate(input: EndpointInput, creating: boolean): { url?: string; events?: string[]; description?: string | null } {
    const out: { url?: string; events?: string[]; description?: string | null } = {};
    if ((input.url !== undefined && input.url !== null) || creating) {
      const url = (input.url ?? '').trim();
      const problem = urlProblem(url, this.d.policy);
      if (problem) throw badInput('url', problem);
      out.url = url;
    }
    if ((input.events !== undefined && input.events !== null) || creating) {
      const events = [...new Set(input.events ?? [])];
      if (events.length === 0) throw badInput('events', 'choose at least one event type');
      out.events = events.map((e) => WEBHOOK_EVENT_NAMES[e]);
    }
    if (input.description !== undefined) {
      const description = input.description?.trim() || null;
      if (description && description.length > 200) throw badInput('description', 'description must be at most 200 characters');
      out.description = description;
    }
    return out;
  }
}
