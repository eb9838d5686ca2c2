import { isUniqueViolation, pgTransaction, retryOnConflict, type PgPool } from '@centavo/db';
import { MAX_TAGS } from '@centavo/server';
import type { TransactionsPrisma } from '../../db.js';
import { Prisma, type CategorySource } from '../../generated/prisma/client.js';
import type { AccountsReader } from '../accounts/accounts.reader.js';
import type { AccountRole } from '../accounts/accounts.repository.js';
import { SHARED_WITH } from '../shares/shares.sql.js';
import type { TransactionsReader } from './transactions.reader.js';
import { bulkOutboxRow, isoDay, outboxRow, type OutboxRow, type TransactionEventType } from '../outbox/outbox.events.js';
import type { SplitPart } from './splits.js';

/** Outbox rows in one INSERT from a JSON array (Prisma's createMany is slow with many payloads). */
export async function insertOutboxRows(tx: Prisma.TransactionClient, events: OutboxRow[]): Promise<void> {
  if (events.length === 0) return;
  await tx.$executeRawUnsafe(INSERT_OUTBOX_SQL, outboxJson(events));
}

/** insertOutboxRows's statement: $1 the events as outboxJson gives them. */
const INSERT_OUTBOX_SQL = `
  INSERT INTO outbox_events (id, type, aggregate_id, payload)
  SELECT e.id, e.type, e.aggregate_id, e.payload FROM jsonb_to_recordset($1::jsonb) AS e(id uuid, type text, aggregate_id uuid, payload jsonb)`;

const outboxJson = (events: readonly OutboxRow[]) =>
  JSON.stringify(events.map((e) => ({ id: e.id, type: e.type, aggregate_id: e.aggregateId, payload: e.payload })));

/** A row applyCategorizations changed, as its UPDATE returns it (the day as text: pg and Prisma read a date differently). */
type CategorizedRow = Omit<TransactionRecord, 'date' | 'amountMinor'> & { date: string; amountMinor: string | bigint };

/**
 * The UPDATE of applyCategorizations: $1 the decisions as JSON, $2 the user, $3 MAX_TAGS.
 * Each decision finds its row by a primary-key probe (LATERAL, OFFSET 0 so it stays a probe)
 * and the UPDATE reaches the row by its ctid: right after an import the statistics still say the
 * user has a few hundred rows, and the join the planner chose from them scanned the decisions
 * once per row of the user (2,000 x 20,000 comparisons: 84 s for one batch, past the
 * transaction's 15 s timeout, so half an import's decisions failed and waited for retries). The
 * owner is checked in the probe (user_id never changes), so the target's estimate is not cut to
 * one row by the user's stale count. The changed rows come back whole: a findMany of an import
 * batch's 2,000 ids after it cost a round trip and the compilation of a 2,000-parameter query.
 */
const APPLY_CATEGORIZATIONS_SQL = `
  UPDATE transactions t SET category_id = d.category_id, category_source = d.source::"CategorySource", merchant = d.merchant,
    -- A rule's tags join the row's, up to MAX_TAGS (the first in order when the row is full).
    -- Split rows are left alone, so a row's tag index is its tags.
    tags = (ARRAY(SELECT DISTINCT x FROM unnest(COALESCE(t.tags, '{}') || d.add_tags) x ORDER BY x))[1:$3::int],
    tag_index = (ARRAY(SELECT DISTINCT x FROM unnest(COALESCE(t.tags, '{}') || d.add_tags) x ORDER BY x))[1:$3::int],
    version = t.version + 1, updated_at = now()
  FROM (SELECT DISTINCT ON (x.id) x.id, cur.ctid AS at, x.based_on, x.category_id, x.source, x.merchant,
          ARRAY(SELECT jsonb_array_elements_text(x.add_tags)) AS add_tags
        FROM jsonb_to_recordset($1::jsonb)
        AS x(id uuid, based_on int, category_id uuid, source text, merchant text, add_tags jsonb)
        CROSS JOIN LATERAL (SELECT ctid FROM transactions WHERE id = x.id AND user_id = $2::uuid OFFSET 0) cur
        ORDER BY x.id, x.based_on DESC) d
  WHERE t.ctid = d.at AND t.id = d.id AND t.version = d.based_on
    AND t.category_source IS DISTINCT FROM 'USER' AND t.splits IS NULL
    AND NOT (t.category_id IS NOT DISTINCT FROM d.category_id AND t.category_source IS NOT DISTINCT FROM d.source::"CategorySource"
             AND t.merchant IS NOT DISTINCT FROM d.merchant AND COALESCE(t.tags, '{}') @> d.add_tags)
  RETURNING t.id::text AS "id", t.user_id::text AS "userId", t.account_id::text AS "accountId", t.amount_minor AS "amountMinor",
    t.currency, to_char(t.date, 'YYYY-MM-DD') AS "date", t.description, t.merchant, t.notes, t.category_id::text AS "categoryId",
    t.category_source::text AS "categorySource", t.transfer_peer_id::text AS "transferPeerId",
    t.idempotency_key AS "idempotencyKey", t.tags, t.splits, t.version, t.created_at AS "createdAt", t.updated_at AS "updatedAt"`;

export interface TransactionRecord {
  id: string;
  userId: string;
  accountId: string;
  amountMinor: bigint;
  currency: string;
  date: Date;
  description: string;
  merchant: string | null;
  notes: string | null;
  categoryId: string | null;
  categorySource: CategorySource | null;
  transferPeerId: string | null;
  idempotencyKey: string | null;
  /** The row's own tags; rows written in bulk (imports) may leave them out: none. */
  tags?: string[];
  /** The stored parts (splits.ts SplitPart[]); null or absent when not split. */
  splits?: Prisma.JsonValue | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type NewTransaction = Omit<TransactionRecord, 'version' | 'createdAt' | 'updatedAt' | 'merchant' | 'tags' | 'splits'> & {
  merchant?: string | null;
};

export interface TransactionFilter {
  accountId?: string | null;
  categoryId?: string | null;
  from?: Date | null;
  to?: Date | null;
  search?: string | null;
  uncategorized?: boolean | null;
  /** Normalized tags the row or one of its parts must all carry. */
  tags?: readonly string[] | null;
}

/** Position in the listing order (date, createdAt, id, all descending). */
export interface Cursor {
  date: Date;
  createdAt: Date;
  id: string;
}

export type TransactionChange = Partial<Pick<TransactionRecord, 'amountMinor' | 'date' | 'description' | 'notes' | 'categoryId' | 'categorySource' | 'merchant'>> & {
  tags?: string[];
  /** Kept equal to the row's tags and its parts' (splits.ts tagIndexOf). */
  tagIndex?: string[];
  /** New parts, or null to undo a split. */
  splits?: SplitPart[] | null;
};

export class IdempotencyKeyTaken extends Error {}

/** A member's write found the member no longer an EDITOR of every account it touches (revoked, or now a VIEWER). */
export class EditorAccessLost extends Error {}

/**
 * Holds the member's EDITOR shares of these accounts for the rest of the database transaction
 * (FOR SHARE): a revoke or a role change waits for the write to commit, and a write after a
 * revoke finds no share and changes nothing. So "revoked" holds from the revoke's commit on.
 */
async function holdEditorShares(tx: Tx, memberId: string, accountIds: readonly string[]): Promise<void> {
  const ids = [...new Set(accountIds)];
  const held = await tx.$queryRaw<{ account_id: string }[]>`
    SELECT account_id::text FROM account_shares
     WHERE member_id = ${memberId}::uuid AND status = 'ACCEPTED' AND role = 'EDITOR'
       AND account_id IN (${Prisma.join(ids.map((i) => Prisma.sql`${i}::uuid`))})
     FOR SHARE`;
  if (held.length !== ids.length) throw new EditorAccessLost();
}

/** A change as Prisma writes it: no parts is SQL NULL (a JSON null would be a value). */
const dataOf = ({ splits, ...rest }: TransactionChange): Prisma.TransactionUpdateInput =>
  splits === undefined ? rest : { ...rest, splits: splits ?? Prisma.DbNull };

type Tx = Prisma.TransactionClient;

export class TransactionsRepository {
  /** `reader`: the listing reads in plain SQL (see transactions.reader.ts); without it, through Prisma. */
  constructor(
    private readonly prisma: TransactionsPrisma,
    private readonly reader?: TransactionsReader,
    private readonly accountsReader?: AccountsReader,
    /** Plain pg for applyCategorizations (the worker's); without it, through Prisma. */
    private readonly pool?: PgPool,
  ) {}

  /**
   * Inserts transactions (both legs of a transfer at once) with their `created` events. `editor`:
   * the member writing into the owner's accounts, who must still be their EDITOR (EditorAccessLost).
   */
  async createWithEvents(rows: NewTransaction[], requestId?: string, editor?: string): Promise<TransactionRecord[]> {
    try {
      if (!editor && rows.length === 1 && !rows[0]!.transferPeerId) return [await retryOnConflict(() => this.createOne(rows[0]!, requestId))];
      return await retryOnConflict(() => this.prisma.$transaction(async (tx) => {
        if (editor) await holdEditorShares(tx, editor, rows.map((r) => r.accountId));
        // Peers reference each other: insert without the link, then set it.
        const created: TransactionRecord[] = [];
        for (const row of rows) created.push(await tx.transaction.create({ data: { ...row, transferPeerId: null } }));
        const linked: TransactionRecord[] = [];
        for (const row of created) {
          const peer = rows.find((r) => r.id === row.id)?.transferPeerId ?? null;
          linked.push(peer ? await tx.transaction.update({ where: { id: row.id }, data: { transferPeerId: peer } }) : row);
        }
        await tx.outboxEvent.createMany({ data: linked.map((r) => outboxRow('transaction.created', r, requestId)) });
        return linked;
      }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new IdempotencyKeyTaken();
      throw error;
    }
  }

  /**
   * The common write (one row, the owner's, no transfer) in one statement: the row and its
   * `created` event are inserted together, atomically, without BEGIN and COMMIT around them (three
   * round trips fewer than the interactive transaction). The event is built before the insert,
   * from what the row will hold (a new row is version 1, without tags or parts).
   */
  private async createOne(row: NewTransaction, requestId?: string): Promise<TransactionRecord> {
    const merchant = row.merchant ?? null;
    const event = outboxRow('transaction.created', { ...row, merchant, tags: [], splits: null, version: 1, createdAt: new Date(0), updatedAt: new Date(0) }, requestId);
    const [created] = await this.prisma.$queryRaw<TransactionRecord[]>`
      WITH t AS (
        INSERT INTO transactions (id, user_id, account_id, amount_minor, currency, date, description, merchant, notes,
                                  category_id, category_source, idempotency_key, updated_at)
        VALUES (${row.id}::uuid, ${row.userId}::uuid, ${row.accountId}::uuid, ${row.amountMinor.toString()}::bigint, ${row.currency},
                ${isoDay(row.date)}::date, ${row.description}, ${merchant}, ${row.notes}, ${row.categoryId}::uuid,
                ${row.categorySource}::"CategorySource", ${row.idempotencyKey}, now())
        RETURNING *
      ), e AS (
        INSERT INTO outbox_events (id, type, aggregate_id, payload)
        SELECT ${event.id}::uuid, ${event.type}, t.id, ${JSON.stringify(event.payload)}::jsonb FROM t
      )
      SELECT t.id::text AS "id", t.user_id::text AS "userId", t.account_id::text AS "accountId", t.amount_minor AS "amountMinor",
        t.currency, t.date, t.description, t.merchant, t.notes, t.category_id::text AS "categoryId",
        t.category_source::text AS "categorySource", t.transfer_peer_id::text AS "transferPeerId",
        t.idempotency_key AS "idempotencyKey", t.tags, t.splits, t.version, t.created_at AS "createdAt", t.updated_at AS "updatedAt"
      FROM t`;
    return { ...created!, amountMinor: BigInt(created!.amountMinor) };
  }

  findByIdempotencyKey(userId: string, idempotencyKey: string): Promise<TransactionRecord | null> {
    return this.prisma.transaction.findUnique({ where: { userId_idempotencyKey: { userId, idempotencyKey } } });
  }

  findManyForUser(userId: string, ids: readonly string[]): Promise<TransactionRecord[]> {
    return this.prisma.transaction.findMany({ where: { userId, id: { in: [...ids] } } });
  }

  /** Transactions by id of the user's own accounts or of accounts shared with the user (accepted). */
  findManyAccessible(userId: string, ids: readonly string[]): Promise<TransactionRecord[]> {
    return this.prisma.transaction.findMany({ where: { id: { in: [...ids] }, OR: [{ userId }, { account: { shares: SHARED_WITH(userId) } }] } });
  }

  /**
   * Whose books a transaction the user can read is in, and the user's role on its account;
   * null when the user cannot read it (another user's, unshared, or no such row).
   */
  async accessOf(userId: string, id: string): Promise<{ ownerId: string; role: AccountRole } | null> {
    const [row] = await this.prisma.$queryRaw<{ owner_id: string; role: AccountRole }[]>`
      SELECT t.user_id::text AS owner_id, CASE WHEN t.user_id = ${userId}::uuid THEN 'OWNER' ELSE s.role::text END AS role
        FROM transactions t
        LEFT JOIN account_shares s ON s.account_id = t.account_id AND s.member_id = ${userId}::uuid AND s.status = 'ACCEPTED'
       WHERE t.id = ${id}::uuid AND (t.user_id = ${userId}::uuid OR s.id IS NOT NULL)`;
    return row ? { ownerId: row.owner_id, role: row.role } : null;
  }

  /**
   * Applies a change to a transaction of this user (and, for a transfer, the change the
   * callback asks of its peer), bumping versions and writing the events, atomically.
   * Null when the user has no such transaction.
   */
  async updateWithEvents(
    userId: string,
    id: string,
    type: TransactionEventType,
    change: (
      row: TransactionRecord,
      peer: TransactionRecord | null,
    ) => { self: TransactionChange; peer?: TransactionChange; skip?: boolean },
    requestId?: string,
    /** A member writing the owner's row: must still be an EDITOR of its account (and its transfer peer's). */
    editor?: string,
  ): Promise<TransactionRecord | null> {
    // The callback runs again on a retry: it must only compute the change.
    return retryOnConflict(() => this.prisma.$transaction(async (tx) => {
      const locked = await this.lockWithPeer(tx, userId, id);
      if (!locked) return null;
      const { row, peer } = locked;
      const { self, peer: peerChange, skip } = change(row, peer);
      // The peer's account counts only when the change reaches the peer (an amount or date of a transfer).
      const peerChanged = peer && peerChange && Object.keys(peerChange).length > 0;
      if (editor) await holdEditorShares(tx, editor, peerChanged ? [row.accountId, peer.accountId] : [row.accountId]);
      if (skip) return row;
      const updated = await tx.transaction.update({ where: { id }, data: { ...dataOf(self), version: { increment: 1 } } });
      const events = [outboxRow(type, updated, requestId)];
      if (peer && peerChange && Object.keys(peerChange).length > 0) {
        const updatedPeer = await tx.transaction.update({ where: { id: peer.id }, data: { ...dataOf(peerChange), version: { increment: 1 } } });
        events.push(outboxRow(type, updatedPeer, requestId));
      }
      await tx.outboxEvent.createMany({ data: events });
      return updated;
    }));
  }

  /**
   * Applies categorizer decisions set-based, in one database transaction: one UPDATE sets each
   * decision's category on the version it was made for (never over the user's own choice, never
   * on a split row, whose parts carry the categories, and not when it changes nothing), increasing the version, and one INSERT writes a
   * `transaction.categorized` event per row it changed, or for an import's rows one
   * `transactions.categorized` event holding them all. Returns the changed rows.
   */
  async applyCategorizations(
    userId: string,
    decisions: readonly { transactionId: string; basedOnVersion: number; categoryId: string; source: 'RULE' | 'AI'; merchant: string | null; addTags?: string[] | undefined }[],
    options: { requestId?: string; import?: { importId: string; notifyEachRow: boolean } } = {},
  ): Promise<TransactionRecord[]> {
    const { requestId } = options;
    if (decisions.length === 0) return [];
    const json = JSON.stringify(
      decisions.map((d) => ({ id: d.transactionId, based_on: d.basedOnVersion, category_id: d.categoryId, source: d.source, merchant: d.merchant, add_tags: d.addTags ?? [] })),
    );
    const apply = async (query: <T>(sql: string, params: unknown[]) => Promise<T[]>): Promise<TransactionRecord[]> => {
      const changed = await query<CategorizedRow>(APPLY_CATEGORIZATIONS_SQL, [json, userId, MAX_TAGS]);
      if (changed.length === 0) return [];
      const rows: TransactionRecord[] = changed
        .map(({ date, ...r }) => ({ ...r, date: new Date(`${date}T00:00:00.000Z`), amountMinor: BigInt(r.amountMinor) }))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const events = options.import
        ? [bulkOutboxRow('transactions.categorized', userId, options.import, rows, requestId)]
        : rows.map((r) => outboxRow('transaction.categorized', r, requestId));
      await query(INSERT_OUTBOX_SQL, [outboxJson(events)]);
      return rows;
    };
    // Plain pg where the worker has it: an import batch's 2,000 rows come back through Prisma's
    // result conversion at several times the CPU. One SQL text either way.
    const pool = this.pool;
    if (pool) return retryOnConflict(() => pgTransaction(pool, (client) => apply(async (sql, params) => (await client.query(sql, params)).rows)));
    return retryOnConflict(() => this.prisma.$transaction((tx) => apply((sql, params) => tx.$queryRawUnsafe(sql, ...params))));
  }

  /** Deletes a transaction of this user, and its transfer peer; false when there is none. */
  async deleteWithEvents(userId: string, id: string, requestId?: string, editor?: string): Promise<boolean> {
    return retryOnConflict(() => this.prisma.$transaction(async (tx) => {
      const locked = await this.lockWithPeer(tx, userId, id);
      if (!locked) return false;
      const { row, peer } = locked;
      if (editor) await holdEditorShares(tx, editor, peer ? [row.accountId, peer.accountId] : [row.accountId]);
      const gone = peer ? [row, peer] : [row];
      await tx.transaction.deleteMany({ where: { id: { in: gone.map((r) => r.id) } } });
      // A deletion is one more version, so an older replayed state can never resurrect the row.
      await tx.outboxEvent.createMany({
        data: gone.map((r) => outboxRow('transaction.deleted', { ...r, version: r.version + 1 }, requestId, true)),
      });
      return true;
    }));
  }

  /**
   * Locks a transaction of this user and its transfer peer in one statement, in id order:
   * edits of the two legs of one transfer then wait for each other instead of deadlocking.
   */
  private async lockWithPeer(tx: Tx, userId: string, id: string): Promise<{ row: TransactionRecord; peer: TransactionRecord | null } | null> {
    // The peer link is set when the legs are created and never changes, so it may be read unlocked.
    const head = await tx.transaction.findFirst({ where: { id, userId }, select: { transferPeerId: true } });
    if (!head) return null;
    const ids = head.transferPeerId ? [id, head.transferPeerId] : [id];
    await tx.$queryRaw`
      SELECT id FROM transactions WHERE id IN (${Prisma.join(ids.map((i) => Prisma.sql`${i}::uuid`))}) AND user_id = ${userId}::uuid
      ORDER BY id FOR UPDATE`;
    // Read after the lock: a concurrent edit or deletion has committed by now.
    const rows = await tx.transaction.findMany({ where: { id: { in: ids }, userId } });
    const row = rows.find((r) => r.id === id);
    if (!row) return null;
    return { row, peer: rows.find((r) => r.id === row.transferPeerId) ?? null };
  }

  private where(userId: string, filter: TransactionFilter): Prisma.TransactionWhereInput {
    // The user's rows and those of accounts shared with the user.
    const and: Prisma.TransactionWhereInput[] = [{ OR: [{ userId }, { account: { shares: SHARED_WITH(userId) } }] }];
    if (filter.accountId) and.push({ accountId: filter.accountId });
    if (filter.categoryId) and.push({ categoryId: filter.categoryId });
    if (filter.uncategorized === true) and.push({ categoryId: null });
    if (filter.uncategorized === false) and.push({ categoryId: { not: null } });
    if (filter.from) and.push({ date: { gte: filter.from } });
    if (filter.to) and.push({ date: { lte: filter.to } });
    if (filter.tags && filter.tags.length > 0) and.push({ tagIndex: { hasEvery: [...filter.tags] } });
    if (filter.search) {
      // Prisma passes `contains` to ILIKE as it is: "%" and "_" would match anything.
      const contains = { contains: filter.search.replace(/[\\%_]/g, (c) => `\\${c}`), mode: 'insensitive' as const };
      and.push({ OR: [{ description: contains }, { merchant: contains }, { notes: contains }] });
    }
    return { AND: and };
  }

  /** One page in listing order, after a cursor; fetches one extra row to know if more follow. */
  page(userId: string, filter: TransactionFilter, first: number, after: Cursor | null): Promise<TransactionRecord[]> {
    if (this.reader) return this.reader.page(userId, filter, first + 1, after);
    const where = this.where(userId, filter);
    const afterWhere: Prisma.TransactionWhereInput | undefined = after
      ? {
          OR: [
            { date: { lt: after.date } },
            { date: after.date, createdAt: { lt: after.createdAt } },
            { date: after.date, createdAt: after.createdAt, id: { lt: after.id } },
          ],
        }
      : undefined;
    return this.prisma.transaction.findMany({
      where: afterWhere ? { AND: [where, afterWhere] } : where,
      orderBy: [{ date: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }],
      take: first + 1,
    });
  }

  /**
   * A page and the filter's total when `withCount`, in one statement with the plain-SQL reader
   * (total null: count with `count`); through Prisma the total is left to `count`.
   */
  async pageAndCount(
    userId: string,
    filter: TransactionFilter,
    first: number,
    after: Cursor | null,
    withCount: boolean,
  ): Promise<{ rows: TransactionRecord[]; total: number | null }> {
    if (this.reader) return this.reader.pageAndCount(userId, filter, first + 1, after, withCount);
    return { rows: await this.page(userId, filter, first, after), total: null };
  }

  count(userId: string, filter: TransactionFilter): Promise<number> {
    if (this.reader) return this.reader.count(userId, filter);
    return this.prisma.transaction.count({ where: this.where(userId, filter) });
  }

  /** Sum of the transactions of each account, in one query. */
  async sumsByAccount(accountIds: readonly string[]): Promise<Map<string, bigint>> {
    if (this.accountsReader) return this.accountsReader.sumsByAccount(accountIds);
    const rows = await this.prisma.transaction.groupBy({
      by: ['accountId'],
      where: { accountId: { in: [...accountIds] } },
      _sum: { amountMinor: true },
    });
    return new Map(rows.map((r) => [r.accountId, r._sum.amountMinor ?? 0n]));
  }
}
