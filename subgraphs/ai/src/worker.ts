import { aiTransactionChanged, applyCategorization, createQueue, createWorker, retrainModel } from '@centavo/jobs';
import { createLogger, type Logger } from '@centavo/logger';
import { loadConfig, type AiConfig } from './config.js';
import { createPrisma } from './db.js';
import { categorizationOptions, ruleMatcher, trainingOptions } from './domain.js';
import { processTransactionEvent } from './jobs/categorize.processor.js';
import { CategorizationRepository } from './modules/categorization/categorization.repository.js';
import { CategorizationService } from './modules/categorization/categorization.service.js';
import { createColdCategorizer } from './modules/categorization/cold-categorizer.js';
import { createExternalModel } from './modules/categorization/external-model.js';
import { RulesRepository } from './modules/rules/rules.repository.js';
import { announceModel, followModelUpdates } from './modules/training/model-sync.js';
import { ModelTraining } from './modules/training/model-training.js';
import { TrainingRepository } from './modules/training/training.repository.js';

export interface AiWorker {
  stop(): Promise<void>;
}

/** Categorizes new and re-described transactions and learns from the user's corrections. */
export async function startAiWorker(config: AiConfig = loadConfig(), root: Logger = createLogger({ level: config.LOG_LEVEL })): Promise<AiWorker> {
  const logger = root.child({ service: 'ai-worker' });
  const prisma = createPrisma(config.databaseUrl, false);
  const cold = createColdCategorizer(config.CATEGORIZE_THRESHOLD);
  const model = new ModelTraining(new TrainingRepository(prisma), cold, logger, trainingOptions(config));
  // Train (about 2 s of CPU, on a worker thread) before taking jobs, so the first events do not wait behind it.
  const models = await followModelUpdates(config, model, logger);
  logger.info({ modelVersion: cold.version }, 'categorization model ready');
  // Off (null) unless EXTERNAL_MODEL_URL is set: then nothing is ever sent out.
  const external = createExternalModel(config, logger);
  if (external) logger.info({ model: external.name }, 'external model on for low-confidence transactions');
  const service = new CategorizationService(new CategorizationRepository(prisma), new RulesRepository(prisma), cold, {
    ...categorizationOptions(config, ruleMatcher(config), logger),
    external,
  });
  const commands = createQueue(config, applyCategorization.queue, logger);
  const maintenance = createQueue(config, retrainModel.queue, logger);
  const training = { model, queue: maintenance, currentVersion: () => cold.version };
  const worker = createWorker(
    config,
    aiTransactionChanged,
    (event, job) => processTransactionEvent(service, commands, event, logger.child({ jobId: job.id, requestId: event.requestId }), training),
    logger,
    { concurrency: config.WORKER_CONCURRENCY, stalledInterval: config.WORKER_STALLED_INTERVAL_MS, maxStalledCount: 100 },
  );
  // Retraining is a job: scheduled, and enqueued after enough corrections (paced: checked again
  // here); every ai process then loads the new version.
  const retrainer = createWorker(
    config,
    retrainModel,
    async (data) => {
      const result = data.reason === 'corrections' ? await model.retrainIfDue() : await model.retrain();
      if (!result) return { skipped: true };
      await announceModel(config, result.version, logger);
      return result;
    },
    logger,
    { concurrency: 1, stalledInterval: config.WORKER_STALLED_INTERVAL_MS },
  );
  if (config.RETRAIN_CRON) {
    await maintenance.upsertJobScheduler('retrain-schedule', { pattern: config.RETRAIN_CRON, tz: 'UTC' }, { name: retrainModel.name, data: { reason: 'schedule' } });
  }
  return {
    async stop() {
      await worker.close();
      await retrainer.close();
      await commands.close();
      await maintenance.close();
      await models.close();
      await prisma.$disconnect();
    },
  };
}
