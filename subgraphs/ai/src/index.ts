import { createAuthRuntime } from '@centavo/auth-tokens';
import { createPgPool, defaultPoolSize } from '@centavo/db';
import { createLogger, type Logger } from '@centavo/logger';
import { bootSubgraph, type SubgraphServer } from '@centavo/server';
import { warmMerchantDictionary } from './modules/categorize/merchant-dictionary.js';
import { loadConfig, type AiConfig } from './config.js';
import { aiContext } from './context.js';
import { createPrisma } from './db.js';
import { createAiDomain } from './domain.js';
import { followModelUpdates } from './modules/training/model-sync.js';
import { resolvers, typeDefs } from './schema.js';

export { loadConfig, typeDefs };
export { startAiWorker, type AiWorker } from './worker.js';
export { trainModelFile } from './modules/training/model-artifact.js';

export async function startAiSubgraph(
  config: AiConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<SubgraphServer> {
  const logger = root.child({ service: 'ai' });
  const runtime = await createAuthRuntime(config, logger, { watchDenylist: true });
  const prisma = createPrisma(config.databaseUrl);
  // Dashboard entity reads only; DATABASE_POOL_SIZE (tests) bounds it as it bounds Prisma's.
  const pool = createPgPool(config.databaseUrl, Math.min(10, defaultPoolSize()));
  const domain = createAiDomain({ prisma, pool, config, logger });
  // suggestCategories answers with the newest retrained model, like the worker (trained off the event loop).
  const models = await followModelUpdates(config, domain.training, logger);
  // With no model file at all (a first start from sources), the model trains on a worker thread;
  // serving before it is there would train it again on the event loop, seconds in which every
  // request times out. Readiness waits for it instead (its file then serves every later start).
  if (!domain.cold.loaded) await models.ready;
  const server = await bootSubgraph({
    name: 'ai',
    config,
    logger,
    runtime,
    typeDefs,
    resolvers,
    db: prisma,
    context: aiContext(domain),
    onStop: async () => {
      await models.close();
      await pool.end();
    },
  });
  // The merchant dictionary is built on first use; off the path to ready, before users need it.
  setTimeout(warmMerchantDictionary, 1_000).unref();
  return server;
}
