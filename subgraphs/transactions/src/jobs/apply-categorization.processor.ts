import { applyCategorization, processor, type JobPayload } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import type { TransactionsRepository } from '../modules/transactions/transactions.repository.js';

type Decision = JobPayload<typeof applyCategorization>;

/**
 * Applies the categorizer's decision to the version of the transaction it was made for.
 * A user's own choice always wins, a newer version gets its own decision, and a decision
 * that changes nothing writes nothing: processing the job twice is harmless.
 */
export async function applyDecision(
  repo: Pick<TransactionsRepository, 'updateWithEvents'>,
  decision: Decision,
  logger: Logger,
): Promise<'applied' | 'skipped'> {
  let applied = false;
  await repo.updateWithEvents(
    decision.userId,
    decision.transactionId,
    'transaction.categorized',
    (row) => {
      const stale = row.version !== decision.basedOnVersion || row.categorySource === 'USER';
      const same = row.categoryId === decision.categoryId && row.categorySource === decision.source && row.merchant === decision.merchant;
      // Set on every run: the repository runs this again when it retries the transaction.
      applied = !(stale || same);
      if (!applied) return { skip: true, self: {} };
      return { self: { categoryId: decision.categoryId, categorySource: decision.source, merchant: decision.merchant } };
    },
    decision.requestId,
  );
  logger.debug({ transactionId: decision.transactionId, applied }, 'categorization decision');
  return applied ? 'applied' : 'skipped';
}

/** The ai domain's decisions; `onApplied` lets the relay send the resulting event at once. */
export const applyCategorizationProcessor = (repo: Pick<TransactionsRepository, 'updateWithEvents'>, onApplied: () => void) =>
  processor(applyCategorization, async (decision, run) => {
    const outcome = await applyDecision(repo, decision, run.logger);
    if (outcome === 'applied') onApplied();
    return outcome;
  });
