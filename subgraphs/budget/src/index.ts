import { createAuthRuntime } from '@centavo/auth-tokens';
import { createLogger, type Logger } from '@centavo/logger';
import { bootSubgraph, loadTypeDefs, type SubgraphServer } from '@centavo/server';
import { loadConfig, type BudgetConfig } from './config.js';
import { createLoaders, type BudgetContext } from './context.js';
import { createPrisma } from './db.js';
import { categoriesResolvers } from './modules/categories/categories.resolvers.js';
import { CategoriesRepository } from './modules/categories/categories.repository.js';
import { CategoriesService } from './modules/categories/categories.service.js';

export { loadConfig };
export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export async function startBudgetSubgraph(
  config: BudgetConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<SubgraphServer> {
  const logger = root.child({ service: 'budget' });
  const runtime = await createAuthRuntime(config);
  const prisma = createPrisma(config.databaseUrl);
  const categoriesRepo = new CategoriesRepository(prisma);
  const categories = new CategoriesService(categoriesRepo);
  return bootSubgraph<BudgetContext>({
    name: 'budget',
    config,
    logger,
    runtime,
    typeDefs,
    resolvers: categoriesResolvers,
    db: prisma,
    context: (base) => ({ ...base, categories, loaders: createLoaders(base.user?.id, categoriesRepo) }),
  });
}
