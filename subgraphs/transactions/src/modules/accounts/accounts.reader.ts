import { countSqlStatement, type PgPool } from '@centavo/db';
import type { AccountType } from '../../generated/prisma/client.js';
import type { AccountRecord } from './accounts.repository.js';

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
});

/**
 * The account reads of every dashboard in plain SQL (the reason: transactions.reader.ts), with
 * the same rows and order as AccountsRepository's Prisma queries.
 */
export class AccountsReader {
  constructor(private readonly pool: PgPool) {}

  async listByUser(userId: string, includeArchived: boolean): Promise<AccountRecord[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM accounts WHERE user_id = $1${includeArchived ? '' : ' AND NOT archived'} ORDER BY created_at ASC, id ASC`,
      [userId],
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
