import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bulkOutboxRow } from '../outbox/outbox.events.js';
import type { TransactionRecord } from '../transactions/transactions.repository.js';
import { importedEvent, type BatchJob } from './import-batch.repository.js';

const job: BatchJob = { id: randomUUID(), userId: randomUUID(), accountId: randomUUID(), currency: 'BRL', notifyEachRow: true };

// The record of an imported row: what bulkOutboxRow was given for it before the event was built in SQL.
const recordOf = (id: string, date: string, amountMinor: bigint, description: string): TransactionRecord => ({
  id, userId: job.userId, accountId: job.accountId, amountMinor, currency: job.currency,
  date: new Date(`${date}T00:00:00Z`), description, merchant: null, notes: null,
  categoryId: null, categorySource: null, transferPeerId: null, idempotencyKey: null, version: 1,
  createdAt: new Date(), updatedAt: new Date(),
});

describe('the transactions.imported event of a batch', () => {
  it('with each row own fields added (as the INSERT adds them) is what bulkOutboxRow writes', () => {
    const at = new Date('2026-12-03T10:00:00.123Z');
    const { head, shared } = importedEvent(job, at);
    const own = { id: randomUUID(), amountMinor: '-450', date: '2026-01-31', description: 'PADARIA "PÃO"' };
    const expected = bulkOutboxRow('transactions.imported', job.userId, { importId: job.id, notifyEachRow: true }, [recordOf(own.id, own.date, -450n, own.description)]);
    // Through JSON, as PostgreSQL gets them ($12, $13) and the relay reads the payload back.
    const built = { ...JSON.parse(JSON.stringify(head)), transactions: [{ ...JSON.parse(JSON.stringify(shared)), ...own }] };
    expect(built).toEqual({ ...JSON.parse(JSON.stringify(expected.payload)), eventId: head.eventId, occurredAt: at.toISOString() });
    expect(importedEvent({ ...job, notifyEachRow: undefined }).head.notifyEachRow).toBe(false);
  });
});
