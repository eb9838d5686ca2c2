import { createLogger } from '@centavo/logger';
import { createPrisma } from '../../subgraphs/ai/src/db.js';
import { ModelTraining } from '../../subgraphs/ai/src/modules/training/model-training.js';
import { TrainingRepository } from '../../subgraphs/ai/src/modules/training/training.repository.js';

/**
 * Runs the ai domain's own retraining over every training row, as the nightly RETRAIN_CRON job
 * would have after this history, and records the model version: processes started afterwards
 * train that version, as they would in production. Returns what it trained and how long it took.
 */
export async function retrainGlobalModel(prefix: string): Promise<{ version: string; examples: number; seconds: number }> {
  const server = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  server.pathname = `/${prefix}_ai`;
  const prisma = createPrisma(server.toString(), false);
  try {
    const training = new ModelTraining(new TrainingRepository(prisma), { swap: () => undefined }, createLogger({ level: 'warn' }), {
      globalLearning: true,
      retrainAfter: 50,
    });
    const started = performance.now();
    const result = await training.retrain();
    return { ...result, seconds: (performance.now() - started) / 1000 };
  } finally {
    await prisma.$disconnect();
  }
}
