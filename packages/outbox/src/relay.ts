import { createQueue, enqueue, type JobDefinition, type Queue, type QueueConfig } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import type { z } from 'zod';
import type { OutboxStore } from './store.js';

export interface OutboxRelayOptions<S extends z.ZodType> {
  store: OutboxStore;
  /** Every consumer of the events, each on its own queue; they share one payload schema. */
  consumers: readonly [JobDefinition<S>, ...JobDefinition<S>[]];
  queue: QueueConfig;
  logger: Logger;
  /** More sends of one event (e.g. a pub/sub notice), awaited with the enqueues, before the commit. */
  alsoSend?: (event: z.infer<S>) => Promise<unknown>[];
  /** Defaults: a pass every 250 ms, 200 rows a batch, published rows kept 7 days. */
  pollMs?: number;
  batch?: number;
  retentionDays?: number;
}

export interface OutboxRelay {
  /** Polls the outbox until stop(). */
  start(): void;
  /** Runs a pass now (after a commit); a pass already running runs once more when it ends. */
  kick(): void;
  /** One batch; returns how many events it published. */
  pass(): Promise<number>;
  /** Stops polling, waits for the pass in progress, closes the queues. */
  stop(): Promise<void>;
}

const CLEANUP_EVERY_MS = 3600_000;

/**
 * Moves a domain's outbox rows to BullMQ. The store claims rows with FOR UPDATE SKIP LOCKED
 * (several relays never send one row twice at once); each is enqueued with the event id as job
 * id to every consumer queue, then marked published in the same database transaction. A crash
 * after enqueueing and before the commit enqueues the same job ids again: BullMQ ignores them,
 * and consumers apply each event once.
 */
export function createOutboxRelay<S extends z.ZodType>(options: OutboxRelayOptions<S>): OutboxRelay {
  const { store, consumers, logger } = options;
  const batch = options.batch ?? 200;
  // Opened by the first pass, so a process that builds a relay and never runs it holds no connections.
  let queues: Queue[] | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let lastCleanup = 0;

  const pass = () =>
    store.claim(batch, async (rows) => {
      const open = (queues ??= consumers.map((def) => createQueue(options.queue, def.queue, logger)));
      await Promise.all(
        rows.flatMap((row) => {
          const event = consumers[0].schema.parse(row.payload);
          const sends: Promise<unknown>[] = consumers.map((def, i) => enqueue(open[i]!, def, event, row.id));
          return options.alsoSend ? [...sends, ...options.alsoSend(event)] : sends;
        }),
      );
    });

  async function drain(): Promise<void> {
    while (!stopped && (await pass()) === batch) {
      // a full batch: there may be more
    }
    if (Date.now() - lastCleanup > CLEANUP_EVERY_MS) {
      lastCleanup = Date.now();
      await store.cleanup(options.retentionDays ?? 7);
    }
  }

  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((err: unknown) => logger.error({ err }, 'outbox relay pass failed'))
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
      timer = setInterval(kick, options.pollMs ?? 250);
      kick();
    },
    kick,
    pass,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await Promise.all((queues ?? []).map((q) => q.close()));
    },
  };
}
