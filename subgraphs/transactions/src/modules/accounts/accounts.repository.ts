import { advisoryXactLock, retryOnConflict } from '@centavo/db';
import type { TransactionsPrisma } from '../../db.js';
import type { AccountType } from '../../generated/prisma/client.js';
import { SHARED_WITH } from '../shares/shares.sql.js';
import type { AccountsReader } from './accounts.reader.js';

export interface AccountRecord {
  id: string;
  userId: string;
  name: string;
  type: AccountType;
  currency: string;
  openingBalanceMinor: bigint;
  archived: boolean;
  createdAt: Date;
  /** The caller's role when read as a caller's account (its owner's, or a member's of a share); OWNER when absent. */
  role?: AccountRole;
}

/** What the caller may do with an account: its owner everything, a member what the share's role allows. */
export type AccountRole = 'OWNER' | 'EDITOR' | 'VIEWER';

/** Writes its transactions: the owner or an EDITOR. */
export const canWrite = (role: AccountRole | undefined) => role === undefined || role === 'OWNER' || role === 'EDITOR';

export class AccountsRepository {
  /** `reader`: the listing reads in plain SQL (see accounts.reader.ts); without it, through Prisma. */
  constructor(
    private readonly prisma: TransactionsPrisma,
    private readonly reader?: AccountsReader,
  ) {}

  /**
   * Creates an account unless its user already has `max`; null then. Counted and inserted
   * under the user's advisory lock, so concurrent creates cannot overshoot the cap.
   */
  createWithin(max: number, data: Omit<AccountRecord, 'id' | 'archived' | 'createdAt'>): Promise<AccountRecord | null> {
    return retryOnConflict(() =>
      this.prisma.$transaction(async (tx) => {
        await advisoryXactLock(tx, 'accounts-quota', data.userId);
        if ((await tx.account.count({ where: { userId: data.userId } })) >= max) return null;
        return tx.account.create({ data });
      }),
    );
  }

  /** The user's own accounts and those shared with the user (accepted shares), oldest first, each with the user's role. */
  /**
   * listByUser and each listed account's sum of transactions, in one statement with the
   * plain-SQL reader; through Prisma the sums are null (the balance loader reads them).
   */
  async listWithSums(userId: string, includeArchived: boolean): Promise<{ accounts: AccountRecord[]; sums: Map<string, bigint> | null }> {
    if (this.reader) return this.reader.listWithSums(userId, includeArchived);
    return { accounts: await this.listByUser(userId, includeArchived), sums: null };
  }

  async listByUser(userId: string, includeArchived: boolean): Promise<AccountRecord[]> {
    if (this.reader) return this.reader.listByUser(userId, includeArchived);
    const rows = await this.prisma.account.findMany({
      where: { OR: [{ userId }, { shares: SHARED_WITH(userId) }], ...(includeArchived ? {} : { archived: false }) },
      include: { shares: { where: { memberId: userId, status: 'ACCEPTED' }, select: { role: true } } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(({ shares, ...a }) => ({ ...a, role: a.userId === userId ? 'OWNER' : shares[0]!.role }));
  }

  /** Accounts by id the user owns or is a member of (accepted share), each with the user's role; others are absent. */
  async findManyAccessible(userId: string, ids: readonly string[]): Promise<AccountRecord[]> {
    if (this.reader) return this.reader.findManyAccessible(userId, ids);
    const rows = await this.prisma.account.findMany({
      where: { id: { in: [...ids] }, OR: [{ userId }, { shares: SHARED_WITH(userId) }] },
      include: { shares: { where: { memberId: userId, status: 'ACCEPTED' }, select: { role: true } } },
    });
    return rows.map(({ shares, ...a }) => ({ ...a, role: a.userId === userId ? 'OWNER' : shares[0]!.role }));
  }

  /** Accounts by id, restricted to one owner: another user's id is simply absent. */
  findManyForUser(userId: string, ids: readonly string[]): Promise<AccountRecord[]> {
    if (this.reader) return this.reader.findManyForUser(userId, ids);
    return this.prisma.account.findMany({ where: { userId, id: { in: [...ids] } } });
  }

  /** What net worth by month adds up: opening balances per currency, and money moved per currency and month up to `to`. */
  async netWorthInputs(userId: string, to: string) {
    const [openings, flows] = await Promise.all([
      this.prisma.$queryRaw<{ currency: string; minor: bigint | string }[]>`
        SELECT currency, SUM(opening_balance_minor)::bigint AS minor FROM accounts WHERE user_id = ${userId}::uuid GROUP BY currency`,
      this.prisma.$queryRaw<{ currency: string; month: string; minor: bigint | string }[]>`
        SELECT currency, to_char(date, 'YYYY-MM') AS month, SUM(amount_minor)::bigint AS minor FROM transactions
        WHERE user_id = ${userId}::uuid AND date <= ${to}::date GROUP BY currency, to_char(date, 'YYYY-MM')`,
    ]);
    return {
      openings: openings.map((o) => ({ currency: o.currency, minor: BigInt(o.minor) })),
      flows: flows.map((f) => ({ currency: f.currency, month: f.month, minor: BigInt(f.minor) })),
    };
  }

  /** Updates an account of this owner; null when there is none with that id. */
  async update(userId: string, id: string, data: { name?: string; archived?: boolean }): Promise<AccountRecord | null> {
    const { count } = await this.prisma.account.updateMany({ where: { id, userId }, data });
    if (count === 0) return null;
    return this.prisma.account.findUnique({ where: { id } });
  }
}
