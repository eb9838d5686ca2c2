import { runProcessors } from '@centavo/jobs';
import { createLogger, type Logger } from '@centavo/logger';
import { loadConfig, type TransactionsConfig } from './config.js';
import { createPgPool } from '@centavo/db';
import { createPrisma } from './db.js';
import { createTransactionsDomain } from './domain.js';

export interface TransactionsWorker {
  stop(): Promise<void>;
}

/**
 * Runs the domain's processors: the categorizer's decisions (its own relay sends the resulting
 * events at once), the budget domain's category events into the read model, and imports: the
 * imports not ended when it starts (a restart, a Redis outage at upload) are queued again.
 */
export async function startTransactionsWorker(
  config: TransactionsConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<TransactionsWorker> {
  const logger = root.child({ service: 'transactions-worker' });
  const prisma = createPrisma(config.databaseUrl, false);
  const pool = createPgPool(config.databaseUrl, 4);
  const domain = createTransactionsDomain({ prisma, background: prisma, pool, config, logger });
  const running = await runProcessors(config, domain.processors, logger, {
    concurrency: config.WORKER_CONCURRENCY,
    stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: 100,
  }).catch(async (error: unknown) => {
    await domain.close();
    await prisma.$disconnect();
    await pool.end();
    throw error;
  });
  domain.relay.start();
  domain.webhookDispatcher.startSweeper();
  await domain.imports.recover().then(
    (count) => count > 0 && logger.info({ count }, 'unfinished imports queued again'),
    (err: unknown) => logger.warn({ err }, 'unfinished imports not queued again'),
  );
  return {
    async stop() {
      await running.close();
      await domain.close();
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
