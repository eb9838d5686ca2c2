import { createAuthRuntime } from '@centavo/auth-tokens';
import { createPgPool, defaultPoolSize } from '@centavo/db';
import { createLogger, type Logger } from '@centavo/logger';
import { bootSubgraph, type SubgraphServer } from '@centavo/server';
import { loadConfig, type BudgetConfig } from './config.js';
import { budgetContext } from './context.js';
import { createPrisma } from './db.js';
import { createBudgetDomain } from './domain.js';
import { resolvers, typeDefs } from './schema.js';

export { loadConfig, resolvers, typeDefs, type BudgetConfig };
export { startBudgetWorker, type BudgetWorker } from './worker.js';
/** For tests that drive the email pass with their own clock. */
export { createEmailChannel } from './modules/notifications/email-channel.js';
export { createPrisma as createBudgetPrisma } from './db.js';

/** Starts the budget subgraph and the relay of its category events (createCategory kicks it). */
export async function startBudgetSubgraph(
  config: BudgetConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<SubgraphServer> {
  const logger = root.child({ service: 'budget' });
  const runtime = await createAuthRuntime(config, logger, { watchDenylist: true });
  const prisma = createPrisma(config.databaseUrl);
  const relayPrisma = createPrisma(config.databaseUrl, false);
  // Dashboard entity reads only; DATABASE_POOL_SIZE (tests) bounds it as it bounds Prisma's.
  const pool = createPgPool(config.databaseUrl, Math.min(10, defaultPoolSize()));
  const domain = createBudgetDomain({ prisma, pool, relayPrisma, queue: config, databaseUrl: config.databaseUrl, logger, quotas: config, recurring: config, emailDelivery: config.SMTP_URL !== undefined });
  domain.categoryRelay.start();
  return bootSubgraph({
    name: 'budget',
    config,
    logger,
    runtime,
    typeDefs,
    resolvers,
    db: prisma,
    context: budgetContext(domain),
    onStop: async () => {
      await domain.categoryRelay.stop();
      await relayPrisma.$disconnect();
      await pool.end();
    },
  });
}
