import { DEFAULT_JOB_OPTIONS, processor, runImport } from '@centavo/jobs';
import type { ImportRunner } from './import-runner.js';

/**
 * Runs imports on their own queue. Two at a time per worker: each holds its parsed file in
 * memory. A job whose last attempt fails ends FAILED, so its user is not left waiting.
 */
export const importProcessor = (runner: ImportRunner) =>
  processor(
    runImport,
    async ({ importId, userId }, run) => {
      try {
        await runner.run(importId, run.logger);
      } catch (error) {
        if (run.job.attemptsMade + 1 >= (DEFAULT_JOB_OPTIONS.attempts ?? 1)) await runner.giveUp(importId, userId, run.logger);
        throw error;
      }
    },
    { concurrency: 2 },
  );
