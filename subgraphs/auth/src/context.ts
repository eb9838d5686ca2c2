import DataLoader from 'dataloader';
import { isUuid, type BaseContext } from '@centavo/server';
import type { AuthService } from './modules/users/auth.service.js';
import type { UserRecord, UsersRepository } from './modules/users/users.repository.js';

export interface AuthContext extends BaseContext {
  auth: AuthService;
  loaders: { user: DataLoader<string, UserRecord | null> };
}

export function createLoaders(users: UsersRepository): AuthContext['loaders'] {
  return {
    user: new DataLoader(async (ids: readonly string[]) => {
      const rows = await users.findManyByIds(ids.filter(isUuid));
      const byId = new Map(rows.map((u) => [u.id, u]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

