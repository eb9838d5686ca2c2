import { advisoryXactLock, isUniqueViolation, retryOnConflict } from '@centavo/db';
import type { TransactionsPrisma } from '../../db.js';
import type { AccountShareRole, AccountShareStatus } from '../../generated/prisma/client.js';

export interface AccountShareRecord {
  id: string;
  accountId: string;
  ownerId: string;
  ownerEmail: string | null;
  email: string;
  memberId: string | null;
  role: AccountShareRole;
  status: AccountShareStatus;
  createdAt: Date;
  acceptedAt: Date | null;
  /** The account's name, read with the share. */
  accountName: string;
}

const WITH_ACCOUNT = { account: { select: { name: true } } } as const;

type Row = Omit<AccountShareRecord, 'accountName'> & { account: { name: string } };
const toRecord = ({ account, ...share }: Row): AccountShareRecord => ({ ...share, accountName: account.name });

/** The account_shares table: who an account is shared with, by email until accepted. */
export class SharesRepository {
  constructor(private readonly prisma: TransactionsPrisma) {}

  /**
   * Shares an account with an email, or changes the role of the share that email already has;
   * null when the account already has `max` shares. Counted under the account's advisory lock.
   */
  upsertWithin(max: number, data: { accountId: string; ownerId: string; ownerEmail: string | null; email: string; role: AccountShareRole }): Promise<AccountShareRecord | null> {
    return retryOnConflict(() =>
      this.prisma.$transaction(async (tx) => {
        await advisoryXactLock(tx, 'account-shares', data.accountId);
        const existing = await tx.accountShare.findUnique({ where: { accountId_email: { accountId: data.accountId, email: data.email } } });
        if (existing) {
          return toRecord(await tx.accountShare.update({ where: { id: existing.id }, data: { role: data.role }, include: WITH_ACCOUNT }));
        }
        if ((await tx.accountShare.count({ where: { accountId: data.accountId } })) >= max) return null;
        return toRecord(await tx.accountShare.create({ data, include: WITH_ACCOUNT }));
      }),
    );
  }

  /** The shares of these accounts (owner's view), oldest first, grouped by account in the caller. */
  async listForAccounts(ownerId: string, accountIds: readonly string[]): Promise<AccountShareRecord[]> {
    const rows = await this.prisma.accountShare.findMany({
      where: { ownerId, accountId: { in: [...accountIds] } },
      include: WITH_ACCOUNT,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toRecord);
  }

  async listSent(ownerId: string): Promise<AccountShareRecord[]> {
    const rows = await this.prisma.accountShare.findMany({ where: { ownerId }, include: WITH_ACCOUNT, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    return rows.map(toRecord);
  }

  /** Accepted shares with the user and pending invitations to the user's email (when known). */
  async listReceived(userId: string, email: string | undefined): Promise<AccountShareRecord[]> {
    const rows = await this.prisma.accountShare.findMany({
      where: { OR: [{ memberId: userId }, ...(email ? [{ email, status: 'PENDING' as const }] : [])] },
      include: WITH_ACCOUNT,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    return rows.map(toRecord);
  }

  /**
   * Accepts the invitation `id` to `email` as `userId`; the share as it is when it was already
   * accepted by this user; null when there is no such invitation for this caller.
   */
  async accept(id: string, userId: string, email: string): Promise<AccountShareRecord | null> {
    try {
      await this.prisma.accountShare.updateMany({
        where: { id, email, status: 'PENDING', ownerId: { not: userId } },
        data: { status: 'ACCEPTED', memberId: userId, acceptedAt: new Date() },
      });
      const row = await this.prisma.accountShare.findFirst({ where: { id, memberId: userId }, include: WITH_ACCOUNT });
      // Absent: no invitation to this caller's email, or accepted by another user.
      return row ? toRecord(row) : null;
    } catch (error) {
      // The user is already a member of this account under another invited email.
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /** Deletes a share of the owner's; the deleted row, or null. */
  async deleteOwned(id: string, ownerId: string): Promise<AccountShareRecord | null> {
    return this.deleteWhere({ id, ownerId });
  }

  /** Deletes the member's share, or a pending invitation to the user's email; the deleted row, or null. */
  async deleteReceived(id: string, userId: string, email: string | undefined): Promise<AccountShareRecord | null> {
    return this.deleteWhere({ id, OR: [{ memberId: userId }, ...(email ? [{ email, status: 'PENDING' as const }] : [])] });
  }

  private async deleteWhere(where: NonNullable<Parameters<TransactionsPrisma['accountShare']['findFirst']>[0]>['where']): Promise<AccountShareRecord | null> {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.accountShare.findFirst({ where, include: WITH_ACCOUNT });
      if (!row) return null;
      // Deleted by id only if still there: a concurrent revoke and leave delete it once.
      const { count } = await tx.accountShare.deleteMany({ where: { id: row.id } });
      return count === 0 ? null : toRecord(row);
    });
  }

  /** The accepted members of each account: who else hears of its transactions. */
  async membersOf(accountIds: readonly string[]): Promise<Map<string, string[]>> {
    const members = new Map<string, string[]>();
    if (accountIds.length === 0) return members;
    const rows = await this.prisma.accountShare.findMany({
      where: { accountId: { in: [...accountIds] }, status: 'ACCEPTED', memberId: { not: null } },
      select: { accountId: true, memberId: true },
    });
    for (const { accountId, memberId } of rows) members.set(accountId, [...(members.get(accountId) ?? []), memberId!]);
    return members;
  }
}
