import { randomUUID } from 'node:crypto';
import type { CategoryEvent, TransactionEvent, TransactionSnapshot } from '@centavo/jobs';

/** A transaction event as the outbox relay sends it; `transaction` overrides the defaults. */
export function transactionEvent(
  type: TransactionEvent['type'],
  transaction: Partial<TransactionSnapshot> & Pick<TransactionSnapshot, 'userId' | 'description'>,
): TransactionEvent {
  return {
    eventId: randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    transaction: {
      id: randomUUID(),
      accountId: randomUUID(),
      version: 1,
      deleted: false,
      amountMinor: '-1200',
      currency: 'BRL',
      date: '2026-11-20',
      merchant: null,
      categoryId: null,
      categorySource: null,
      transferPeerId: null,
      ...transaction,
    },
  };
}

/** A category event as the budget domain's outbox relay sends it; `category` overrides the defaults. */
export function categoryCreated(category: Partial<CategoryEvent['category']> & Pick<CategoryEvent['category'], 'userId'>): CategoryEvent {
  return {
    eventId: randomUUID(),
    type: 'category.created',
    occurredAt: new Date().toISOString(),
    category: { id: randomUUID(), slug: 'weekend-trips', kind: 'EXPENSE', ...category },
  };
}
