import { createAuthRuntime } from '@centavo/auth-tokens';
import { BudgetCategories } from '@centavo/budget-client';
import { createLogger, type Logger } from '@centavo/logger';
import { bootSubgraph, loadTypeDefs, mergeResolvers, type SubgraphServer } from '@centavo/server';
import { loadConfig, type AiConfig } from './config.js';
import { createLoaders, type AiContext } from './context.js';
import { createPrisma } from './db.js';
import { categorizationOptions, ruleMatcher, ruleQuotas, trainingOptions } from './domain.js';
import { categorizationResolvers } from './modules/categorization/categorization.resolvers.js';
import { CategorizationRepository } from './modules/categorization/categorization.repository.js';
import { CategorizationService } from './modules/categorization/categorization.service.js';
import { createColdCategorizer } from './modules/categorization/cold-categorizer.js';
import { rulesResolvers } from './modules/rules/rules.resolvers.js';
import { RulesRepository } from './modules/rules/rules.repository.js';
import { RulesService } from './modules/rules/rules.service.js';
import { followModelUpdates } from './modules/training/model-sync.js';
import { ModelTraining } from './modules/training/model-training.js';
import { TrainingRepository } from './modules/training/training.repository.js';

export { loadConfig };
export { startAiWorker, type AiWorker } from './worker.js';
export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export async function startAiSubgraph(
  config: AiConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<SubgraphServer> {
  const logger = root.child({ service: 'ai' });
  const runtime = await createAuthRuntime(config, logger);
  const prisma = createPrisma(config.databaseUrl);
  const rulesRepo = new RulesRepository(prisma);
  const decisions = new CategorizationRepository(prisma);
  const matcher = ruleMatcher(config);
  const rules = new RulesService(rulesRepo, new BudgetCategories(config.BUDGET_SUBGRAPH_URL), matcher, ruleQuotas(config));
  const cold = createColdCategorizer(config.CATEGORIZE_THRESHOLD);
  const categorization = new CategorizationService(decisions, rulesRepo, cold, categorizationOptions(config, matcher, logger));
  // suggestCategories answers with the newest retrained model, like the worker (trained off the event loop).
  const training = new ModelTraining(new TrainingRepository(prisma), cold, logger, trainingOptions(config));
  const models = await followModelUpdates(config, training, logger);
  return bootSubgraph<AiContext>({
    name: 'ai',
    config,
    logger,
    runtime,
    typeDefs,
    resolvers: mergeResolvers(rulesResolvers, categorizationResolvers),
    db: prisma,
    context: (base) => ({ ...base, rules, rulesRepo, categorization, loaders: createLoaders(base.user?.id, rulesRepo, decisions) }),
    onStop: () => models.close(),
  });
}
