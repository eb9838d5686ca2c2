import DataLoader from 'dataloader';
import type { BaseContext } from '@centavo/server';
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

function byId<T extends { id: string }>(load: (ids: readonly string[]) => Promise<T[]>) {
  return new DataLoader(async (ids: readonly string[]) => {
    const byKey = new Map((await load(ids)).map((row) => [row.id, row]));
    return ids.map((id) => byKey.get(id) ?? null);
  });
}

/** Per-request loaders, scoped to the caller: another user's ids load as null. */
export function createLoaders(userId: string | undefined, accounts: AccountsRepository, transactions: TransactionsRepository): Loaders {
  return {
    account: byId((ids) => (userId ? accounts.findManyForUser(userId, ids) : Promise.resolve([]))),
    transaction: byId((ids) => (userId ? transactions.findManyForUser(userId, ids) : Promise.resolve([]))),
    accountSum: new DataLoader(async (ids: readonly string[]) => {
      const sums = await transactions.sumsByAccount(ids);
      return ids.map((id) => sums.get(id) ?? 0n);
    }),
  };
}
