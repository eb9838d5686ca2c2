import type { AuthUser, ProfileGrants } from '@centavo/auth-tokens';
import { badInput, forbidden, limitExceeded, notFound } from '@centavo/errors';
import type { AccountShareRole } from '../../generated/prisma/client.js';
import type { AccountsRepository } from '../accounts/accounts.repository.js';
import type { AccountShareRecord, SharesRepository } from './shares.repository.js';

const MAX_EMAIL_LENGTH = 254;
// The shape auth accepts at registration; anything else can never match a user.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Lower-cased and trimmed as auth stores emails; BAD_USER_INPUT on `email` when it is not one. */
export function shareEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) throw badInput('email', 'email must be an email address');
  return email;
}

export interface SharesDeps {
  shares: SharesRepository;
  accounts: Pick<AccountsRepository, 'findManyAccessible'>;
  /** Strands the users' cached responses (the gateway's response cache) before the change is answered. */
  invalidate(userIds: string[]): Promise<void>;
  /**
   * The member no longer sees the owner's profile once a share ends (if another account of the
   * owner's is still shared with them, their next read of it grants the profile again).
   */
  profiles?: Pick<ProfileGrants, 'withdraw'>;
  /** MAX_SHARES_PER_ACCOUNT */
  maxShares: number;
}

/**
 * Households: an owner shares an account by email; the invitee, matched by the email in a
 * verified token, accepts; the owner revokes or the member leaves. Access is read from the
 * table on every request, so a revoke holds from its commit on.
 */
export class SharesService {
  constructor(private readonly d: SharesDeps) {}

  /** The account, if the caller owns it; NOT_FOUND when unreadable, FORBIDDEN for a member. */
  private async ownedAccount(user: AuthUser, accountId: string) {
    const [account] = await this.d.accounts.findManyAccessible(user.id, [accountId]);
    if (!account) throw notFound('Account');
    if (account.userId !== user.id) throw forbidden('Only the account owner can share it', 'accountId');
    return account;
  }

  async share(user: AuthUser, accountId: string, rawEmail: string, role: AccountShareRole): Promise<AccountShareRecord> {
    const email = shareEmail(rawEmail);
    const account = await this.ownedAccount(user, accountId);
    if (user.email && email === user.email) throw badInput('email', 'An account cannot be shared with its owner');
    const share = await this.d.shares.upsertWithin(this.d.maxShares, { accountId: account.id, ownerId: user.id, ownerEmail: user.email ?? null, email, role });
    if (!share) throw limitExceeded('account shares', this.d.maxShares, `An account can be shared with at most ${this.d.maxShares} people`, 'email');
    // A role change reaches the member's next read, not one cached before it.
    if (share.memberId) await this.d.invalidate([share.memberId]);
    return share;
  }

  async accept(user: AuthUser, id: string): Promise<AccountShareRecord> {
    // A token without the email claim (issued before it existed) cannot prove the invitation is the caller's.
    const share = user.email ? await this.d.shares.accept(id, user.id, user.email) : null;
    if (!share) throw notFound('AccountShare');
    await this.d.invalidate([share.ownerId]);
    return share;
  }

  async revoke(user: AuthUser, id: string): Promise<boolean> {
    const share = await this.d.shares.deleteOwned(id, user.id);
    if (!share) throw notFound('AccountShare');
    if (share.memberId) await this.d.profiles?.withdraw(share.memberId, share.ownerId);
    // The member's cached reads of the account go before the revoke is answered.
    if (share.memberId) await this.d.invalidate([share.memberId]);
    return true;
  }

  async leave(user: AuthUser, id: string): Promise<boolean> {
    const share = await this.d.shares.deleteReceived(id, user.id, user.email);
    if (!share) throw notFound('AccountShare');
    if (share.memberId) await this.d.profiles?.withdraw(share.memberId, share.ownerId);
    await this.d.invalidate([share.ownerId]);
    return true;
  }

  sent(user: AuthUser): Promise<AccountShareRecord[]> {
    return this.d.shares.listSent(user.id);
  }

  received(user: AuthUser): Promise<AccountShareRecord[]> {
    return this.d.shares.listReceived(user.id, user.email);
  }
}
