import { applyCategorization, enqueue, retrainModel, type Queue, type TransactionEvent } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import type { CategorizationService } from '../modules/categorization/categorization.service.js';
import type { ModelTraining } from '../modules/training/model-training.js';

/**
 * One transaction event: the service learns or decides, and a decision goes to the
 * transactions domain as a job whose id names the transaction version, so a retried job
 * sends it once.
 */
export async function processTransactionEvent(
  service: CategorizationService,
  commands: Queue,
  event: TransactionEvent,
  logger: Logger,
  training?: { model: ModelTraining; queue: Queue; currentVersion: () => string },
): Promise<void> {
  if (training && (await training.model.recordCorrection(event))) {
    // Enough new corrections: one retrain per model version (the job id dedupes the rest).
    await enqueue(training.queue, retrainModel, { reason: 'corrections' }, `retrain-after-${training.currentVersion()}`);
  }
  const decision = await service.onTransactionEvent(event);
  if (!decision) return;
  const t = event.transaction;
  const decisionId = `${t.id}-v${t.version}`; // BullMQ job ids may not contain ":"
  await enqueue(
    commands,
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
