import { createHash } from 'node:crypto';
import { createQueue, type JobDefinition, type JobsOptions, type Queue, type QueueConfig } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import type { z } from 'zod';
import { listenForOutbox, type OutboxListener } from './listener.js';
import type { OutboxStore } from './store.js';

/** The payload of a grouped job: one group's (user's) events of one pass, in outbox order. */
export interface EventGroup<E> {
  userId: string;
  events: E[];
}

export interface GroupedConsumers<E, P = undefined> {
  /** One queue each; a job's payload is an EventGroup, validated by the definition's schema. */
  definitions: readonly JobDefinition<z.ZodType>[];
  /** The group (user) of an event: its events stay in order within a job. */
  groupOf: (event: E) => string;
  /** The weight of an event, in rows (a summary event of an import counts its rows). Default 1. */
  weightOf?: (event: E) => number;
  /** At most this many rows a job, so a big group is cut into several jobs. Default 100. */
  maxRows?: number;
  /**
   * Jobs of at least this many rows (bulk: an import) get a BullMQ priority, which puts them
   * behind every job without one: one user's bulk never delays another's live events. Default 20.
   */
  bulkFrom?: number;
  /**
   * Whether a consumer takes a group's job at all (default: every job): a job its consumer
   * would find nothing to do in is not enqueued. `prepared` is the pass's `prepare` result.
   */
  takes?: (definition: JobDefinition<z.ZodType>, job: EventGroup<E>, prepared: P) => boolean;
}

export interface OutboxRelayOptions<S extends z.ZodType, P = undefined> {
  store: OutboxStore;
  /** Every row's payload is parsed with it before anything is sent; one bad row fails the pass. */
  schema: S;
  /** Consumers that take one job per event, under the event id. */
  consumers?: readonly JobDefinition<S>[];
  /** Consumers that take one job per group and pass (see GroupedConsumers). */
  grouped?: GroupedConsumers<z.infer<S>, P>;
  queue: QueueConfig;
  logger: Logger;
  /** More sends of one event (e.g. a pub/sub notice), awaited with the enqueues, before the commit. */
  alsoSend?: (event: z.infer<S>) => Promise<unknown>[];
  /**
   * Once a pass, before anything is sent: what `alsoSendAll` and `grouped.takes` need to know of
   * the pass's events (one lookup for many events). `alongside`: the rows the store read with the
   * claim (a store built with such a query), so no lookup of its own is needed. A failure fails the pass.
   */
  prepare?: (events: z.infer<S>[], alongside?: unknown[]) => Promise<P>;
  /** Like alsoSend, once for all the events of a pass, with the pass's `prepare` result. */
  alsoSendAll?: (events: z.infer<S>[], prepared: P) => Promise<unknown>[];
  /**
   * The database whose `outbox_events` trigger NOTIFYs: start() LISTENs on it and runs a pass per
   * wake-up (and a sweep per reconnect). Without it only kick() and `sweepMs` run passes.
   */
  databaseUrl?: string;
  /** How long after a NOTIFY its pass runs (default 100 ms), so the writer's own kick comes first. */
  notifyDelayMs?: number;
  /** A safety sweep every so many ms; none by default (LISTEN/NOTIFY and kick() suffice). */
  sweepMs?: number;
  /** Defaults: 500 rows a pass, published rows kept 7 days. */
  batch?: number;
  retentionDays?: number;
}

export interface OutboxRelay {
  /** Listens for outbox writes (and sweeps, if asked) until stop(). */
  start(): void;
  /** Runs a pass now (after a commit); a pass already running runs once more when it ends. */
  kick(): void;
  /** One batch; returns how many events it published. */
  pass(): Promise<number>;
  /** Resolves once start() listens (immediately without a databaseUrl). */
  listening(): Promise<void>;
  /** Stops listening, waits for the pass in progress, closes the queues. */
  stop(): Promise<void>;
}

const CLEANUP_EVERY_MS = 3600_000;
/** Lower runs first; jobs with no priority run before any prioritized one (BullMQ). */
const BULK_PRIORITY = 10;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

interface BulkJob {
  name: string;
  data: unknown;
  opts: JobsOptions;
}

/** A job id that names exactly the events a grouped job holds: replaying that pass adds nothing. */
const groupJobId = (ids: readonly string[]) => `g-${createHash('sha256').update(ids.join(',')).digest('base64url').slice(0, 32)}`;

/**
 * Cuts a pass's events into jobs: per group, in order, at most `maxRows` rows a job; the jobs
 * are listed round-robin across groups (first job of every group, then the second...), so a
 * group with many events does not put every other group behind it in the queue.
 */
export function groupEvents<E>(
  rows: readonly { id: string; event: E }[],
  grouped: Pick<GroupedConsumers<E>, 'groupOf' | 'weightOf' | 'maxRows'>,
): { userId: string; ids: string[]; events: E[]; rows: number }[][] {
  const maxRows = grouped.maxRows ?? 100;
  const byGroup = new Map<string, { userId: string; ids: string[]; events: E[]; rows: number }[]>();
  for (const { id, event } of rows) {
    const userId = grouped.groupOf(event);
    const weight = grouped.weightOf?.(event) ?? 1;
    let chunks = byGroup.get(userId);
    if (!chunks) byGroup.set(userId, (chunks = []));
    let last = chunks[chunks.length - 1];
    if (!last || (last.rows + weight > maxRows && last.events.length > 0)) chunks.push((last = { userId, ids: [], events: [], rows: 0 }));
    last.ids.push(id);
    last.events.push(event);
    last.rows += weight;
  }
  return [...byGroup.values()];
}

function roundRobin<T>(lists: readonly T[][]): T[] {
  const out: T[] = [];
  for (let i = 0; out.length < lists.reduce((n, l) => n + l.length, 0); i++) {
    for (const list of lists) if (i < list.length) out.push(list[i]!);
  }
  return out;
}

/**
 * Moves a domain's outbox rows to BullMQ. The store claims rows with FOR UPDATE SKIP LOCKED
 * (several relays never send one row twice at once); they are enqueued in bulk (one addBulk per
 * consumer queue: one Redis round trip) and marked published in the same database transaction.
 * Per-event consumers get the event id as job id; grouped consumers get one job per user and
 * pass whose id hashes its event ids. A crash after enqueueing and before the commit sends the
 * rows again: the same pass's job ids are ignored by BullMQ, a different grouping reaches
 * consumers that apply each event (transaction version) once.
 */
export function createOutboxRelay<S extends z.ZodType, P = undefined>(options: OutboxRelayOptions<S, P>): OutboxRelay {
  const { store, logger, grouped } = options;
  const consumers = options.consumers ?? [];
  const batch = options.batch ?? 500;
  // Opened by the first pass, so a process that builds a relay and never runs it holds no connections.
  const queues = new Map<string, Queue>();
  let listener: OutboxListener | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  // NOTIFYs received, and how many of them had arrived when the latest pass began: a pass that
  // began after a NOTIFY arrived reads the rows of the commit that sent it.
  let notified = 0;
  let notifiedBeforeLastPass = 0;
  // Nothing polls: a failed pass (Redis or PostgreSQL down) is tried again after a backoff.
  let retryDelay = RETRY_MIN_MS;
  let retryTimer: NodeJS.Timeout | undefined;
  let lastCleanup = 0;

  const queueOf = (name: string): Queue => {
    let queue = queues.get(name);
    if (!queue) queues.set(name, (queue = createQueue(options.queue, name, logger)));
    return queue;
  };

  const pass = () => {
    notifiedBeforeLastPass = notified;
    return store.claim(batch, async (rows, alongside) => {
      const events = rows.map((row) => ({ id: row.id, event: options.schema.parse(row.payload) as z.infer<S> }));
      const all = events.map(({ event }) => event);
      const prepared = (options.prepare ? await options.prepare(all, alongside) : undefined) as P;
      const sends: Promise<unknown>[] = consumers.map((def) =>
        queueOf(def.queue).addBulk(events.map(({ id, event }) => ({ name: def.name, data: def.schema.parse(event), opts: { jobId: id } }))),
      );
      if (grouped) {
        const bulkFrom = grouped.bulkFrom ?? 20;
        const jobs = roundRobin(groupEvents(events, grouped));
        // The events were parsed with options.schema above; an import batch's event holds 2,000
        // rows, so they are not parsed again per consumer (that cost more than the enqueue).
        const payloads = jobs.map((job) => ({
          data: { userId: job.userId, events: job.events } satisfies EventGroup<z.infer<S>>,
          opts: { jobId: groupJobId(job.ids), ...(job.rows >= bulkFrom ? { priority: BULK_PRIORITY } : {}) },
        }));
        for (const def of grouped.definitions) {
          const taken = grouped.takes ? payloads.filter(({ data }) => grouped.takes!(def, data, prepared)) : payloads;
          if (taken.length === 0) continue;
          const bulk: BulkJob[] = taken.map(({ data, opts }) => ({ name: def.name, data, opts }));
          sends.push(queueOf(def.queue).addBulk(bulk));
        }
      }
      if (options.alsoSend) for (const { event } of events) sends.push(...options.alsoSend(event));
      if (options.alsoSendAll) sends.push(...options.alsoSendAll(all, prepared));
      await Promise.all(sends);
    });
  };

  async function drain(): Promise<void> {
    while (!stopped && (await pass()).more) {
      // a full claim: there may be more
    }
    if (Date.now() - lastCleanup > CLEANUP_EVERY_MS) {
      lastCleanup = Date.now();
      await store.cleanup(options.retentionDays ?? 7);
    }
  }

  // A NOTIFY runs a pass a moment later: the process that wrote the rows kicks at once, inside
  // the request's trace, so its jobs carry that trace; the NOTIFY serves writes of other processes.
  // When a pass has begun since the NOTIFY arrived (the writer's own kick), that pass read the
  // notified rows: the NOTIFY's pass is skipped. Otherwise it first asks whether anything is
  // unpublished (one statement), since another process's relay has usually sent the rows.
  let wakeTimer: NodeJS.Timeout | undefined;
  function wakeSoon(): void {
    if (stopped) return;
    notified++;
    if (wakeTimer) return;
    wakeTimer = setTimeout(() => {
      wakeTimer = undefined;
      if (notifiedBeforeLastPass >= notified) return;
      if (!store.pending || running) return kick();
      // Usually the writer's own relay has published the rows by now: one statement to see.
      store.pending().then(
        (pending) => pending && kick(),
        () => kick(),
      );
    }, options.notifyDelayMs ?? 100);
  }

  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .then(() => {
        retryDelay = RETRY_MIN_MS;
      })
      .catch((err: unknown) => {
        logger.error({ err, retryInMs: retryDelay }, 'outbox relay pass failed');
        if (!retryTimer && !stopped) {
          retryTimer = setTimeout(() => {
            retryTimer = undefined;
            kick();
          }, retryDelay);
        }
        retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
      })
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          kick();
        }
      });
  }

  return {
    start() {
      if (options.databaseUrl) listener = listenForOutbox({ databaseUrl: options.databaseUrl, onWake: wakeSoon, logger });
      if (options.sweepMs) timer = setInterval(kick, options.sweepMs);
      kick();
    },
    kick,
    pass: async () => (await pass()).claimed,
    listening: () => listener?.ready ?? Promise.resolve(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(retryTimer);
      clearTimeout(wakeTimer);
      await listener?.close();
      await running;
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
