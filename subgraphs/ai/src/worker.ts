import { aiTransactionChanged, applyCategorization, createQueue, createWorker } from '@centavo/jobs';
import { createLogger, type Logger } from '@centavo/logger';
import { loadConfig, type AiConfig } from './config.js';
import { createPrisma } from './db.js';
import { processTransactionEvent } from './jobs/categorize.processor.js';
import { CategorizationRepository } from './modules/categorization/categorization.repository.js';
import { CategorizationService } from './modules/categorization/categorization.service.js';
import { createColdCategorizer } from './modules/categorization/cold-categorizer.js';
import { createExternalModel } from './modules/categorization/external-model.js';
import { RulesRepository } from './modules/rules/rules.repository.js';

export interface AiWorker {
  stop(): Promise<void>;
}

/** Categorizes new and re-described transactions and learns from the user's corrections. */
export async function startAiWorker(config: AiConfig = loadConfig(), root: Logger = createLogger({ level: config.LOG_LEVEL })): Promise<AiWorker> {
  const logger = root.child({ service: 'ai-worker' });
  const prisma = createPrisma(config.databaseUrl, false);
  const cold = createColdCategorizer(config.CATEGORIZE_THRESHOLD);
  // Train before taking jobs (about 2 s of CPU), so the first events do not wait behind it.
  logger.info({ modelVersion: cold.version }, 'categorization model ready');
  // Off (null) unless EXTERNAL_MODEL_URL is set: then nothing is ever sent out.
  const external = createExternalModel(config, logger);
  if (external) logger.info({ model: external.name }, 'external model on for low-confidence transactions');
  const service = new CategorizationService(new CategorizationRepository(prisma), new RulesRepository(prisma), cold, {
    threshold: config.CATEGORIZE_THRESHOLD,
    external,
  });
  const commands = createQueue(config, applyCategorization.queue);
  const worker = createWorker(
    config,
    aiTransactionChanged,
    (event, job) => processTransactionEvent(service, commands, event, logger.child({ jobId: job.id, requestId: event.requestId })),
    logger,
    { concurrency: config.WORKER_CONCURRENCY, stalledInterval: config.WORKER_STALLED_INTERVAL_MS, maxStalledCount: 100 },
  );
  return {
    async stop() {
      await worker.close();
      await commands.close();
      await prisma.$disconnect();
    },
  };
}
