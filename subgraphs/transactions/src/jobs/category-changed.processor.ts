import { processor, transactionsCategoryChanged } from '@centavo/jobs';
import type { KnownCategoriesRepository } from '../modules/categories/known-categories.repository.js';

/** Keeps the category read model in step with the budget domain's category events. */
export const categoryChangedProcessor = (categories: Pick<KnownCategoriesRepository, 'remember'>) =>
  processor(transactionsCategoryChanged, async (event, run) => {
    await categories.remember(event.category);
    run.logger.debug({ categoryId: event.category.id }, 'category known');
  });
