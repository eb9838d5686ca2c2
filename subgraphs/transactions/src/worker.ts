import { runProcessors } from '@centavo/jobs';
import { createLogger, type Logger } from '@centavo/logger';
import { loadConfig, type TransactionsConfig } from './config.js';
import { createPrisma } from './db.js';
import { createTransactionsDomain } from './domain.js';

export interface TransactionsWorker {
  stop(): Promise<void>;
}

/**
 * Runs the domain's processors: the categorizer's decisions (its own relay sends the resulting
 * events at once) and the budget domain's category events into the read model.
 */
export async function startTransactionsWorker(
  config: TransactionsConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<TransactionsWorker> {
  const logger = root.child({ service: 'transactions-worker' });
  const prisma = createPrisma(config.databaseUrl, false);
  const domain = createTransactionsDomain({ prisma, background: prisma, config, logger });
  const running = await runProcessors(config, domain.processors, logger, {
    concurrency: config.WORKER_CONCURRENCY,
    stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: 100,
  }).catch(async (error: unknown) => {
    await domain.relay.stop();
    await prisma.$disconnect();
    throw error;
  });
  domain.relay.start();
  return {
    async stop() {
      await running.close();
      await domain.relay.stop();
      await prisma.$disconnect();
    },
  };
}
