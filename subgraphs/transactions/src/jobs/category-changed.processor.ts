import type { KnownCategories } from '@centavo/categories';
import { processor, transactionsCategoryChanged } from '@centavo/jobs';

/** Keeps the category read model in step with the budget domain's category events. */
export const categoryChangedProcessor = (categories: Pick<KnownCategories, 'remember'>) =>
  processor(transactionsCategoryChanged, async (event, run) => {
    await categories.remember(event.category);
    run.logger.debug({ categoryId: event.category.id }, 'category known');
  });
