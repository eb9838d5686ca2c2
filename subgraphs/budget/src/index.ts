import { createAuthRuntime } from '@centavo/auth-tokens';
import { createLogger, type Logger } from '@centavo/logger';
import { bootSubgraph, loadTypeDefs, mergeResolvers, type SubgraphServer } from '@centavo/server';
import { loadConfig, type BudgetConfig } from './config.js';
import { createLoaders, type BudgetContext } from './context.js';
import { createPrisma } from './db.js';
import { createBudgetDomain } from './domain.js';
import { alertsResolvers } from './modules/alerts/alerts.resolvers.js';
import { budgetsResolvers } from './modules/budgets/budgets.resolvers.js';
import { categoriesResolvers } from './modules/categories/categories.resolvers.js';
import { spendingResolvers } from './modules/spending/spending.resolvers.js';

export { loadConfig, type BudgetConfig };
export { startBudgetWorker, type BudgetWorker } from './worker.js';
export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export const resolvers = mergeResolvers(categoriesResolvers, budgetsResolvers, spendingResolvers, alertsResolvers);

export async function startBudgetSubgraph(
  config: BudgetConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<SubgraphServer> {
  const logger = root.child({ service: 'budget' });
  const runtime = await createAuthRuntime(config, logger);
  const prisma = createPrisma(config.databaseUrl);
  const domain = createBudgetDomain(prisma, config);
  return bootSubgraph<BudgetContext>({
    name: 'budget',
    config,
    logger,
    runtime,
    typeDefs,
    resolvers,
    db: prisma,
    context: (base) => ({
      ...base,
      categories: domain.categories,
      budgets: domain.budgets,
      spending: domain.spending,
      alerts: domain.alerts,
      loaders: createLoaders(base.user?.id, domain.repos, (u) => domain.categories.ensureDefaults(u)),
    }),
  });
}
