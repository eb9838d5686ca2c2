import { countSqlStatement, type PgPool } from '@centavo/db';
import type { CategorySource } from '../../generated/prisma/client.js';
import { sharedAccountIds } from '../shares/shares.sql.js';
import type { Cursor, TransactionFilter, TransactionRecord } from './transactions.repository.js';

/** Whose rows one branch of a listing reads: the user's own, or those of accounts shared with the user. */
type Scope = 'own' | 'shared' | 'shared-all';

/** A transactions row as pg returns it (int8 as text; `date` selected as text, see below). */
interface Row {
  id: string;
  user_id: string;
  account_id: string;
  amount_minor: string;
  currency: string;
  date: string;
  description: string;
  merchant: string | null;
  notes: string | null;
  category_id: string | null;
  category_source: CategorySource | null;
  transfer_peer_id: string | null;
  idempotency_key: string | null;
  external_id: string | null;
  import_key: string | null;
  tags: string[];
  tag_index: string[];
  splits: TransactionRecord['splits'];
  version: number;
  created_at: Date;
  updated_at: Date;
}

// `date` as text: pg would parse a DATE as local midnight; Prisma (and this API) use UTC midnight.
const COLUMNS = `id, user_id, account_id, amount_minor, currency, date::text AS date, description, merchant, notes, category_id,
  category_source, transfer_peer_id, idempotency_key, external_id, import_key, tags, tag_index, splits, version, created_at, updated_at`;

// Every column, as Prisma's rows have them (externalId, importKey and tagIndex are not in TransactionRecord).
const toRecord = (r: Row): TransactionRecord & { externalId: string | null; importKey: string | null; tagIndex: string[] } => ({
  id: r.id,
  userId: r.user_id,
  accountId: r.account_id,
  amountMinor: BigInt(r.amount_minor),
  currency: r.currency,
  date: new Date(`${r.date}T00:00:00.000Z`),
  description: r.description,
  merchant: r.merchant,
  notes: r.notes,
  categoryId: r.category_id,
  categorySource: r.category_source,
  transferPeerId: r.transfer_peer_id,
  idempotencyKey: r.idempotency_key,
  externalId: r.external_id,
  importKey: r.import_key,
  tags: r.tags,
  tagIndex: r.tag_index,
  splits: r.splits,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** `ILIKE` pattern that matches `text` anywhere, with its own `%`, `_` and `\` taken literally. */
const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The listing reads of the transactions page in plain SQL. Measured (bench/read-page.bench.ts):
 * Prisma's client engine with the pg adapter costs about 4 times the CPU of pg for the same
 * 51-row page (5.3-6.5 ms against 1.4 ms, 100-130 µs against 27 µs a row), and the page is
 * read on every dashboard. Same rows, order and filter semantics as the Prisma queries in
 * TransactionsRepository; each statement counts for the N+1 tests as Prisma's do.
 */
export class TransactionsReader {
  constructor(private readonly pool: PgPool) {}

  private where(scope: Scope, userId: string, filter: TransactionFilter, params: unknown[]): string {
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    // 'shared' is read per shared account (a LATERAL over the user's shares, see page()); 'shared-all' is every shared account at once.
    const and = [
      scope === 'own' ? `user_id = ${param(userId)}` : scope === 'shared' ? 'account_id = shared.account_id' : `account_id IN (${sharedAccountIds(param(userId))})`,
    ];
    if (filter.accountId) and.push(`account_id = ${param(filter.accountId)}`);
    if (filter.categoryId) and.push(`category_id = ${param(filter.categoryId)}`);
    if (filter.uncategorized === true) and.push('category_id IS NULL');
    if (filter.uncategorized === false) and.push('category_id IS NOT NULL');
    if (filter.from) and.push(`date >= ${param(filter.from.toISOString().slice(0, 10))}::date`);
    if (filter.to) and.push(`date <= ${param(filter.to.toISOString().slice(0, 10))}::date`);
    // tag_index holds the row's tags and its parts' (GIN index), as Prisma's `hasEvery`.
    if (filter.tags && filter.tags.length > 0) and.push(`tag_index @> ${param([...filter.tags])}::text[]`);
    if (filter.search) {
      const p = param(containsPattern(filter.search));
      and.push(`(description ILIKE ${p} OR merchant ILIKE ${p} OR notes ILIKE ${p})`);
    }
    return and.join(' AND ');
  }

  /**
   * One page in listing order (date, createdAt, id, all descending) after a cursor; `limit` rows at most.
   * The user's own rows and the rows of accounts shared with the user are two disjoint branches
   * (a row's user is its account's owner), each read in index order up to `limit` (the shared one per
   * account) and merged: with no shares the second branch is an empty index lookup. The order is on
   * the date column (sort_date), not on the `date` text alias, so the index gives it without a sort.
   */
  async page(userId: string, filter: TransactionFilter, limit: number, after: Cursor | null): Promise<TransactionRecord[]> {
    return (await this.pageAndCount(userId, filter, limit, after, false)).rows;
  }

  /**
   * The page and, when `withCount`, the number of rows the filter matches (all pages), in one
   * statement: the count is an uncorrelated subquery PostgreSQL evaluates once, on the page's
   * snapshot. The dashboard asks for both; a second statement was a round trip of its own
   * (pool, socket, a PostgreSQL transaction). `total` is null without rows (a page past the
   * end): the caller counts then.
   */
  async pageAndCount(
    userId: string,
    filter: TransactionFilter,
    limit: number,
    after: Cursor | null,
    withCount: boolean,
  ): Promise<{ rows: TransactionRecord[]; total: number | null }> {
    const params: unknown[] = [];
    const branch = (scope: Scope) => {
      let where = this.where(scope, userId, filter, params);
      if (after) {
        params.push(after.date.toISOString().slice(0, 10), after.createdAt, after.id);
        const n = params.length;
        // The row comparison is exactly "before the cursor" in an all-descending order, and uses the index.
        where += ` AND (date, created_at, id) < ($${n - 2}::date, $${n - 1}::timestamptz, $${n}::uuid)`;
      }
      return `SELECT ${COLUMNS}, date AS sort_date FROM transactions WHERE ${where} ORDER BY sort_date DESC, created_at DESC, id DESC LIMIT $${params.length + 1}`;
    };
    const own = `(${branch('own')})`;
    params.push(limit);
    // Each shared account's rows in its (account_id, date, ...) index order, `limit` at most each.
    const perAccount = branch('shared');
    params.push(limit, userId);
    // The user's shares, each joined with its account's first rows.
    const shared = `(SELECT t.* FROM (${sharedAccountIds(`$${params.length}`)}) AS shared CROSS JOIN LATERAL (${perAccount}) AS t)`;
    params.push(limit);
    const limitParam = `$${params.length}`;
    const total = withCount ? `, ${this.countExpression(userId, filter, params)} AS total_count` : '';
    const { rows } = await this.pool.query<Row & { total_count?: string }>(
      `SELECT *${total} FROM (${own} UNION ALL ${shared}) AS page ORDER BY sort_date DESC, created_at DESC, id DESC LIMIT ${limitParam}`,
      params,
    );
    countSqlStatement();
    return { rows: rows.map(toRecord), total: withCount && rows.length > 0 ? Number(rows[0]!.total_count) : null };
  }

  async count(userId: string, filter: TransactionFilter): Promise<number> {
    const params: unknown[] = [];
    const { rows } = await this.pool.query<{ n: string }>(`SELECT ${this.countExpression(userId, filter, params)} AS n`, params);
    countSqlStatement();
    return Number(rows[0]!.n);
  }

  /** The rows the filter matches, own and shared, as one bigint expression (its parameters appended to `params`). */
  private countExpression(userId: string, filter: TransactionFilter, params: unknown[]): string {
    const own = this.where('own', userId, filter, params);
    const shared = this.where('shared-all', userId, filter, params);
    return `((SELECT COUNT(*) FROM transactions WHERE ${own}) + (SELECT COUNT(*) FROM transactions WHERE ${shared}))`;
  }
}
