import type { TransactionsPrisma } from '../../db.js';
import type { WebhookDeliveryStatus } from '../../generated/prisma/client.js';

/** What the user is told of an endpoint disabled for failing. */
export interface DisableNotice {
  id: string;
  userId: string;
  url: string;
  disabledAt: Date;
  disabledReason: string | null;
}

export interface WebhookEndpointRecord {
  id: string;
  userId: string;
  url: string;
  description: string | null;
  events: string[];
  secretCiphertext: string;
  enabled: boolean;
  disabledAt: Date | null;
  disabledReason: string | null;
  consecutiveFailures: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookDeliveryRecord {
  id: string;
  endpointId: string;
  userId: string;
  eventId: string;
  eventType: string;
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export interface NewDelivery {
  endpointId: string;
  userId: string;
  eventId: string;
  eventType: string;
  body: string;
  /** DEAD at once for a disabled endpoint: kept, replayable after it is enabled again. */
  dead?: boolean;
}

/** What one attempt came to. */
export type AttemptOutcome =
  | { id: string; ok: true; statusCode: number }
  | { id: string; ok: false; statusCode: number | null; error: string; retryAt: Date | null };

const deliveryColumns = `id::text, endpoint_id::text AS "endpointId", user_id::text AS "userId", event_id AS "eventId",
  event_type AS "eventType", body, status::text AS status, attempts, next_attempt_at AS "nextAttemptAt",
  last_status_code AS "lastStatusCode", last_error AS "lastError", created_at AS "createdAt", delivered_at AS "deliveredAt"`;

/** Prisma calls of the webhooks module only. */
export class WebhooksRepository {
  constructor(private readonly db: TransactionsPrisma) {}

  listEndpoints(userId: string): Promise<WebhookEndpointRecord[]> {
    return this.db.webhookEndpoint.findMany({ where: { userId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  countEndpoints(userId: string): Promise<number> {
    return this.db.webhookEndpoint.count({ where: { userId } });
  }

  findEndpoint(userId: string, id: string): Promise<WebhookEndpointRecord | null> {
    return this.db.webhookEndpoint.findFirst({ where: { id, userId } });
  }

  endpointById(id: string): Promise<WebhookEndpointRecord | null> {
    return this.db.webhookEndpoint.findUnique({ where: { id } });
  }

  createEndpoint(data: { userId: string; url: string; description: string | null; events: string[]; secretCiphertext: string }): Promise<WebhookEndpointRecord> {
    return this.db.webhookEndpoint.create({ data });
  }

  async updateEndpoint(userId: string, id: string, data: Partial<Pick<WebhookEndpointRecord, 'url' | 'description' | 'events' | 'secretCiphertext'>>): Promise<WebhookEndpointRecord | null> {
    const { count } = await this.db.webhookEndpoint.updateMany({ where: { id, userId }, data });
    return count ? this.findEndpoint(userId, id) : null;
  }

  /** Enabled again: its failure count starts over. */
  async enableEndpoint(userId: string, id: string): Promise<WebhookEndpointRecord | null> {
    const { count } = await this.db.webhookEndpoint.updateMany({
      where: { id, userId },
      data: { enabled: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0, disableNoticePending: false },
    });
    return count ? this.findEndpoint(userId, id) : null;
  }

  async deleteEndpoint(userId: string, id: string): Promise<boolean> {
    const { count } = await this.db.webhookEndpoint.deleteMany({ where: { id, userId } });
    return count > 0;
  }

  /** The user's endpoints that take any of these event types, enabled or not. */
  subscribers(userId: string, types: readonly string[]): Promise<WebhookEndpointRecord[]> {
    return this.db.webhookEndpoint.findMany({ where: { userId, events: { hasSome: [...types] } } });
  }

  /** Records deliveries; one (endpoint, event) is recorded once however often it is offered. */
  async recordDeliveries(rows: readonly NewDelivery[]): Promise<number> {
    if (rows.length === 0) return 0;
    const now = new Date();
    const { count } = await this.db.webhookDelivery.createMany({
      data: rows.map(({ dead, ...r }) => ({ ...r, ...(dead ? { status: 'DEAD' as const, lastError: 'endpoint disabled' } : {}), nextAttemptAt: now })),
      skipDuplicates: true,
    });
    return count;
  }

  listDeliveries(userId: string, endpointId: string, status: WebhookDeliveryStatus | null, first: number): Promise<WebhookDeliveryRecord[]> {
    return this.db.webhookDelivery.findMany({
      where: { userId, endpointId, ...(status ? { status } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: first,
    });
  }

  findDelivery(userId: string, id: string): Promise<WebhookDeliveryRecord | null> {
    return this.db.webhookDelivery.findFirst({ where: { id, userId } });
  }

  /** A DEAD delivery due again now with its attempts starting over; null when it is not DEAD. */
  async replay(userId: string, id: string): Promise<WebhookDeliveryRecord | null> {
    const { count } = await this.db.webhookDelivery.updateMany({
      where: { id, userId, status: 'DEAD' },
      data: { status: 'PENDING', attempts: 0, nextAttemptAt: new Date(), lastError: null, lastStatusCode: null },
    });
    return count ? this.findDelivery(userId, id) : null;
  }

  /**
   * Claims up to `limit` due deliveries of an endpoint, oldest first, for `leaseMs`: PENDING ones
   * due now, and SENDING ones whose claim expired (their worker died). Concurrent drains skip
   * each other's rows, so no row is sent by two at once.
   */
  claimDue(endpointId: string, limit: number, leaseMs: number): Promise<WebhookDeliveryRecord[]> {
    return this.db.$queryRawUnsafe<WebhookDeliveryRecord[]>(
      `UPDATE webhook_deliveries SET status = 'SENDING', next_attempt_at = now() + ($3::int * interval '1 millisecond'), updated_at = now()
       WHERE id IN (
         SELECT id FROM webhook_deliveries
         WHERE endpoint_id = $1::uuid AND status IN ('PENDING', 'SENDING') AND next_attempt_at <= now()
         ORDER BY created_at, id LIMIT $2::int FOR UPDATE SKIP LOCKED)
       RETURNING ${deliveryColumns}`,
      endpointId,
      limit,
      leaseMs,
    );
  }

  /** When the next delivery (a retry, or a claim's lease) falls due, or null when none waits: the sweeper sleeps until then. */
  async nextDueAt(): Promise<Date | null> {
    const [row] = await this.db.$queryRaw<{ at: Date | null }[]>`
      SELECT min(next_attempt_at) AS at FROM webhook_deliveries WHERE status IN ('PENDING', 'SENDING')`;
    return row?.at ?? null;
  }

  /** Endpoints with deliveries due now (retries, expired claims): the sweeper wakes their drains. */
  dueEndpoints(limit: number): Promise<{ endpointId: string; userId: string }[]> {
    return this.db.$queryRaw<{ endpointId: string; userId: string }[]>`
      SELECT DISTINCT endpoint_id::text AS "endpointId", user_id::text AS "userId" FROM webhook_deliveries
      WHERE status IN ('PENDING', 'SENDING') AND next_attempt_at <= now() LIMIT ${limit}::int`;
  }

  /**
   * Stores what a round of attempts came to, and the endpoint's count of dead deliveries in a
   * row (a success resets it). Returns the endpoint's count after the round.
   */
  async recordOutcomes(endpointId: string, outcomes: readonly AttemptOutcome[]): Promise<number> {
    if (outcomes.length === 0) return 0;
    const status = outcomes.map((o) => (o.ok ? 'DELIVERED' : o.retryAt ? 'PENDING' : 'DEAD'));
    const dead = status.filter((x) => x === 'DEAD').length;
    const delivered = status.includes('DELIVERED');
    // One statement for the whole round, however many deliveries it sent.
    const [, endpoint] = await this.db.$transaction([
      this.db.$executeRaw`
        UPDATE webhook_deliveries d SET status = v.status::"WebhookDeliveryStatus", attempts = d.attempts + 1,
          next_attempt_at = coalesce(v.retry_at, now()),
          delivered_at = CASE WHEN v.status = 'DELIVERED' THEN now() ELSE d.delivered_at END,
          last_status_code = v.code, last_error = v.error, updated_at = now()
        FROM unnest(${outcomes.map((o) => o.id)}::uuid[], ${status}::text[], ${outcomes.map((o) => o.statusCode)}::int[],
                    ${outcomes.map((o) => (o.ok ? null : o.error.slice(0, 500)))}::text[],
                    ${outcomes.map((o) => (!o.ok && o.retryAt ? o.retryAt : null))}::timestamptz[]) AS v(id, status, code, error, retry_at)
        WHERE d.id = v.id AND d.status = 'SENDING'`,
      this.db.$queryRaw<{ n: number }[]>`
        UPDATE webhook_endpoints SET consecutive_failures = CASE WHEN ${delivered} THEN ${dead}::int ELSE consecutive_failures + ${dead}::int END
        WHERE id = ${endpointId}::uuid RETURNING consecutive_failures AS n`,
    ]);
    return endpoint[0]?.n ?? 0;
  }

  /**
   * Disables an endpoint; its pending deliveries go to the dead-letter list, and its user's notice
   * waits (disable_notice_pending). Returns false if it already was.
   */
  async disable(endpointId: string, reason: string): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.webhookEndpoint.updateMany({
        where: { id: endpointId, enabled: true },
        data: { enabled: false, disabledAt: new Date(), disabledReason: reason, disableNoticePending: true },
      });
      if (count === 0) return false;
      await tx.webhookDelivery.updateMany({ where: { endpointId, status: 'PENDING' }, data: { status: 'DEAD', lastError: 'endpoint disabled' } });
      return true;
    });
  }

  /** Disabled endpoints whose user has not been sent the notice yet (a crash came between). */
  pendingDisableNotices(endpointId?: string): Promise<DisableNotice[]> {
    return this.db.webhookEndpoint.findMany({
      where: { disableNoticePending: true, enabled: false, disabledAt: { not: null }, ...(endpointId ? { id: endpointId } : {}) },
      select: { id: true, userId: true, url: true, disabledAt: true, disabledReason: true },
      take: 500,
    }) as Promise<DisableNotice[]>;
  }

  /** The notice of this disabling was handed over (or the endpoint was enabled again first). */
  async disableNoticeSent(endpointId: string, disabledAt: Date): Promise<void> {
    await this.db.webhookEndpoint.updateMany({ where: { id: endpointId, disabledAt }, data: { disableNoticePending: false } });
  }

  /** A disabled endpoint's waiting deliveries go to the dead-letter list (replayable once it is enabled). */
  async deadLetterPending(endpointId: string): Promise<number> {
    const { count } = await this.db.webhookDelivery.updateMany({ where: { endpointId, status: { in: ['PENDING', 'SENDING'] } }, data: { status: 'DEAD', lastError: 'endpoint disabled' } });
    return count;
  }

  /** An import's outcome for its import.finished event. */
  importOutcome(importId: string) {
    return this.db.importJob.findUnique({
      where: { id: importId },
      select: { id: true, userId: true, accountId: true, status: true, total: true, imported: true, duplicates: true, errorCount: true, finishedAt: true },
    });
  }
}

/** createWebhookEndpoint and rotateWebhookSecret: the endpoint and its secret, shown once. */
export interface WebhookEndpointWithSecretRecord {
  endpoint: WebhookEndpointRecord;
  secret: string;
}
