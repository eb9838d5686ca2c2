import { applyCategorization, createWorker } from '@centavo/jobs';
import { createLogger, type Logger } from '@centavo/logger';
import { loadConfig, type TransactionsConfig } from './config.js';
import { createPrisma } from './db.js';
import { applyDecision } from './jobs/apply-categorization.processor.js';
import { OutboxRelay } from './modules/outbox/outbox.relay.js';
import { TransactionsRepository } from './modules/transactions/transactions.repository.js';

export interface TransactionsWorker {
  stop(): Promise<void>;
}

/** Applies the categorizer's decisions; its own relay sends the resulting events at once. */
export async function startTransactionsWorker(
  config: TransactionsConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<TransactionsWorker> {
  const logger = root.child({ service: 'transactions-worker' });
  const prisma = createPrisma(config.databaseUrl, false);
  const repo = new TransactionsRepository(prisma);
  const relay = new OutboxRelay(prisma, config, logger);
  relay.start();
  const worker = createWorker(
    config,
    applyCategorization,
    async (decision, job) => {
      const outcome = await applyDecision(repo, decision, logger.child({ jobId: job.id, requestId: decision.requestId }));
      if (outcome === 'applied') relay.kick();
      return outcome;
    },
    logger,
    { concurrency: config.WORKER_CONCURRENCY, stalledInterval: config.WORKER_STALLED_INTERVAL_MS, maxStalledCount: 100 },
  );
  return {
    async stop() {
      await worker.close();
      await relay.stop();
      await prisma.$disconnect();
    },
  };
}
