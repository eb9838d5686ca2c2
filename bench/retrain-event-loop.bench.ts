/**
 * How late the serving event loop runs while the ai domain retrains its model (about 2 s of CPU).
 *
 *   DB_NAME_PREFIX=centavo_test_ai npx tsx bench/retrain-event-loop.bench.ts [runs]
 *
 * Uses the ai database of DB_NAME_PREFIX (migrated; e.g. the test one) and removes the model
 * versions it records. Reports perf_hooks.monitorEventLoopDelay (p50/p99/max) and the worst lateness
 * of a 20 ms timer during each retrain.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLogger } from '@centavo/logger';
import { loadConfig } from '../subgraphs/ai/src/config.js';
import { createPrisma } from '../subgraphs/ai/src/db.js';
import { createColdCategorizer } from '../subgraphs/ai/src/modules/categorization/cold-categorizer.js';
import { ModelTraining } from '../subgraphs/ai/src/modules/training/model-training.js';
import { TrainingRepository } from '../subgraphs/ai/src/modules/training/training.repository.js';

const runs = Number(process.argv[2] ?? 3);
const config = loadConfig();
const prisma = createPrisma(config.databaseUrl, false);
const cold = createColdCategorizer(0.5);
const training = new ModelTraining(new TrainingRepository(prisma), cold, createLogger({ level: 'silent' }), { globalLearning: true, retrainAfter: 50 });
const ms = (ns: number) => (ns / 1e6).toFixed(1);
const recorded: string[] = [];

// A serving process has its model before it serves.
await training.loadLatest();
for (let i = 0; i < runs; i++) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const at = performance.now();
    worst = Math.max(worst, at - last - 20);
    last = at;
  }, 20);
  histogram.enable();
  const started = performance.now();
  const { version } = await training.retrain();
  const took = performance.now() - started;
  histogram.disable();
  clearInterval(timer);
  recorded.push(version);
  console.log(
    `retrain ${i + 1}: ${Math.round(took)} ms; event loop delay p50 ${ms(histogram.percentile(50))} ms, p99 ${ms(histogram.percentile(99))} ms, max ${ms(histogram.max)} ms; 20 ms timer at most ${Math.round(worst)} ms late`,
  );
}
await prisma.modelVersion.deleteMany({ where: { version: { in: recorded } } });
await prisma.$disconnect();
