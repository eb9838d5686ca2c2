import { randomUUID } from 'node:crypto';
import type { TransactionEvent, TransactionSnapshot, TransactionsBulkEvent } from '@centavo/jobs';
import { partsOf, partSnapshots } from '../transactions/splits.js';
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
    tags: row.tags ?? [],
    splits: partSnapshots(partsOf(row.splits)),
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

export type OutboxRow = ReturnType<typeof outboxRow> | ReturnType<typeof bulkOutboxRow>;

/**
 * The outbox row of many rows' changes (an import batch, or the categorizer's decisions about
 * one): one event instead of one per row. Its aggregate is the import.
 */
export function bulkOutboxRow(
  type: TransactionsBulkEvent['type'],
  userId: string,
  from: { importId: string; notifyEachRow: boolean },
  rows: readonly TransactionRecord[],
  requestId?: string,
) {
  const event: TransactionsBulkEvent = {
    eventId: randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    ...(requestId ? { requestId } : {}),
    userId,
    importId: from.importId,
    notifyEachRow: from.notifyEachRow,
    transactions: rows.map((r) => snapshotOf(r)),
  };
  return { id: event.eventId, type, aggregateId: from.importId, payload: event };
}
