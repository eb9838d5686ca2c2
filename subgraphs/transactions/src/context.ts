import DataLoader from 'dataloader';
import { ownedLoader, type BaseContext } from '@centavo/server';
import type { TransactionsDomain } from './domain.js';
import type { AccountRecord, AccountsRepository } from './modules/accounts/accounts.repository.js';
import type { AccountsService } from './modules/accounts/accounts.service.js';
import type { ImportsService } from './modules/imports/imports.service.js';
import type { TransactionRecord, TransactionsRepository } from './modules/transactions/transactions.repository.js';
import type { TransactionsService } from './modules/transactions/transactions.service.js';
import type { WebhooksService } from './modules/webhooks/webhooks.service.js';

/** What the transactions resolvers get: the caller, the domain's services and this request's loaders. */
export interface TransactionsContext extends BaseContext {
  accounts: AccountsService;
  transactions: TransactionsService;
  imports: ImportsService;
  webhooks: WebhooksService;
  loaders: TransactionsLoaders;
}

export interface TransactionsLoaders {
  account: DataLoader<string, AccountRecord | null>;
  transaction: DataLoader<string, TransactionRecord | null>;
  /** Sum of an account's transactions, in minor units. */
  accountSum: DataLoader<string, bigint>;
}

/** Per-request loaders, scoped to the caller: another user's ids load as null. */
export function createLoaders(
  userId: string | undefined,
  accounts: Pick<AccountsRepository, 'findManyForUser'>,
  transactions: Pick<TransactionsRepository, 'findManyForUser' | 'sumsByAccount'>,
): TransactionsLoaders {
  return {
    account: ownedLoader(userId, (u, ids) => accounts.findManyForUser(u, ids), 'id'),
    transaction: ownedLoader(userId, (u, ids) => transactions.findManyForUser(u, ids), 'id'),
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
    loaders: domain.loaders(base.user?.id),
  });
