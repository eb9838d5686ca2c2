import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCategoryId } from '@centavo/categories';
import { createQueue, createWorker, enqueue, retrainModel, type TransactionEvent } from '@centavo/jobs';
import { createLogger } from '@centavo/logger';
import { testEnv } from '@centavo/testing';
import { loadConfig } from '../src/config.js';
import { createPrisma, type AiPrisma } from '../src/db.js';
import { createColdCategorizer } from '../src/modules/categorization/cold-categorizer.js';
import { ModelTraining } from '../src/modules/training/model-training.js';
import { TrainingRepository } from '../src/modules/training/training.repository.js';
import { transactionEvent } from './factories.js';

const config = loadConfig(testEnv({ AI_PORT: '0', REDIS_PREFIX: `centavo-test-retrain-${randomUUID().slice(0, 8)}:` }));
const logger = createLogger({ level: 'silent' });
let prisma: AiPrisma;
const transactionIds: string[] = [];
const versions: string[] = [];

beforeAll(() => {
  prisma = createPrisma(config.databaseUrl, false);
});
afterAll(async () => {
  // The test database is shared: leave no model version or training row behind.
  await prisma.trainingExample.deleteMany({ where: { transactionId: { in: transactionIds } } });
  await prisma.modelVersion.deleteMany({ where: { version: { in: versions } } });
  await prisma.$disconnect();
});

function correction(userId: string, description: string, slug: 'gifts' | 'pets', version = 2): TransactionEvent {
  const event = transactionEvent('transaction.categorized', {
    userId,
    description,
    version,
    amountMinor: '-3500',
    categoryId: defaultCategoryId(userId, slug),
    categorySource: 'USER',
  });
  transactionIds.push(event.transaction.id);
  return event;
}

describe('retraining the global model from corrections', () => {
  it('learns corrections to default categories and calls for a retrain after enough of them', async () => {
    const cold = createColdCategorizer(0.5);
    const training = new ModelTraining(new TrainingRepository(prisma), cold, logger, { globalLearning: true, retrainAfter: 3 });
    const userId = randomUUID();
    const before = cold.version;
    // An unknown kind of shop, taught three times by a user: the global model learns it.
    const calls = [];
    for (const name of ['ZORBLAX QUIRKSHOP 1', 'ZORBLAX QUIRKSHOP 2', 'ZORBLAX QUIRKSHOP 3']) {
      calls.push(await training.recordCorrection(correction(userId, name, 'pets')));
    }
    expect(calls.at(-1)).toBe(true);
    // A custom category, a transfer or a model's own decision teaches nothing.
    const custom = correction(userId, 'ZORBLAX QUIRKSHOP 4', 'pets');
    custom.transaction.categoryId = randomUUID();
    expect(await training.recordCorrection(custom)).toBe(false);

    const result = await training.retrain();
    versions.push(result.version);
    expect(result.version).not.toBe(before);
    expect(result.examples).toBeGreaterThanOrEqual(3);
    expect(cold.version).toBe(result.version);
    expect(cold.categorize('ZORBLAX QUIRKSHOP 77', -3500n).suggestions[0]?.slug).toBe('pets');

    // Another process loads the very same model from the recorded version.
    const other = createColdCategorizer(0.5);
    await new ModelTraining(new TrainingRepository(prisma), other, logger, { globalLearning: true, retrainAfter: 3 }).loadLatest();
    expect(other.version).toBe(result.version);
  });

  it('runs as a BullMQ job', async () => {
    const cold = createColdCategorizer(0.5);
    const training = new ModelTraining(new TrainingRepository(prisma), cold, logger, { globalLearning: true, retrainAfter: 1000 });
    const queue = createQueue(config, retrainModel.queue);
    let resolveDone: (r: { version: string }) => void = () => undefined;
    const done = new Promise<{ version: string }>((resolve) => (resolveDone = resolve));
    const worker = createWorker(
      config,
      retrainModel,
      async () => {
        const result = await training.retrain();
        versions.push(result.version);
        resolveDone(result);
        return result;
      },
      logger,
    );
    await enqueue(queue, retrainModel, { reason: 'test' }, `retrain-${randomUUID()}`);
    const result = await done;
    expect(cold.version).toBe(result.version);
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });
});
