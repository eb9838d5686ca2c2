import DataLoader from 'dataloader';
import type { BaseContext } from '@centavo/server';
import type { CategoriesRepository, CategoryRecord } from './modules/categories/categories.repository.js';
import type { CategoriesService } from './modules/categories/categories.service.js';

export interface BudgetContext extends BaseContext {
  categories: CategoriesService;
  loaders: { category: DataLoader<string, CategoryRecord | null> };
}

/** Per-request loaders, scoped to the caller: another user's ids load as null. */
export function createLoaders(userId: string | undefined, categories: CategoriesRepository): BudgetContext['loaders'] {
  return {
    category: new DataLoader(async (ids: readonly string[]) => {
      const rows = userId ? await categories.findManyForUser(userId, ids) : [];
      const byId = new Map(rows.map((c) => [c.id, c]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
