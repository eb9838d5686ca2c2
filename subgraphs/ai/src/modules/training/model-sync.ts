import { Redis } from 'ioredis';
import { connectionErrorLogger, type Logger } from '@centavo/logger';
import type { ModelTraining } from './model-training.js';

export interface SyncConfig {
  REDIS_URL: string;
  REDIS_PREFIX: string;
}

const channel = (config: SyncConfig) => `${config.REDIS_PREFIX}ai:model`;

/** Tells every ai process that a new model version was recorded. */
export async function announceModel(config: SyncConfig, version: string, logger: Logger): Promise<void> {
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
  redis.on('error', connectionErrorLogger(logger, 'redis (model announcement)'));
  try {
    await redis.publish(channel(config), version);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

export interface ModelFollower {
  /** Resolves once this process serves the newest version (at once when its file was there). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Keeps this process's model in step with the newest recorded version: at start from its model
 * file (`centavo train`, the build and the retrain job write them) without blocking readiness
 * when there is none (then it is trained on a worker thread, about 2 s of CPU, in the background),
 * and whenever a retrain is announced. Announcements during a load lead to one more load, not one each.
 */
export async function followModelUpdates(config: SyncConfig, training: ModelTraining, logger: Logger): Promise<ModelFollower> {
  const loadOnce = () =>
    training
      .loadLatest()
      .then((version) => logger.info({ version }, 'categorization model updated'))
      .catch((err: unknown) => logger.error({ err }, 'loading the newest model failed; keeping the current one'));
  let running: Promise<void> | null = null;
  let again = false;
  const load = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = loadOnce().finally(() => {
      running = null;
      if (again) {
        again = false;
        void load();
      }
    });
    return running;
  };
  const stored = await training.loadStored({ datasetMeanwhile: true }).catch((err: unknown) => {
    logger.warn({ err }, 'reading the model file failed; training the model instead');
    return null;
  });
  if (stored) logger.info({ version: stored }, 'categorization model loaded from its file');
  else logger.info('no model file for the newest version: training it in the background');
  const ready = stored ? Promise.resolve() : load();
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  redis.on('error', connectionErrorLogger(logger, 'redis (model updates)'));
  await redis.subscribe(channel(config));
  redis.on('message', () => void load());
  return {
    ready,
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
