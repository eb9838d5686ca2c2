import { createQueue, enqueue, TRANSACTION_EVENT_CONSUMERS, transactionEvent, type Queue, type QueueConfig } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import { createPublisher, type Publisher } from '@centavo/pubsub';
import type { TransactionsPrisma } from '../../db.js';

const BATCH = 200;
const POLL_MS = 250;
const RETENTION_DAYS = 7;

/**
 * Moves outbox rows to BullMQ. Rows are claimed with FOR UPDATE SKIP LOCKED (several
 * relays never send one row twice at once), enqueued with the event id as job id, then marked
 * published in the same database transaction. A crash after enqueueing and before the commit
 * enqueues the same job ids again: BullMQ ignores them, and consumers apply versions once.
 */
export class OutboxRelay {
  private readonly queues: Queue[];
  private readonly publisher: Publisher;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private lastCleanup = 0;

  constructor(
    private readonly prisma: TransactionsPrisma,
    config: QueueConfig,
    private readonly logger: Logger,
  ) {
    this.queues = TRANSACTION_EVENT_CONSUMERS.map((def) => createQueue(config, def.queue, logger));
    this.publisher = createPublisher(config, logger);
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.kick();
  }

  /** Runs a pass now (after a commit); a pass already running runs once more when it ends. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.logger.error({ err }, 'outbox relay pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && (await this.pass()) === BATCH) {
      // a full batch: there may be more
    }
    if (Date.now() - this.lastCleanup > 3600_000) {
      this.lastCleanup = Date.now();
      await this.prisma.$executeRaw`DELETE FROM outbox_events WHERE published_at < now() - make_interval(days => ${RETENTION_DAYS})`;
    }
  }

  /** One batch; returns how many events it published. */
  async pass(): Promise<number> {
    return this.prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<{ id: string; payload: unknown }[]>`
          SELECT id, payload FROM outbox_events
          WHERE published_at IS NULL
          ORDER BY created_at
          LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return 0;
        // Each consumer has its own queue; the event id is the job id in every one of them.
        await Promise.all(
          rows.flatMap((row) => {
            const event = transactionEvent.parse(row.payload);
            const sends = TRANSACTION_EVENT_CONSUMERS.map((def, i) => enqueue(this.queues[i]!, def, event, row.id));
            // Live clients hear of a category chosen by a rule or the model; before the commit, so
            // a crash can repeat the notice but never lose it.
            const t = event.transaction;
            if (event.type === 'transaction.categorized' && (t.categorySource === 'RULE' || t.categorySource === 'AI')) {
              sends.push(this.publisher.publish(t.userId, { __typename: 'Transaction', id: t.id, field: 'transactionCategorized' }));
            }
            return sends;
          }),
        );
        const ids = rows.map((r) => r.id);
        await tx.$executeRaw`UPDATE outbox_events SET published_at = now() WHERE id = ANY(${ids}::uuid[])`;
        return rows.length;
      },
      { timeout: 30_000 },
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    await Promise.all(this.queues.map((q) => q.close()));
    await this.publisher.close();
  }
}
