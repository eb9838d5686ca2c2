import DataLoader from 'dataloader';
import { ownedLoader, type BaseContext } from '@centavo/server';
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
    rule: ownedLoader(userId, (u, ids) => rules.findManyForUser(u, ids), 'id'),
    categorization: ownedLoader(userId, (u, ids) => decisions.findForUser(u, ids), 'transactionId'),
  };
}
