import type { BaseContext } from '@centavo/server';
import type { AiDomain, AiLoaders } from './domain.js';
import type { CategorizationService } from './modules/categorization/categorization.service.js';
import type { RulesService } from './modules/rules/rules.service.js';

/** What the ai resolvers get: the caller, its services and this request's loaders. */
export interface AiContext extends BaseContext {
  rules: RulesService;
  categorization: CategorizationService;
  loaders: AiLoaders;
}

export const aiContext =
  (domain: AiDomain) =>
  (base: BaseContext): AiContext => ({ ...base, rules: domain.rules, categorization: domain.categorization, loaders: domain.loaders(base.user?.id) });
