import { applyCategorization, processor, type JobPayload } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import type { TransactionsRepository } from '../modules/transactions/transactions.repository.js';

type Decisions = JobPayload<typeof applyCategorization>;

/**
 * Applies the categorizer's decisions of one batch, each to the version of the transaction it
 * was made for, set-based in one database transaction. A user's own choice always wins, a newer
 * version gets its own decision, and a decision that changes nothing writes nothing: processing
 * the job twice is harmless. Returns how many transactions changed.
 */
export async function applyDecisions(
  repo: Pick<TransactionsRepository, 'applyCategorizations'>,
  { userId, decisions, requestId, import: from }: Decisions,
  logger: Logger,
): Promise<number> {
  const changed = await repo.applyCategorizations(userId, decisions, { ...(requestId ? { requestId } : {}), ...(from ? { import: from } : {}) });
  logger.debug({ userId, decisions: decisions.length, applied: changed.length }, 'categorization decisions');
  return changed.length;
}

/** The ai domain's decisions; `onApplied` lets the relay send the resulting events at once. */
export const applyCategorizationProcessor = (repo: Pick<TransactionsRepository, 'applyCategorizations'>, onApplied: () => void) =>
  processor(applyCategorization, async (decisions, run) => {
    const applied = await applyDecisions(repo, decisions, run.logger);
    if (applied > 0) onApplied();
    return { applied };
  });
