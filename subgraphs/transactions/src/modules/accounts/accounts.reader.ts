import { countSqlStatement, type PgPool } from '@centavo/db';
import type { AccountType } from '../../generated/prisma/client.js';
import type { AccountRecord, AccountRole } from './accounts.repository.js';

interface Row {
  id: string;
  user_id: string;
  name: string;
  type: AccountType;
  currency: string;
  opening_balance_minor: string;
  archived: boolean;
  created_at: Date;
  updated_at: Date;
  role?: AccountRole;
}

const COLUMNS = 'id, user_id, name, type, currency, opening_balance_minor, archived, created_at, updated_at';

// Every column, as Prisma's rows have them (updatedAt is not in AccountRecord).
const toRecord = (r: Row): AccountRecord & { updatedAt: Date } => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  type: r.type,
  currency: r.currency,
  openingBalanceMinor: BigInt(r.opening_balance_minor),
  archived: r.archived,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  ...(r.role ? { role: r.role } : {}),
});

const SHARED_COLUMNS = COLUMNS.split(', ').map((c) => `a.${c}`).join(', ');

/**
 * The account reads of every dashboard in plain SQL (the reason: transactions.reader.ts), with
 * the same rows and order as AccountsRepository's Prisma queries.
 */
export class AccountsReader {
  constructor(private readonly pool: PgPool) {}

  /** The user's accounts, then those shared with the user (accepted), merged oldest first; each with the user's role. */
  async listByUser(userId: string, includeArchived: boolean): Promise<AccountRecord[]> {
    return (await this.list(userId, includeArchived, false)).accounts;
  }

  /**
   * listByUser and the sum of each account's transactions (sumsByAccount's, 0 for none) in the
   * same statement: the dashboard asks for every listed account's balance, which was a round
   * trip of its own.
   */
  async listWithSums(userId: string, includeArchived: boolean): Promise<{ accounts: AccountRecord[]; sums: Map<string, bigint> }> {
    return this.list(userId, includeArchived, true);
  }

  private async list(userId: string, includeArchived: boolean, withSums: boolean): Promise<{ accounts: AccountRecord[]; sums: Map<string, bigint> }> {
    const live = includeArchived ? '' : ' AND NOT a.archived';
    const sum = withSums ? ', (SELECT COALESCE(SUM(t.amount_minor), 0) FROM transactions t WHERE t.account_id = a.id)::text AS sum_minor' : '';
    const { rows } = await this.pool.query<Row & { sum_minor?: string }>(
      `SELECT ${SHARED_COLUMNS}, 'OWNER' AS role${sum} FROM accounts a WHERE a.user_id = $1${live}
       UNION ALL
       SELECT ${SHARED_COLUMNS}, s.role::text AS role${sum} FROM account_shares s JOIN accounts a ON a.id = s.account_id
        WHERE s.member_id = $1 AND s.status = 'ACCEPTED'${live}
       ORDER BY created_at ASC, id ASC`,
      [userId],
    );
    countSqlStatement();
    const sums = new Map<string, bigint>();
    if (withSums) for (const r of rows) sums.set(r.id, BigInt(r.sum_minor!));
    return { accounts: rows.map(toRecord), sums };
  }

  /** Accounts by id the user owns or is an accepted member of, with the user's role; any other id is absent. */
  async findManyAccessible(userId: string, ids: readonly string[]): Promise<AccountRecord[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${SHARED_COLUMNS}, CASE WHEN a.user_id = $1 THEN 'OWNER' ELSE s.role::text END AS role
         FROM accounts a LEFT JOIN account_shares s ON s.account_id = a.id AND s.member_id = $1 AND s.status = 'ACCEPTED'
        WHERE a.id = ANY($2::uuid[]) AND (a.user_id = $1 OR s.id IS NOT NULL)`,
      [userId, ids],
    );
    countSqlStatement();
    return rows.map(toRecord);
  }

  async findManyForUser(userId: string, ids: readonly string[]): Promise<AccountRecord[]> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM accounts WHERE user_id = $1 AND id = ANY($2::uuid[])`, [userId, ids]);
    countSqlStatement();
    return rows.map(toRecord);
  }

  /** Sum of the transactions of each account (minor units), in one query. */
  async sumsByAccount(accountIds: readonly string[]): Promise<Map<string, bigint>> {
    const { rows } = await this.pool.query<{ account_id: string; sum: string }>(
      'SELECT account_id, SUM(amount_minor)::text AS sum FROM transactions WHERE account_id = ANY($1::uuid[]) GROUP BY account_id',
      [accountIds],
    );
    countSqlStatement();
    return new Map(rows.map((r) => [r.account_id, BigInt(r.sum)]));
  }
}
