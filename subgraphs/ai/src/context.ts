import DataLoader from 'dataloader';
import type { BaseContext } from '@centavo/server';
import type { RuleRecord, RulesRepository } from './modules/rules/rules.repository.js';
import type { RulesService } from './modules/rules/rules.service.js';

export interface AiContext extends BaseContext {
  rules: RulesService;
  rulesRepo: RulesRepository;
  loaders: { rule: DataLoader<string, RuleRecord | null> };
}

/** Per-request loaders, scoped to the caller: another user's ids load as null. */
export function createLoaders(userId: string | undefined, rules: RulesRepository): AiContext['loaders'] {
  return {
    rule: new DataLoader(async (ids: readonly string[]) => {
      const rows = userId ? await rules.findManyForUser(userId, ids) : [];
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
