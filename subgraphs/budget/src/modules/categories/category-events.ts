import { randomUUID } from 'node:crypto';
import type { CategoryEvent } from '@centavo/jobs';
import type { CategoryRecord } from './categories.repository.js';

/**
 * The outbox row of a created custom category (the contract: categoryEvent in
 * packages/jobs/src/definitions.ts), written in the transaction that inserts the category.
 */
export function categoryCreatedRow(category: CategoryRecord, requestId?: string) {
  const event: CategoryEvent = {
    eventId: randomUUID(),
    type: 'category.created',
    occurredAt: new Date().toISOString(),
    ...(requestId ? { requestId } : {}),
    category: { id: category.id, userId: category.userId, slug: category.slug, kind: category.kind },
  };
  return { id: event.eventId, type: event.type, aggregateId: category.id, payload: event };
}
