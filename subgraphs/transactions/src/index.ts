import { createAuthRuntime, ProfileGrants } from '@centavo/auth-tokens';
import { createLogger, type Logger } from '@centavo/logger';
import { bootSubgraph, type SubgraphServer } from '@centavo/server';
import { loadConfig, type TransactionsConfig } from './config.js';
import { transactionsContext } from './context.js';
import { createPgPool } from '@centavo/db';
import { createPrisma } from './db.js';
import { createTransactionsDomain } from './domain.js';
import { mountUploadRoute } from './modules/imports/imports.upload.js';
import { resolvers, typeDefs } from './schema.js';

export { loadConfig, typeDefs };
export { startTransactionsWorker, type TransactionsWorker } from './worker.js';

/** Starts the transactions subgraph and its outbox relay. */
export async function startTransactionsSubgraph(
  config: TransactionsConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<SubgraphServer> {
  const logger = root.child({ service: 'transactions' });
  const runtime = await createAuthRuntime(config, logger, { watchDenylist: true });
  const prisma = createPrisma(config.databaseUrl);
  const background = createPrisma(config.databaseUrl, false);
  // Uploads: one connection each while a file streams in.
  const pool = createPgPool(config.databaseUrl, 10);
  const profiles = new ProfileGrants(runtime.redis, config.REDIS_PREFIX);
  const domain = createTransactionsDomain({ prisma, background, pool, config, logger, profiles });
  domain.relay.start();
  return bootSubgraph({
    name: 'transactions',
    config,
    logger,
    runtime,
    typeDefs,
    resolvers,
    db: prisma,
    context: transactionsContext(domain),
    routes: (app, verifier) => mountUploadRoute(app, domain.imports, verifier, logger),
    onStop: async () => {
      await domain.close();
      await background.$disconnect();
      await pool.end();
    },
  });
}
