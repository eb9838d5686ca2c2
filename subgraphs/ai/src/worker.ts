import { applyCategorization, createQueue, retrainModel, runProcessors } from '@centavo/jobs';
import { createLogger, type Logger } from '@centavo/logger';
import { loadConfig, type AiConfig } from './config.js';
import { createPrisma } from './db.js';
import { createAiDomain } from './domain.js';
import { followModelUpdates } from './modules/training/model-sync.js';

export interface AiWorker {
  stop(): Promise<void>;
}

/**
 * Categorizes new and re-described transactions, learns from the user's corrections, retrains
 * the global model, and keeps the category read model in step with the budget domain's events.
 */
export async function startAiWorker(config: AiConfig = loadConfig(), root: Logger = createLogger({ level: config.LOG_LEVEL })): Promise<AiWorker> {
  const logger = root.child({ service: 'ai-worker' });
  const prisma = createPrisma(config.databaseUrl, false);
  // Off (null) unless EXTERNAL_MODEL_URL is set: then nothing is ever sent out.
  const domain = createAiDomain({ prisma, config, logger, externalModel: true });
  // Train (about 2 s of CPU, on a worker thread) before taking jobs, so the first events do not wait behind it.
  const models = await followModelUpdates(config, domain.training, logger);
  logger.info({ modelVersion: domain.cold.version }, 'categorization model ready');
  if (domain.external) logger.info({ model: domain.external.name }, 'external model on for low-confidence transactions');
  const commands = createQueue(config, applyCategorization.queue, logger);
  const maintenance = createQueue(config, retrainModel.queue, logger);
  const running = await runProcessors(config, domain.processors({ commands, maintenance }), logger, {
    concurrency: config.WORKER_CONCURRENCY,
    stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
  });
  if (config.RETRAIN_CRON) {
    await maintenance.upsertJobScheduler('retrain-schedule', { pattern: config.RETRAIN_CRON, tz: 'UTC' }, { name: retrainModel.name, data: { reason: 'schedule' } });
  }
  return {
    async stop() {
      await running.close();
      await commands.close();
      await maintenance.close();
      await models.close();
      await prisma.$disconnect();
    },
  };
}
