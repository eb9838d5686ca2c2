/**
 * In-memory stand-ins for the unit tests of this module: accounts and transaction rows as the
 * repositories return them, and a store that behaves like TransactionsRepository (including the
 * unique index on user and idempotency key) without a database.
 */
import type { AccountRecord } from '../accounts/accounts.repository.js';
import { IdempotencyKeyTaken, type NewTransaction, type TransactionRecord } from './transactions.repository.js';
import type { TransactionsStore } from './transactions.service.js';

export const USER = '11111111-1111-4111-8111-111111111111';
export const OTHER_USER = '22222222-2222-4222-8222-222222222222';

export function account(overrides: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id: 'aaaaaaaa-0000-4000-8000-000000000001',
    userId: USER,
    name: 'Corrente',
    type: 'CHECKING',
    currency: 'BRL',
    openingBalanceMinor: 0n,
    archived: false,
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    ...overrides,
  };
}

export function record(row: NewTransaction, version = 1): TransactionRecord {
  const at = new Date('2026-03-01T12:00:00.000Z');
  return { merchant: null, ...row, version, createdAt: at, updatedAt: at };
}

/** The transactions table in memory; `beforeCreate` runs inside createWithEvents (to stage a race). */
export class MemoryStore implements TransactionsStore {
  readonly rows = new Map<string, TransactionRecord>();
  beforeCreate: (rows: NewTransaction[]) => void = () => undefined;
  creates = 0;

  createWithEvents(rows: NewTransaction[]): Promise<TransactionRecord[]> {
    this.creates += 1;
    this.beforeCreate(rows);
    for (const row of rows) {
      const taken = [...this.rows.values()].some((r) => row.idempotencyKey && r.userId === row.userId && r.idempotencyKey === row.idempotencyKey);
      if (taken) return Promise.reject(new IdempotencyKeyTaken());
    }
    const created = rows.map((r) => record(r));
    for (const row of created) this.rows.set(row.id, row);
    return Promise.resolve(created);
  }

  findByIdempotencyKey(userId: string, key: string): Promise<TransactionRecord | null> {
    return Promise.resolve([...this.rows.values()].find((r) => r.userId === userId && r.idempotencyKey === key) ?? null);
  }

  updateWithEvents: TransactionsStore['updateWithEvents'] = (userId, id, _type, change) => {
    const row = this.rows.get(id);
    if (!row || row.userId !== userId) return Promise.resolve(null);
    const peer = row.transferPeerId ? (this.rows.get(row.transferPeerId) ?? null) : null;
    const { self, peer: peerChange, skip } = change(row, peer);
    if (skip) return Promise.resolve(row);
    const updated = { ...row, ...self, version: row.version + 1 };
    this.rows.set(id, updated);
    if (peer && peerChange && Object.keys(peerChange).length > 0) this.rows.set(peer.id, { ...peer, ...peerChange, version: peer.version + 1 });
    return Promise.resolve(updated);
  };

  deleteWithEvents(userId: string, id: string): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.userId !== userId) return Promise.resolve(false);
    this.rows.delete(id);
    if (row.transferPeerId) this.rows.delete(row.transferPeerId);
    return Promise.resolve(true);
  }

  /** Listing order (date, createdAt, id, all descending), without the filter (the tests need none). */
  page: TransactionsStore['page'] = (userId, _filter, first, after) => {
    const key = (r: { date: Date; createdAt: Date; id: string }) => `${r.date.toISOString()}|${r.createdAt.toISOString()}|${r.id}`;
    const sorted = [...this.rows.values()].filter((r) => r.userId === userId).sort((a, b) => (key(a) < key(b) ? 1 : -1));
    const rest = after ? sorted.filter((r) => key(r) < key(after)) : sorted;
    return Promise.resolve(rest.slice(0, first + 1));
  };

  /** The page; the total is left to `count`, as the Prisma path does. */
  pageAndCount: TransactionsStore['pageAndCount'] = async (userId, filter, first, after) => ({ rows: await this.page(userId, filter, first, after), total: null });

  // No shares in memory: a user reads and writes only their own rows.
  findManyAccessible: TransactionsStore['findManyAccessible'] = (userId, ids) =>
    Promise.resolve([...this.rows.values()].filter((r) => r.userId === userId && ids.includes(r.id)));

  accessOf: TransactionsStore['accessOf'] = (userId, id) => {
    const row = this.rows.get(id);
    return Promise.resolve(row && row.userId === userId ? { ownerId: userId, role: 'OWNER' as const } : null);
  };

  count: TransactionsStore['count'] = (userId) => Promise.resolve([...this.rows.values()].filter((r) => r.userId === userId).length);
}
