import { randomUUID } from 'node:crypto';
import type { CategoryEvent } from '@centavo/jobs';

/** A category event as the budget domain's outbox relay sends it; `category` overrides the defaults. */
export function categoryCreated(category: Partial<CategoryEvent['category']> & Pick<CategoryEvent['category'], 'userId'>): CategoryEvent {
  return {
    eventId: randomUUID(),
    type: 'category.created',
    occurredAt: new Date().toISOString(),
    category: { id: randomUUID(), slug: 'weekend-trips', kind: 'EXPENSE', ...category },
  };
}
