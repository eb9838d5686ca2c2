import { TRANSACTION_EVENT_CONSUMERS, transactionEvent, type QueueConfig, type TransactionEvent } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import { createOutboxRelay, outboxEventsStore, type OutboxRelay as Relay } from '@centavo/outbox';
import { createPublisher, type Publisher } from '@centavo/pubsub';
import type { TransactionsPrisma } from '../../db.js';

/**
 * Moves the transactions outbox to every consumer of transaction events, with the generic relay
 * of packages/outbox/src/relay.ts (claim FOR UPDATE SKIP LOCKED, enqueued in bulk as one job per
 * user and pass, marked published in the same database transaction), woken by the outbox
 * trigger's NOTIFY. It also tells live clients of a category chosen by a rule or the model.
 */
export class OutboxRelay {
  private readonly relay: Relay;
  private readonly publisher: Publisher;

  /** `databaseUrl`: where start() LISTENs for outbox writes; without it only kick() runs passes. */
  constructor(prisma: TransactionsPrisma, config: QueueConfig & { databaseUrl?: string }, logger: Logger) {
    this.publisher = createPublisher(config, logger);
    this.relay = createOutboxRelay({
      store: outboxEventsStore(prisma),
      schema: transactionEvent,
      grouped: { definitions: TRANSACTION_EVENT_CONSUMERS, groupOf: (event) => event.transaction.userId },
      queue: config,
      logger,
      alsoSend: (event) => this.liveNotices(event),
      ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    });
  }

  start(): void {
    this.relay.start();
  }

  /** Runs a pass now (after a commit); a pass already running runs once more when it ends. */
  kick(): void {
    this.relay.kick();
  }

  /** One batch; returns how many events it published. */
  pass(): Promise<number> {
    return this.relay.pass();
  }

  /** Resolves once start() listens for outbox writes. */
  listening(): Promise<void> {
    return this.relay.listening();
  }

  async stop(): Promise<void> {
    await this.relay.stop();
    await this.publisher.close();
  }

  // Before the commit, with the enqueues: a crash can repeat the notice but never lose it.
  private liveNotices(event: TransactionEvent): Promise<unknown>[] {
    const t = event.transaction;
    if (event.type !== 'transaction.categorized' || (t.categorySource !== 'RULE' && t.categorySource !== 'AI')) return [];
    return [this.publisher.publish(t.userId, { __typename: 'Transaction', id: t.id, field: 'transactionCategorized' })];
  }
}
