import type { TransactionsPrisma } from '../../db.js';
import type { AccountType } from '../../generated/prisma/client.js';

export interface AccountRecord {
  id: string;
  userId: string;
  name: string;
  type: AccountType;
  currency: string;
  openingBalanceMinor: bigint;
  archived: boolean;
  createdAt: Date;
}

export class AccountsRepository {
  constructor(private readonly prisma: TransactionsPrisma) {}

  create(data: Omit<AccountRecord, 'id' | 'archived' | 'createdAt'>): Promise<AccountRecord> {
    return this.prisma.account.create({ data });
  }

  listByUser(userId: string, includeArchived: boolean): Promise<AccountRecord[]> {
    return this.prisma.account.findMany({
      where: { userId, ...(includeArchived ? {} : { archived: false }) },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  /** Accounts by id, restricted to one owner: another user's id is simply absent. */
  findManyForUser(userId: string, ids: readonly string[]): Promise<AccountRecord[]> {
    return this.prisma.account.findMany({ where: { userId, id: { in: [...ids] } } });
  }

  /** Updates an account of this owner; null when there is none with that id. */
  async update(userId: string, id: string, data: { name?: string; archived?: boolean }): Promise<AccountRecord | null> {
    const { count } = await this.prisma.account.updateMany({ where: { id, userId }, data });
    if (count === 0) return null;
    return this.prisma.account.findUnique({ where: { id } });
  }
}
