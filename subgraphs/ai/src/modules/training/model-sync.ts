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

/**
 * Keeps this process's model in step with the newest recorded version: at start (the data set's
 * model when none is recorded), and whenever a retrain is announced. Training takes about 2 s of
 * CPU on a worker thread; announcements during one lead to one more load, not one each.
 */
export async function followModelUpdates(config: SyncConfig, training: ModelTraining, logger: Logger): Promise<{ close(): Promise<void> }> {
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
  await load();
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  redis.on('error', connectionErrorLogger(logger, 'redis (model updates)'));
  await redis.subscribe(channel(config));
  redis.on('message', () => void load());
  return {
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
