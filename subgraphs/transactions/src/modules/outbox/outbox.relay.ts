import { rowsOfEvent, TRANSACTION_EVENT_CONSUMERS, transactionsOutboxEvent, userOfEvent, type QueueConfig, type TransactionsOutboxEvent } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import { createOutboxRelay, outboxEventsStore, type OutboxRelay as Relay } from '@centavo/outbox';
import { createPublisher, type Publisher } from '@centavo/pubsub';
import type { TransactionsPrisma } from '../../db.js';
import type { SharesRepository } from '../shares/shares.repository.js';

/** The accounts whose rows an event carries. */
const accountsOf = (event: TransactionsOutboxEvent): string[] =>
  'transaction' in event ? [event.transaction.accountId] : [...new Set(event.transactions.map((t) => t.accountId))];

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
  /** `shares`: the members of shared accounts, who hear of their rows too; without it only owners do. */
  constructor(
    prisma: TransactionsPrisma,
    config: QueueConfig & { databaseUrl?: string },
    logger: Logger,
    private readonly shares?: Pick<SharesRepository, 'membersOf'>,
  ) {
    this.publisher = createPublisher(config, logger);
    this.relay = createOutboxRelay({
      store: outboxEventsStore(prisma),
      schema: transactionsOutboxEvent,
      grouped: { definitions: TRANSACTION_EVENT_CONSUMERS, groupOf: userOfEvent, weightOf: rowsOfEvent },
      queue: config,
      logger,
      // The user's cached responses go stale before any consumer or live client hears of the change.
      alsoSendAll: (events) => [this.notify(events)],
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
   * The owner's cached responses and those of the members of the event's shared accounts are
   * stranded, then they are told. Members are read once per pass: a member revoked before this pass hears nothing.
   */
  private async notify(events: TransactionsOutboxEvent[]): Promise<void> {
    const accounts = [...new Set(events.flatMap(accountsOf))];
    const members = this.shares ? await this.shares.membersOf(accounts) : new Map<string, string[]>();
    await Promise.all(
      events.map(async (event) => {
        const everyone = new Set([userOfEvent(event), ...accountsOf(event).flatMap((a) => members.get(a) ?? [])]);
        await this.publisher.invalidate(everyone);
        await Promise.all(this.liveNotices(event, members));
      }),
    );
  }

  /**
   * Before the commit, with the enqueues: a crash can repeat a notice but never lose it.
   * - a row categorized by a rule or the model: transactionCategorized;
   * - an import batch's rows categorized: transactionCategorized per row if the import asked for
   *   notifyEachRow, else one importProgress of the import (its subscribers refetch the job);
   * - an import batch stored: nothing here (the import runner publishes its progress).
   */
  private liveNotices(event: TransactionsOutboxEvent, members: Map<string, string[]>): Promise<unknown>[] {
    // A row of a shared account is also the members' news, marked so a refetch a revoke made NOT_FOUND is skipped.
    const categorized = (t: { id: string; userId: string; accountId: string }) => [
      this.publisher.publish(t.userId, { __typename: 'Transaction', id: t.id, field: 'transactionCategorized' }),
      ...(members.get(t.accountId) ?? []).map((m) => this.publisher.publish(m, { __typename: 'Transaction', id: t.id, field: 'transactionCategorized', shared: true })),
    ];
    if ('transaction' in event) {
      const t = event.transaction;
      if (event.type !== 'transaction.categorized' || (t.categorySource !== 'RULE' && t.categorySource !== 'AI')) return [];
      return categorized(t);
    }
    if (event.type !== 'transactions.categorized') return [];
    // An import's progress is its owner's: the import job is not shared.
    if (!event.notifyEachRow) return [this.publisher.publish(event.userId, { __typename: 'ImportJob', id: event.importId, field: 'importProgress' })];
    return event.transactions.flatMap(categorized);
  }
}
