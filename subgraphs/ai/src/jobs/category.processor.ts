import type { KnownCategories } from '@centavo/categories';
import { aiCategoryChanged, processor, type JobProcessor } from '@centavo/jobs';

/**
 * Keeps the ai domain's category read model in step with the budget domain's category events.
 * Idempotent: a replayed event finds its category already known.
 */
export const categoryProcessor = (known: KnownCategories): JobProcessor =>
  processor(aiCategoryChanged, async (event, run) => {
    await known.remember(event.category);
    run.logger.debug({ categoryId: event.category.id }, 'category known');
  });
