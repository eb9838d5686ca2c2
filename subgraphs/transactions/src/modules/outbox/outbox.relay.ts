import {
  rowsOfEvent,
  TRANSACTION_EVENT_CONSUMERS,
  transactionsOutboxEvent,
  userOfEvent,
  webhookTransactionBatch,
  type QueueConfig,
  type TransactionsOutboxEvent,
} from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import type { PgPool } from '@centavo/db';
import { createOutboxRelay, outboxEventsPgStore, outboxEventsStore, type OutboxRelay as Relay } from '@centavo/outbox';
import { createPublisher, type Publisher } from '@centavo/pubsub';
import type { TransactionsPrisma } from '../../db.js';

/** What a pass needs to know of its events, read in one statement. */
interface PassLookup {
  /** The accepted members of each shared account among the events' accounts. */
  members: Map<string, string[]>;
  /** The users with a webhook endpoint (enabled or not) that takes a type of their one-row events. */
  hooked: Set<string>;
}

interface LookupRow {
  kind: 'member' | 'hook';
  key: string;
  member: string | null;
}

const passLookupOf = (rows: readonly LookupRow[]): PassLookup => {
  const members = new Map<string, string[]>();
  const hooked = new Set<string>();
  for (const row of rows) {
    if (row.kind === 'hook') hooked.add(row.key);
    else members.set(row.key, [...(members.get(row.key) ?? []), row.member!]);
  }
  return { members, hooked };
};

/**
 * OutboxRelay.lookup in SQL over the claimed rows (the CTE named `claimed`: id, payload), for the
 * claim's own statement: the accounts of every event's rows, the users and types of one-row events.
 */
const PASS_LOOKUP = (claimed: string) => `
  WITH single AS (
    SELECT payload->'transaction' AS t, payload->>'type' AS type FROM ${claimed} WHERE payload ? 'transaction'
  ), accounts AS (
    SELECT (t->>'accountId')::uuid AS id FROM single
    UNION
    SELECT (r->>'accountId')::uuid FROM ${claimed}, jsonb_array_elements(payload->'transactions') r WHERE NOT payload ? 'transaction'
  )
  SELECT 'member' AS kind, account_id::text AS key, member_id::text AS member
  FROM account_shares
  WHERE account_id IN (SELECT id FROM accounts) AND status = 'ACCEPTED' AND member_id IS NOT NULL
  UNION ALL
  SELECT DISTINCT 'hook', user_id::text, NULL
  FROM webhook_endpoints
  WHERE user_id IN (SELECT (t->>'userId')::uuid FROM single) AND events && ARRAY(SELECT DISTINCT type FROM single)`;

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
    private readonly prisma: TransactionsPrisma,
    config: QueueConfig & { databaseUrl?: string },
    logger: Logger,
    /** Plain pg for the claims (an import's events are hundreds of KiB of JSON each); without it, through Prisma. */
    pool?: PgPool,
  ) {
    this.publisher = createPublisher(config, logger);
    this.relay = createOutboxRelay({
      // Through pg, the pass's lookup runs in the claim's statement (PASS_LOOKUP): one statement less per pass.
      store: pool ? outboxEventsPgStore(pool, PASS_LOOKUP) : outboxEventsStore(prisma),
      schema: transactionsOutboxEvent,
      prepare: async (events, alongside) => (alongside ? passLookupOf(alongside as LookupRow[]) : this.lookup(events)),
      grouped: {
        definitions: TRANSACTION_EVENT_CONSUMERS,
        groupOf: userOfEvent,
        weightOf: rowsOfEvent,
        // The webhooks consumer records one-row events for the user's endpoints that take their
        // type (an import's rows are told by its import.finished): a user without such an
        // endpoint, or a job of bulk events only, is no job (a job, its Redis round trips, a
        // statement and a cache invalidation saved per event).
        takes: (definition, job, { hooked }) =>
          definition !== webhookTransactionBatch || (hooked.has(job.userId) && job.events.some((e) => 'transaction' in e)),
      },
      queue: config,
      logger,
      // The user's cached responses go stale before any consumer or live client hears of the change.
      alsoSendAll: (events, { members }) => [this.notify(events, members)],
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
   * One statement a pass: the members of the events' shared accounts (read once per pass: a
   * member revoked before this pass hears nothing) and which users have a webhook endpoint for
   * their one-row events (one created before this pass gets them).
   */
  private async lookup(events: TransactionsOutboxEvent[]): Promise<PassLookup> {
    const accounts = [...new Set(events.flatMap(accountsOf))];
    const single = events.filter((e) => 'transaction' in e);
    const users = [...new Set(single.map(userOfEvent))];
    const types = [...new Set(single.map((e) => e.type as string))];
    const rows = await this.prisma.$queryRaw<LookupRow[]>`
      SELECT 'member' AS kind, account_id::text AS key, member_id::text AS member
      FROM account_shares
      WHERE account_id = ANY(${accounts}::uuid[]) AND status = 'ACCEPTED' AND member_id IS NOT NULL
      UNION ALL
      SELECT DISTINCT 'hook', user_id::text, NULL
      FROM webhook_endpoints
      WHERE user_id = ANY(${users}::uuid[]) AND events && ${types}::text[]`;
    return passLookupOf(rows);
  }

  /** The owner's cached responses and those of the members of the event's shared accounts are stranded, then they are told. */
  private async notify(events: TransactionsOutboxEvent[], members: Map<string, string[]>): Promise<void> {
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
