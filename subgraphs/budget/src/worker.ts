import { budgetTransactionChanged, createWorker } from '@centavo/jobs';
import { createLogger, type Logger } from '@centavo/logger';
import { createPublisher } from '@centavo/pubsub';
import { loadConfig, type BudgetConfig } from './config.js';
import { createPrisma } from './db.js';
import { createBudgetDomain } from './domain.js';
import { createLiveUpdates, createTransactionChangedProcessor } from './jobs/transaction-changed.processor.js';

export interface BudgetWorker {
  /** Lets in-flight jobs finish, closes the BullMQ worker and the publisher, then the database connection. */
  stop(): Promise<void>;
}

/**
 * Consumes the budget-events queue: every transaction change updates the spending aggregates,
 * raises the alerts it causes, and publishes budgetUpdated and alertRaised to the user.
 */
export async function startBudgetWorker(
  config: BudgetConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<BudgetWorker> {
  const logger = root.child({ service: 'budget-worker' });
  const prisma = createPrisma(config.databaseUrl, false);
  const domain = createBudgetDomain(prisma, config);
  const publisher = createPublisher(config, logger);
  const worker = createWorker(
    config,
    budgetTransactionChanged,
    createTransactionChangedProcessor(domain.spending, logger, createLiveUpdates(domain, publisher)),
    logger,
    // A killed worker's job stalls and is retried; it must never be failed for stalling.
    { concurrency: config.WORKER_CONCURRENCY, stalledInterval: config.WORKER_STALLED_INTERVAL_MS, maxStalledCount: 100 },
  );
  try {
    await worker.waitUntilReady();
  } catch (error) {
    await worker.close();
    await publisher.close();
    await prisma.$disconnect();
    throw error;
  }
  logger.info({ queue: budgetTransactionChanged.queue, concurrency: config.WORKER_CONCURRENCY }, 'budget worker ready');
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        await worker.close();
        await publisher.close();
        await prisma.$disconnect();
      })();
      return stopping;
    },
  };
}
