import { webhookDrain, type JobPayload, type Queue, type TransactionEventBatch, type WebhookEventPayload } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import type { Sender } from './webhook-sender.js';
import type { SecretBox } from './webhook-signature.js';
import type { AttemptOutcome, DisableNotice, NewDelivery, WebhookEndpointRecord, WebhooksRepository } from './webhooks.repository.js';

export interface DispatcherDeps {
  repo: WebhooksRepository;
  send: Sender;
  box: SecretBox;
  /** The queue of drain jobs (opened on first use). */
  drains: () => Queue;
  /** Waits before each retry (ms); attempts = retries + 1. */
  schedule: readonly number[];
  timeoutMs: number;
  endpointConcurrency: number;
  disableAfter: number;
  /** The shortest pause between two sweeps. */
  sweepMs: number;
  /** The longest sleep of an idle sweeper (another process's expired claims are found within it); default 60 s. */
  idleSweepMs?: number;
  /** The user's cached responses go stale after each round of attempts (the delivery log changed). */
  invalidate(userId: string): Promise<void>;
  /**
   * Tells the user an endpoint was disabled (hands the notice to the budget domain, which raises a
   * WEBHOOK_DISABLED alert: alertRaised, email, webhooks). Idempotent per endpoint and disabledAt.
   */
  notifyDisabled?(notice: DisableNotice): Promise<void>;
  logger: Logger;
}

/** Deliveries claimed at once: this many waves of endpointConcurrency requests (the claim's lease covers them all). */
const ROUNDS_PER_CLAIM = 5;

/** `fn` over `items` with at most `width` running at once; results in order. */
async function inPool<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return out;
}

/** The JSON body of every delivery: the same bytes on every attempt (they are stored). */
const bodyOf = (id: string, type: string, createdAt: string, data: Record<string, unknown>) => JSON.stringify({ id, type, createdAt, data });

/**
 * Outbound webhooks, from event to HTTP: records one delivery row per (event, subscribed
 * endpoint), then drains each endpoint on its own (one BullMQ job per endpoint, a few
 * requests in flight), retrying on the schedule, dead-lettering after the last attempt and
 * disabling an endpoint after `disableAfter` dead deliveries in a row.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (ms since the epoch). */
  private timerAt = Infinity;
  private started = false;
  private sweeping: Promise<void> | undefined;
  /** Whether notices of disabled endpoints may be waiting: at start (a crash), and after a failed hand-over. */
  private noticesDue = true;

  constructor(private readonly d: DispatcherDeps) {}

  /**
   * A user's transaction events. Rows an import wrote (bulk events) are not sent one by one:
   * the import's `import.finished` says what it did.
   */
  async onTransactionBatch(batch: TransactionEventBatch): Promise<number> {
    const events = batch.events.flatMap((e) =>
      'transaction' in e ? [{ id: e.eventId, type: e.type as string, body: bodyOf(e.eventId, e.type, e.occurredAt, { transaction: e.transaction }) }] : [],
    );
    return this.record(batch.userId, events);
  }

  /** An alert raised (budget) or an import finished. */
  async onEvent(event: WebhookEventPayload): Promise<number> {
    if (event.type === 'alert.raised') {
      return this.record(event.userId, [{ id: event.eventId, type: event.type, body: bodyOf(event.eventId, event.type, event.occurredAt, { alert: event.alert }) }]);
    }
    const outcome = await this.d.repo.importOutcome(event.importId);
    if (!outcome || outcome.userId !== event.userId) return 0;
    const { userId: _user, finishedAt, ...rest } = outcome;
    const data = { import: { ...rest, finishedAt: finishedAt?.toISOString() ?? null } };
    return this.record(event.userId, [{ id: event.eventId, type: event.type, body: bodyOf(event.eventId, event.type, event.occurredAt, data) }]);
  }

  private async record(userId: string, events: { id: string; type: string; body: string }[]): Promise<number> {
    if (events.length === 0) return 0;
    const endpoints = await this.d.repo.subscribers(userId, [...new Set(events.map((e) => e.type))]);
    if (endpoints.length === 0) return 0;
    const rows: NewDelivery[] = [];
    for (const endpoint of endpoints) {
      for (const e of events) {
        if (!endpoint.events.includes(e.type)) continue;
        rows.push({ endpointId: endpoint.id, userId, eventId: e.id, eventType: e.type, body: e.body, ...(endpoint.enabled ? {} : { dead: true }) });
      }
    }
    const recorded = await this.d.repo.recordDeliveries(rows);
    const touched = endpoints.filter((e) => e.enabled && rows.some((r) => r.endpointId === e.id));
    await Promise.all(touched.map((e) => this.wake(e.id, e.userId)));
    return recorded;
  }

  /** Queues the endpoint's drain; a drain already waiting (or running: the sweep follows up) absorbs it. */
  async wake(endpointId: string, userId: string): Promise<void> {
    const payload: JobPayload<typeof webhookDrain> = { endpointId, userId };
    await this.d.drains().add(webhookDrain.name, webhookDrain.schema.parse(payload), {
      jobId: `drain-${endpointId}`,
      attempts: 1,
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  /** Sends the endpoint's due deliveries until none is due. */
  async drain(endpointId: string, logger: Logger): Promise<{ sent: number; failed: number }> {
    let sent = 0;
    let failed = 0;
    for (;;) {
      const endpoint = await this.d.repo.endpointById(endpointId);
      if (!endpoint) return { sent, failed };
      if (!endpoint.enabled) {
        await this.d.repo.deadLetterPending(endpointId);
        return { sent, failed };
      }
      // A batch per round (a few statements for many deliveries), at most endpointConcurrency in flight.
      const batch = this.d.endpointConcurrency * ROUNDS_PER_CLAIM;
      const due = await this.d.repo.claimDue(endpointId, batch, this.d.timeoutMs * ROUNDS_PER_CLAIM + 30_000);
      if (due.length === 0) return { sent, failed };
      const secret = this.d.box.open(endpoint.secretCiphertext);
      const outcomes = await inPool(due, this.d.endpointConcurrency, async (delivery): Promise<AttemptOutcome> => {
        const result = await this.d.send({ url: endpoint.url, secret, eventId: delivery.eventId, eventType: delivery.eventType, body: delivery.body });
        if (result.ok) return { id: delivery.id, ok: true, statusCode: result.statusCode };
        return { id: delivery.id, ok: false, statusCode: result.statusCode, error: result.error, retryAt: this.retryAt(delivery.attempts) };
      });
      sent += outcomes.filter((o) => o.ok).length;
      failed += outcomes.filter((o) => !o.ok).length;
      const deadInARow = await this.d.repo.recordOutcomes(endpointId, outcomes);
      // This process's sweeper comes back for the earliest retry it just scheduled.
      const retries = outcomes.flatMap((o) => (!o.ok && o.retryAt ? [o.retryAt.getTime()] : []));
      if (retries.length > 0) this.sweepAt(Math.min(...retries));
      // A drain of a slow endpoint runs for minutes: the job's own invalidation comes too late.
      await this.d.invalidate(endpoint.userId).catch((err: unknown) => logger.warn({ err }, 'cached responses not invalidated'));
      if (deadInARow >= this.d.disableAfter) {
        await this.disable(endpoint, deadInARow, logger);
        return { sent, failed };
      }
    }
  }

  /** After attempt number `attemptsBefore + 1` failed: when to try again, or null (dead). */
  private retryAt(attemptsBefore: number): Date | null {
    const wait = this.d.schedule[attemptsBefore];
    if (wait === undefined) return null;
    // ±10% jitter, so many deliveries failed together do not all come back together.
    return new Date(Date.now() + Math.round(wait * (0.9 + Math.random() * 0.2)));
  }

  private async disable(endpoint: WebhookEndpointRecord, deadInARow: number, logger: Logger): Promise<void> {
    const reason = `${deadInARow} deliveries in a row failed every attempt; enable the endpoint again once it answers`;
    if (await this.d.repo.disable(endpoint.id, reason)) {
      logger.warn({ endpointId: endpoint.id, userId: endpoint.userId, deadInARow }, 'webhook endpoint disabled');
      await this.sendDisableNotices(endpoint.id);
    }
  }

  /**
   * Hands the waiting notices of disabled endpoints (one endpoint's, or all) to notifyDisabled,
   * each marked sent after. A failure leaves them waiting for the next sweep: at least once.
   */
  async sendDisableNotices(endpointId?: string): Promise<number> {
    const notify = this.d.notifyDisabled;
    if (!notify) return 0;
    let sent = 0;
    const failed = (err: unknown) => {
      this.noticesDue = true;
      this.d.logger.warn({ err }, 'webhook disabled notice not sent yet');
    };
    const notices = await this.d.repo.pendingDisableNotices(endpointId).catch((err: unknown) => (failed(err), []));
    for (const notice of notices) {
      try {
        await notify(notice);
        await this.d.repo.disableNoticeSent(notice.id, notice.disabledAt);
        sent++;
      } catch (err) {
        failed(err);
      }
    }
    return sent;
  }

  /**
   * Wakes the drains of endpoints with due retries (and claims a crashed worker left). The sweeper
   * sleeps until the next delivery falls due (at least `sweepMs`, at most `idleSweepMs` apart), so
   * an idle system runs one statement a minute, not one a second; a retry this process schedules
   * brings it back at that time.
   */
  startSweeper(): void {
    if (this.started) return;
    this.started = true;
    this.sweepAt(Date.now());
  }

  /** Arms the sweeper for `at` (not sooner than `sweepMs` from now), unless it fires earlier already. */
  private sweepAt(at: number): void {
    if (!this.started) return;
    const when = Math.max(at, Date.now() + (this.sweeping ? this.d.sweepMs : 0));
    if (this.timer && this.timerAt <= when) return;
    clearTimeout(this.timer);
    this.timerAt = when;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      // A sweep still running may have read the next due time before this retry was stored.
      if (this.sweeping) return this.sweepAt(Date.now() + this.d.sweepMs);
      this.sweeping = this.sweep()
        .catch((err: unknown) => {
          this.d.logger.warn({ err }, 'webhook sweep failed');
          return new Date(Date.now() + 5_000); // PostgreSQL or Redis away: look again soon
        })
        .then((next) => {
          this.sweeping = undefined;
          const idle = Date.now() + (this.d.idleSweepMs ?? 60_000);
          this.sweepAt(Math.max(Date.now() + this.d.sweepMs, Math.min(next?.getTime() ?? idle, idle)));
        });
    }, when - Date.now());
    this.timer.unref();
  }

  /** Wakes the drains of endpoints due now; returns when the next delivery falls due after them. */
  async sweep(): Promise<Date | null> {
    if (this.noticesDue && this.d.notifyDisabled) {
      this.noticesDue = false;
      await this.sendDisableNotices();
    }
    const next = await this.d.repo.nextDueAt();
    if (!next || next.getTime() > Date.now()) return next;
    const due = await this.d.repo.dueEndpoints(1000);
    await Promise.all(due.map((e) => this.wake(e.endpointId, e.userId)));
    // The woken drains claim those deliveries (their next due time moves to the lease's end).
    return new Date(Date.now() + this.d.sweepMs);
  }

  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    await this.sweeping;
  }
}
