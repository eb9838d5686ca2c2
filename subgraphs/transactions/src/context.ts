import DataLoader from 'dataloader';
import type { ProfileGrants } from '@centavo/auth-tokens';
import { ownedLoader, type BaseContext } from '@centavo/server';
import type { TransactionsDomain } from './domain.js';
import type { AccountRecord, AccountsRepository } from './modules/accounts/accounts.repository.js';
import type { AccountsService } from './modules/accounts/accounts.service.js';
import type { ImportsService } from './modules/imports/imports.service.js';
import type { AccountShareRecord, SharesRepository } from './modules/shares/shares.repository.js';
import type { SharesService } from './modules/shares/shares.service.js';
import type { TransactionRecord, TransactionsRepository } from './modules/transactions/transactions.repository.js';
import type { TransactionsService } from './modules/transactions/transactions.service.js';
import type { WebhooksService } from './modules/webhooks/webhooks.service.js';

/** What the transactions resolvers get: the caller, the domain's services and this request's loaders. */
export interface TransactionsContext extends BaseContext {
  accounts: AccountsService;
  transactions: TransactionsService;
  imports: ImportsService;
  webhooks: WebhooksService;
  shares: SharesService;
  loaders: TransactionsLoaders;
}

export interface TransactionsLoaders {
  account: DataLoader<string, AccountRecord | null>;
  transaction: DataLoader<string, TransactionRecord | null>;
  /** Sum of an account's transactions, in minor units. */
  accountSum: DataLoader<string, bigint>;
  /** The shares of an account the caller owns (none for any other account). */
  accountShares: DataLoader<string, AccountShareRecord[]>;
  /**
   * Lets the caller see the profile (User) of these owners of accounts shared with them: one
   * Redis round trip per request, however many shared accounts name their owner.
   */
  ownerProfile: DataLoader<string, true>;
  /**
   * Hands the account loader this request's listing of the caller's accounts (Query.accounts):
   * ids it lists load from it instead of a statement of their own (the dashboard's
   * `transactions { edges { node { account { name } } } }`).
   */
  listedAccounts(listing: Promise<AccountRecord[]>): void;
}

/**
 * Per-request loaders, scoped to the caller: the caller's own rows and those of accounts shared
 * with the caller (accepted); any other user's ids load as null.
 */
export function createLoaders(
  userId: string | undefined,
  accounts: Pick<AccountsRepository, 'findManyAccessible'>,
  transactions: Pick<TransactionsRepository, 'findManyAccessible' | 'sumsByAccount'>,
  shares: Pick<SharesRepository, 'listForAccounts'>,
  profiles?: Pick<ProfileGrants, 'grant'>,
): TransactionsLoaders {
  const listings: Promise<AccountRecord[]>[] = [];
  return {
    listedAccounts: (listing) => {
      listings.push(listing.catch(() => []));
    },
    ownerProfile: new DataLoader(async (owners: readonly string[]) => {
      if (userId && profiles) await profiles.grant(userId, owners);
      return owners.map(() => true as const);
    }),
    // A listing holds the same rows as findManyAccessible (own and accepted shared accounts, with the role).
    account: ownedLoader(
      userId,
      async (u, ids) => {
        const listed = (await Promise.all(listings)).flat().filter((a) => ids.includes(a.id));
        const missing = ids.filter((id) => !listed.some((a) => a.id === id));
        return missing.length ? [...listed, ...(await accounts.findManyAccessible(u, missing))] : listed;
      },
      'id',
    ),
    transaction: ownedLoader(userId, (u, ids) => transactions.findManyAccessible(u, ids), 'id'),
    accountShares: new DataLoader(async (ids: readonly string[]) => {
      const rows = userId ? await shares.listForAccounts(userId, ids) : [];
      return ids.map((id) => rows.filter((s) => s.accountId === id));
    }),
    accountSum: new DataLoader(async (ids: readonly string[]) => {
      const sums = await transactions.sumsByAccount(ids);
      return ids.map((id) => sums.get(id) ?? 0n);
    }),
  };
}

export const transactionsContext =
  (domain: TransactionsDomain) =>
  (base: BaseContext): TransactionsContext => ({
    ...base,
    accounts: domain.accounts,
    transactions: domain.transactions,
    imports: domain.imports,
    webhooks: domain.webhooks,
    shares: domain.shares,
    loaders: domain.loaders(base.user?.id),
  });
