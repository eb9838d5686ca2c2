import DataLoader from 'dataloader';
import type { BaseContext } from '@centavo/server';
import type { CategorizationRecord, CategorizationRepository } from './modules/categorization/categorization.repository.js';
import type { CategorizationService } from './modules/categorization/categorization.service.js';
import type { RuleRecord, RulesRepository } from './modules/rules/rules.repository.js';
import type { RulesService } from './modules/rules/rules.service.js';

export interface AiContext extends BaseContext {
  rules: RulesService;
  rulesRepo: RulesRepository;
  categorization: CategorizationService;
  loaders: {
    rule: DataLoader<string, RuleRecord | null>;
    /** The decision about a transaction, by transaction id. */
    categorization: DataLoader<string, CategorizationRecord | null>;
  };
}

/** Per-request loaders, scoped to the caller: another user's ids load as null. */
export function createLoaders(userId: string | undefined, rules: RulesRepository, decisions: CategorizationRepository): AiContext['loaders'] {
  return {
    rule: new DataLoader(async (ids: readonly string[]) => {
      const rows = userId ? await rules.findManyForUser(userId, ids) : [];
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    categorization: new DataLoader(async (ids: readonly string[]) => {
      const rows = userId ? await decisions.findForUser(userId, ids) : [];
      const byId = new Map(rows.map((r) => [r.transactionId, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
