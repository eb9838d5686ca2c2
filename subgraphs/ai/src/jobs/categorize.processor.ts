import { aiTransactionChanged, applyCategorization, enqueue, processor, retrainModel, type JobProcessor, type Queue, type TransactionEvent } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import type { CategorizationService } from '../modules/categorization/categorization.service.js';
import type { ModelTraining } from '../modules/training/model-training.js';

export interface CategorizeDeps {
  categorization: CategorizationService;
  training: ModelTraining;
  /** The version of the model this process serves (names the retrain a correction calls for). */
  currentVersion: () => string;
  /** Where decisions go (the transactions domain's apply-categorization queue). */
  commands: Queue;
  /** Where a retrain is called for. */
  maintenance: Queue;
}

/**
 * One transaction event: the service learns or decides, and a decision goes to the
 * transactions domain as a job whose id names the transaction version, so a retried job
 * sends it once.
 */
async function processTransactionEvent(deps: CategorizeDeps, event: TransactionEvent, logger: Logger): Promise<void> {
  if (await deps.training.recordCorrection(event)) {
    // Enough new corrections: one retrain per model version (the job id dedupes the rest).
    await enqueue(deps.maintenance, retrainModel, { reason: 'corrections' }, `retrain-after-${deps.currentVersion()}`);
  }
  const decision = await deps.categorization.onTransactionEvent(event);
  if (!decision) return;
  const t = event.transaction;
  const decisionId = `${t.id}-v${t.version}`; // BullMQ job ids may not contain ":"
  await enqueue(
    deps.commands,
    applyCategorization,
    {
      decisionId,
      transactionId: t.id,
      userId: t.userId,
      basedOnVersion: t.version,
      categoryId: decision.categoryId,
      source: decision.source,
      merchant: decision.merchant,
      ...(event.requestId ? { requestId: event.requestId } : {}),
    },
    decisionId,
  );
  logger.debug({ transactionId: t.id, source: decision.source, confidence: decision.confidence }, 'categorized');
}

/** Categorizes new and re-described transactions and learns from the user's corrections. */
export const categorizeProcessor = (deps: CategorizeDeps): JobProcessor =>
  processor(aiTransactionChanged, (event, run) => processTransactionEvent(deps, event, run.logger), { maxStalledCount: 100 });
