import { createHash } from 'node:crypto';
import { aiTransactionBatch, applyCategorization, enqueue, processor, retrainModel, rowEvents, type CategorizationDecision, type JobProcessor, type JobPayload, type Queue, type TransactionEventBatch } from '@centavo/jobs';
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

/** A job id naming exactly these decisions: a retried batch sends them once. */
const decisionsJobId = (decisions: readonly CategorizationDecision[]) =>
  `d-${createHash('sha256').update(decisions.map((d) => d.decisionId).join(',')).digest('base64url').slice(0, 32)}`;

/**
 * One user's batch of transaction events: the training records the user's corrections, the
 * service learns or decides (one read of the user's rules, memory and priors for the batch), and
 * the decisions go to the transactions domain together, in one job.
 */
async function processBatch(deps: CategorizeDeps, batch: TransactionEventBatch, logger: Logger): Promise<number> {
  const { userId } = batch;
  // Each row with the import it came from (none for single writes): an import's decisions go back together.
  const rows = batch.events.flatMap((event) => {
    const from = 'importId' in event ? { importId: event.importId, notifyEachRow: event.notifyEachRow } : undefined;
    return rowEvents(event).map((row) => ({ event: row, from }));
  });
  const events = rows.map((r) => r.event);
  let retrain = false;
  for (const event of events) {
    if (await deps.training.recordCorrection(event)) retrain = true;
  }
  if (retrain) {
    // Enough new corrections: one retrain per model version (the job id dedupes the rest).
    await enqueue(deps.maintenance, retrainModel, { reason: 'corrections' }, `retrain-after-${deps.currentVersion()}`);
  }
  const outcomes = await deps.categorization.onTransactionEvents(userId, events);
  const jobs = new Map<string, JobPayload<typeof applyCategorization>>();
  outcomes.forEach((decision, i) => {
    if (!decision) return;
    const { event, from } = rows[i]!;
    const t = event.transaction;
    const key = from ? `${from.importId}|${from.notifyEachRow}` : '';
    let job = jobs.get(key);
    if (!job) {
      const requestId = event.requestId;
      jobs.set(key, (job = { userId, decisions: [], ...(requestId ? { requestId } : {}), ...(from ? { import: from } : {}) }));
    }
    // BullMQ job ids may not contain ":"
    job.decisions.push({
      decisionId: `${t.id}-v${t.version}`,
      transactionId: t.id,
      basedOnVersion: t.version,
      categoryId: decision.categoryId,
      source: decision.source,
      merchant: decision.merchant,
      ...(decision.addTags ? { addTags: decision.addTags } : {}),
    });
  });
  for (const job of jobs.values()) await enqueue(deps.commands, applyCategorization, job, decisionsJobId(job.decisions));
  const decided = [...jobs.values()].reduce((n, j) => n + j.decisions.length, 0);
  if (decided > 0) logger.debug({ userId, events: events.length, decisions: decided }, 'categorized');
  return decided;
}

/** Categorizes new and re-described transactions and learns from the user's corrections. */
export const categorizeProcessor = (deps: CategorizeDeps): JobProcessor =>
  processor(aiTransactionBatch, (batch, run) => processBatch(deps, batch, run.logger), { maxStalledCount: 100 });
