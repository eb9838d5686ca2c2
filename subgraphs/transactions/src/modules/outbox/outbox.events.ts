import { randomUUID } from 'node:crypto';
import type { TransactionEvent, TransactionSnapshot } from '@centavo/jobs';
import type { TransactionRecord } from '../transactions/transactions.repository.js';

export type TransactionEventType = TransactionEvent['type'];

export const isoDay = (date: Date): string => date.toISOString().slice(0, 10);

export function snapshotOf(row: TransactionRecord, deleted = false): TransactionSnapshot {
  return {
    id: row.id,
    userId: row.userId,
    accountId: row.accountId,
    version: row.version,
    deleted,
    amountMinor: row.amountMinor.toString(),
    currency: row.currency,
    date: isoDay(row.date),
    description: row.description,
    merchant: row.merchant,
    categoryId: row.categoryId,
    categorySource: row.categorySource,
    transferPeerId: row.transferPeerId,
  };
}

/** The outbox row of one change: written in the same database transaction as the change. */
export function outboxRow(type: TransactionEventType, row: TransactionRecord, requestId?: string, deleted = false) {
  const event: TransactionEvent = {
    eventId: randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    ...(requestId ? { requestId } : {}),
    transaction: snapshotOf(row, deleted),
  };
  return { id: event.eventId, type, aggregateId: row.id, payload: event };
}
