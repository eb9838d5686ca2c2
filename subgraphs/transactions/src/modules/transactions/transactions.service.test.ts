import { describe, expect, it } from 'vitest';
import type { AuthUser } from '@centavo/auth-tokens';
import { defaultCategoryId, defaultCategoryOf, type KnownCategory } from '@centavo/categories';
import type { AccountRecord } from '../accounts/accounts.repository.js';
import { decodeCursor } from './pagination.js';
import { account, MemoryStore, OTHER_USER, record, USER } from './test-fakes.js';
import { TransactionsService } from './transactions.service.js';

const user: AuthUser = { id: USER, roles: ['USER'], jti: 'jti', exp: 0, token: 'token' };
const brl = account({ id: 'aaaaaaaa-0000-4000-8000-000000000001', name: 'Corrente' });
const savings = account({ id: 'aaaaaaaa-0000-4000-8000-000000000002', name: 'Poupança' });
const theirs = account({ id: 'aaaaaaaa-0000-4000-8000-000000000009', userId: OTHER_USER });
const CUSTOM = 'dddddddd-0000-4000-8000-000000000001';

function setup() {
  const store = new MemoryStore();
  const accounts: AccountRecord[] = [brl, savings, theirs];
  // The read model: defaults by derived id, one custom category of the user.
  const custom: KnownCategory = { id: CUSTOM, slug: 'padaria', kind: 'EXPENSE' };
  const categories = {
    find: (userId: string, id: string) => Promise.resolve(defaultCategoryOf(userId, id) ?? (userId === USER && id === CUSTOM ? custom : null)),
  };
  let events = 0;
  let seq = 0;
  const service = new TransactionsService({
    transactions: store,
    accounts: { findManyAccessible: (userId, ids) => Promise.resolve(accounts.filter((a) => a.userId === userId && ids.includes(a.id))) },
    categories,
    onEvents: () => void (events += 1),
    newId: () => `eeeeeeee-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
  });
  return { store, service, events: () => events };
}

const expense = { accountId: brl.id, amount: '-12.30', date: '2026-03-01', description: 'PADARIA' };

describe('TransactionsService.create', () => {
  it('records a transaction in the account currency and lets the relay know', async () => {
    const { service, store, events } = setup();
    const row = await service.create(user, { ...expense, notes: '  ' }, 'req');
    expect(row).toMatchObject({ amountMinor: -1_230n, currency: 'BRL', description: 'PADARIA', notes: null, categoryId: null, categorySource: null });
    expect(store.rows.size).toBe(1);
    expect(events()).toBe(1);
  });

  it('returns the first result for the same idempotency key of the same user, creating nothing more', async () => {
    const { service, store, events } = setup();
    const first = await service.create(user, { ...expense, idempotencyKey: 'k1' }, 'req');
    const again = await service.create(user, { ...expense, amount: '-99.00', idempotencyKey: 'k1' }, 'req');
    expect(again).toEqual(first);
    expect([store.rows.size, store.creates, events()]).toEqual([1, 1, 1]);
  });

  it('answers the loser of a race on one key with the winner (the unique index decides)', async () => {
    const { service, store } = setup();
    // Another request with the same key commits between this one's lookup and its insert.
    const winner = record({ ...(await service.create(user, expense, 'req')), id: 'ffffffff-0000-4000-8000-000000000001', idempotencyKey: 'k2' });
    store.beforeCreate = () => store.rows.set(winner.id, winner);
    const loser = await service.create(user, { ...expense, idempotencyKey: 'k2' }, 'req');
    expect(loser).toEqual(winner);
    expect([...store.rows.values()].filter((r) => r.idempotencyKey === 'k2')).toHaveLength(1);
  });

  it('keeps keys per user: the same key of another user is another transaction', async () => {
    const { service, store } = setup();
    await service.create(user, { ...expense, idempotencyKey: 'k3' }, 'req');
    const other: AuthUser = { ...user, id: OTHER_USER };
    await service.create(other, { ...expense, accountId: theirs.id, idempotencyKey: 'k3' }, 'req');
    expect(store.rows.size).toBe(2);
  });

  it("is NOT_FOUND for another user's account", async () => {
    const { service } = setup();
    await expect(service.create(user, { ...expense, accountId: theirs.id }, 'req')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('takes default and known custom categories as the user choice, and rejects unknown ones', async () => {
    const { service } = setup();
    const groceries = defaultCategoryId(USER, 'groceries');
    expect(await service.create(user, { ...expense, categoryId: groceries }, 'r')).toMatchObject({ categoryId: groceries, categorySource: 'USER' });
    expect(await service.create(user, { ...expense, categoryId: CUSTOM }, 'r')).toMatchObject({ categoryId: CUSTOM, categorySource: 'USER' });
    const othersDefault = defaultCategoryId(OTHER_USER, 'groceries');
    await expect(service.create(user, { ...expense, categoryId: othersDefault }, 'r')).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Category not found' });
  });

  it('validates the input, naming the field', async () => {
    const { service } = setup();
    await expect(service.create(user, { ...expense, amount: '1.234' }, 'r')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
    await expect(service.create(user, { ...expense, description: '  ' }, 'r')).rejects.toMatchObject({ field: 'description' });
    await expect(service.create(user, { ...expense, idempotencyKey: '' }, 'r')).rejects.toMatchObject({ field: 'idempotencyKey' });
  });
});

describe('TransactionsService.transfer', () => {
  const move = { fromAccountId: brl.id, toAccountId: savings.id, amount: '50.00', date: '2026-03-02' };

  it('writes both legs at once and returns the outgoing one; a retry with its key returns it again', async () => {
    const { service, store, events } = setup();
    const out = await service.transfer(user, { ...move, idempotencyKey: 't1' }, 'req');
    expect(out).toMatchObject({ accountId: brl.id, amountMinor: -5_000n });
    const peer = store.rows.get(out.transferPeerId!);
    expect(peer).toMatchObject({ accountId: savings.id, amountMinor: 5_000n, transferPeerId: out.id });
    expect(await service.transfer(user, { ...move, idempotencyKey: 't1' }, 'req')).toEqual(out);
    expect([store.rows.size, store.creates, events()]).toEqual([2, 1, 1]);
  });

  it("is NOT_FOUND naming the side when an account is another user's", async () => {
    const { service } = setup();
    await expect(service.transfer(user, { ...move, toAccountId: theirs.id }, 'r')).rejects.toMatchObject({ message: 'Account (toAccountId) not found' });
  });

  it('edits and deletes both legs together', async () => {
    const { service, store } = setup();
    const out = await service.transfer(user, move, 'req');
    await service.update(user, out.id, { amount: '-70.00' }, 'req');
    expect(store.rows.get(out.transferPeerId!)?.amountMinor).toBe(7_000n);
    expect(await service.delete(user, out.id, 'req')).toBe(true);
    expect(store.rows.size).toBe(0);
    await expect(service.delete(user, out.id, 'req')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('TransactionsService.list', () => {
  it('pages newest first with cursors that continue where the last page ended', async () => {
    const { service } = setup();
    for (const date of ['2026-03-01', '2026-03-03', '2026-03-02']) await service.create(user, { ...expense, date }, 'r');
    const first = await service.list(user, {}, 2);
    expect(first.edges.map((e) => e.node.date.toISOString().slice(0, 10))).toEqual(['2026-03-03', '2026-03-02']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(first.pageInfo.endCursor)?.id).toBe(first.edges[1]!.node.id);
    const next = await service.list(user, {}, 2, first.pageInfo.endCursor);
    expect(next.edges.map((e) => e.node.date.toISOString().slice(0, 10))).toEqual(['2026-03-01']);
    expect(next.pageInfo).toMatchObject({ hasNextPage: false });
    expect(await next.totalCount()).toBe(3);
    expect((await service.list(user, {}, 0)).edges).toEqual([]);
  });
});
