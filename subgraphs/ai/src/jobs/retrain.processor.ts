import { processor, retrainModel, type JobProcessor } from '@centavo/jobs';
import { announceModel, type SyncConfig } from '../modules/training/model-sync.js';
import type { ModelTraining } from '../modules/training/model-training.js';

/**
 * Retraining is a job: scheduled, and enqueued after enough corrections (paced: checked again
 * here); every ai process then loads the new version. One at a time: it takes seconds of CPU.
 */
export const retrainProcessor = (training: ModelTraining, config: SyncConfig): JobProcessor =>
  processor(
    retrainModel,
    async (data, run) => {
      const result = data.reason === 'corrections' ? await training.retrainIfDue() : await training.retrain();
      if (!result) return { skipped: true };
      await announceModel(config, result.version, run.logger);
      return result;
    },
    { concurrency: 1 },
  );
