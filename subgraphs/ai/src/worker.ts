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
  // The model file loads in milliseconds; without one, jobs wait in their queue (not on the event
  // loop) while the model trains on a worker thread, and the process is ready meanwhile.
  const models = await followModelUpdates(config, domain.training, logger);
  if (domain.external) logger.info({ model: domain.external.name }, 'external model on for low-confidence transactions');
  const commands = createQueue(config, applyCategorization.queue, logger);
  const maintenance = createQueue(config, retrainModel.queue, logger);
  let stopped = false;
  const running = models.ready.then(async () => {
    if (stopped) return null;
    logger.info({ modelVersion: domain.cold.version }, 'categorization model ready');
    return runProcessors(config, domain.processors({ commands, maintenance }), logger, {
      concurrency: config.WORKER_CONCURRENCY,
      stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
    });
  });
  running.catch((err: unknown) => {
    // As a failed start did before: the process exits, its supervisor restarts it.
    logger.fatal({ err }, 'the ai job processors could not start');
    process.exit(1);
  });
  if (config.RETRAIN_CRON) {
    await maintenance.upsertJobScheduler('retrain-schedule', { pattern: config.RETRAIN_CRON, tz: 'UTC' }, { name: retrainModel.name, data: { reason: 'schedule' } });
  }
  return {
    async stop() {
      stopped = true;
      await (await running.catch(() => null))?.close();
      await commands.close();
      await maintenance.close();
      await models.close();
      await prisma.$disconnect();
    },
  };
}
