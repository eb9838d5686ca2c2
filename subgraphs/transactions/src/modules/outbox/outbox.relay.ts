import { rowsOfEvent, TRANSACTION_EVENT_CONSUMERS, transactionsOutboxEvent, userOfEvent, type QueueConfig, type TransactionsOutboxEvent } from '@centavo/jobs';
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
      schema: transactionsOutboxEvent,
      grouped: { definitions: TRANSACTION_EVENT_CONSUMERS, groupOf: userOfEvent, weightOf: rowsOfEvent },
      queue: config,
      logger,
      // The user's cached responses go stale before any consumer or live client hears of the change.
      alsoSend: (event) => [this.publisher.invalidate([userOfEvent(event)]), ...this.liveNotices(event)],
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

  /**
   * Before the commit, with the enqueues: a crash can repeat a notice but never lose it.
   * - a row categorized by a rule or the model: transactionCategorized;
   * - an import batch's rows categorized: transactionCategorized per row if the import asked for
   *   notifyEachRow, else one importProgress of the import (its subscribers refetch the job);
   * - an import batch stored: nothing here (the import runner publishes its progress).
   */
  private liveNotices(event: TransactionsOutboxEvent): Promise<unknown>[] {
    if ('transaction' in event) {
      const t = event.transaction;
      if (event.type !== 'transaction.categorized' || (t.categorySource !== 'RULE' && t.categorySource !== 'AI')) return [];
      return [this.publisher.publish(t.userId, { __typename: 'Transaction', id: t.id, field: 'transactionCategorized' })];
    }
    if (event.type !== 'transactions.categorized') return [];
    if (!event.notifyEachRow) return [this.publisher.publish(event.userId, { __typename: 'ImportJob', id: event.importId, field: 'importProgress' })];
    return event.transactions.map((t) => this.publisher.publish(t.userId, { __typename: 'Transaction', id: t.id, field: 'transactionCategorized' }));
  }
}
