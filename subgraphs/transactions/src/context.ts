import DataLoader from 'dataloader';
import { ownedLoader, type BaseContext } from '@centavo/server';
import type { AccountRecord, AccountsRepository } from './modules/accounts/accounts.repository.js';
import type { AccountsService } from './modules/accounts/accounts.service.js';
import type { TransactionRecord, TransactionsRepository } from './modules/transactions/transactions.repository.js';
import type { TransactionsService } from './modules/transactions/transactions.service.js';

export interface TransactionsContext extends BaseContext {
  accounts: AccountsService;
  accountsRepo: AccountsRepository;
  transactions: TransactionsService;
  transactionsRepo: TransactionsRepository;
  loaders: Loaders;
}

export interface Loaders {
  account: DataLoader<string, AccountRecord | null>;
  transaction: DataLoader<string, TransactionRecord | null>;
  /** Sum of an account's transactions, in minor units. */
  accountSum: DataLoader<string, bigint>;
}

/** Per-request loaders, scoped to the caller: another user's ids load as null. */
export function createLoaders(userId: string | undefined, accounts: AccountsRepository, transactions: TransactionsRepository): Loaders {
  return {
    account: ownedLoader(userId, (u, ids) => accounts.findManyForUser(u, ids), 'id'),
    transaction: ownedLoader(userId, (u, ids) => transactions.findManyForUser(u, ids), 'id'),
    accountSum: new DataLoader(async (ids: readonly string[]) => {
      const sums = await transactions.sumsByAccount(ids);
      return ids.map((id) => sums.get(id) ?? 0n);
    }),
  };
}
