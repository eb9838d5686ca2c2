import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCategoryId } from '@centavo/categories';
import { createQueue, enqueue, retrainModel, runProcessors, type TransactionEvent } from '@centavo/jobs';
import { createLogger } from '@centavo/logger';
import { testEnv } from '@centavo/testing';
import { loadConfig } from '../src/config.js';
import { createPrisma, type AiPrisma } from '../src/db.js';
import { retrainProcessor } from '../src/jobs/retrain.processor.js';
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
    // One user may call for a retrain here (the defaults need three users; tested below).
    const training = new ModelTraining(new TrainingRepository(prisma), cold, logger, { globalLearning: true, retrainAfter: 3, minUsers: 1, minIntervalMs: 0 });
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
    // Two trainings on a worker thread each: seconds on a quiet machine, far more on a busy one.
  }, 120_000);

  it('runs as a BullMQ job, by the worker\'s retrain processor', async () => {
    const cold = createColdCategorizer(0.5);
    const training = new ModelTraining(new TrainingRepository(prisma), cold, logger, { globalLearning: true, retrainAfter: 1000 });
    const queue = createQueue(config, retrainModel.queue);
    const running = await runProcessors(config, [retrainProcessor(training, config)], logger);
    const jobId = `retrain-${randomUUID()}`;
    await enqueue(queue, retrainModel, { reason: 'test' }, jobId);
    let result: { version: string } | undefined;
    while (!result) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      result = (await queue.getJob(jobId))?.returnvalue as { version: string } | undefined;
    }
    versions.push(result.version);
    expect(cold.version).toBe(result.version);
    await running.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }, 120_000);
});

describe('one user cannot steer the global model', () => {
  const repo = () => new TrainingRepository(prisma);
  const trainingWith = (options: Partial<ConstructorParameters<typeof ModelTraining>[3]> = {}) =>
    new ModelTraining(repo(), createColdCategorizer(0.5), logger, { globalLearning: true, retrainAfter: 50, minUsers: 3, minIntervalMs: 0, maxExamplesPerUser: 50, ...options });

  it("weighs at most a user's newest GLOBAL_LEARNING_MAX_EXAMPLES_PER_USER corrections, and 500 of them never call for a retrain alone", async () => {
    const training = trainingWith();
    const flooder = randomUUID();
    const due: boolean[] = [];
    for (let i = 0; i < 500; i++) due.push(await training.recordCorrection(correction(flooder, `FLOODSHOP ${i}`, i % 2 ? 'pets' : 'gifts')));
    expect(due.filter(Boolean)).toEqual([]);
    const learned = (await repo().examplesUntil(await repo().cutoff(), 50)).filter((e) => e.userId === flooder);
    expect(learned.length).toBe(50);
    expect(new Set(learned.map((e) => e.description))).toEqual(new Set(Array.from({ length: 50 }, (_, i) => `FLOODSHOP ${450 + i}`)));
  }, 60_000);

  it('learns at most GLOBAL_LEARNING_MAX_EXAMPLES rows in all, the newest', async () => {
    const training = trainingWith();
    const users = [randomUUID(), randomUUID(), randomUUID()];
    for (let i = 0; i < 9; i++) await training.recordCorrection(correction(users[i % 3]!, `CAPPEDSHOP ${i}`, 'pets'));
    const rows = await repo().examplesUntil(await repo().cutoff(), 50, 4);
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.description))).toEqual(new Set(['CAPPEDSHOP 5', 'CAPPEDSHOP 6', 'CAPPEDSHOP 7', 'CAPPEDSHOP 8']));
  }, 60_000);

  it('calls for a retrain only with enough corrections, each user counted up to the cap, from enough users', async () => {
    const training = trainingWith({ retrainAfter: 6, maxExamplesPerUser: 2 });
    versions.push((await training.retrain()).version); // a fresh start: earlier rows are behind it
    const [ana, bia, caio] = [randomUUID(), randomUUID(), randomUUID()];
    const record = async (userId: string, n: number) => {
      const due: boolean[] = [];
      for (let i = 0; i < n; i++) due.push(await training.recordCorrection(correction(userId, `QUORUM SHOP ${randomUUID().slice(0, 6)}`, 'pets')));
      return due;
    };
    expect(await record(ana, 5)).not.toContain(true); // 5 corrections count as 2
    expect(await record(bia, 5)).not.toContain(true); // 4 in all, 2 users
    expect(await record(caio, 1)).toEqual([false]); // 5 in all
    expect(await record(caio, 1)).toEqual([true]); // 6 from 3 users
  }, 60_000);

  it('paces corrections-triggered retrains (RETRAIN_MIN_INTERVAL_MINUTES); a scheduled retrain still runs', async () => {
    let now = Date.now();
    const training = trainingWith({ retrainAfter: 3, minIntervalMs: 60 * 60_000, now: () => now });
    // Unpaced, as the schedule runs it: moments after the previous test's retrain.
    versions.push((await training.retrain()).version);
    const users = [randomUUID(), randomUUID(), randomUUID()];
    const due = [];
    for (const [i, userId] of users.entries()) due.push(await training.recordCorrection(correction(userId, `PACED SHOP ${i}`, 'pets')));
    expect(due).toEqual([false, false, false]);
    expect(await training.retrainIfDue()).toBeNull();

    now += 61 * 60_000;
    expect(await training.retrainDue()).toBe(true);
    const paced = await training.retrainIfDue();
    expect(paced).not.toBeNull();
    versions.push(paced!.version);
    // Right after it, corrections wait again.
    expect(await training.recordCorrection(correction(users[0]!, 'PACED SHOP 9', 'pets'))).toBe(false);
  }, 90_000);

  it('reads the same rows for a recorded version after later corrections of the same transactions', async () => {
    const training = trainingWith();
    const userId = randomUUID();
    const first = correction(userId, 'STABLE SHOP 1', 'pets', 2);
    await training.recordCorrection(first);
    const result = await training.retrain();
    versions.push(result.version);
    const latest = (await repo().latest())!;
    expect(latest.version).toBe(result.version);
    const rowsBefore = await repo().examplesUntil(latest.examplesUntil, 50);
    expect(rowsBefore.some((r) => r.description === 'STABLE SHOP 1' && r.slug === 'pets')).toBe(true);
    // The user changes their mind about the same transaction after the retrain.
    await training.recordCorrection({ ...first, transaction: { ...first.transaction, version: 3, categoryId: defaultCategoryId(userId, 'gifts') } });
    expect(await repo().examplesUntil(latest.examplesUntil, 50)).toEqual(rowsBefore);
  }, 60_000);

  it('retrains off the event loop: a timer is never late by more than a fraction of a second', async () => {
    const training = trainingWith();
    await training.recordCorrection(correction(randomUUID(), `TIMELY SHOP ${randomUUID()}`, 'pets'));
    let last = performance.now();
    let worst = 0;
    const timer = setInterval(() => {
      const at = performance.now();
      worst = Math.max(worst, at - last - 20);
      last = at;
    }, 20);
    try {
      versions.push((await training.retrain()).version);
    } finally {
      clearInterval(timer);
    }
    console.warn(`retrain: the event loop was at most ${Math.round(worst)} ms late`);
    expect(worst).toBeLessThan(250);
  }, 60_000);
});
