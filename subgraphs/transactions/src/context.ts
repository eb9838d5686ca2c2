import DataLoader from 'dataloader';
import type { BaseContext } from '@centavo/server';
import type { AccountRecord, AccountsRepository } from './modules/accounts/accounts.repository.js';
import type { AccountsService } from './modules/accounts/accounts.service.js';

export interface TransactionsContext extends BaseContext {
  accounts: AccountsService;
  accountsRepo: AccountsRepository;
  loaders: { account: DataLoader<string, AccountRecord | null> };
}

/** Per-request loaders, scoped to the caller: another user's ids load as null. */
export function createLoaders(userId: string | undefined, accounts: AccountsRepository): TransactionsContext['loaders'] {
  return {
    account: new DataLoader(async (ids: readonly string[]) => {
      const rows = userId ? await accounts.findManyForUser(userId, ids) : [];
      const byId = new Map(rows.map((a) => [a.id, a]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
