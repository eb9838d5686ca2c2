import { describe, expect, it } from 'vitest';
import { defaultCategoryId } from '@centavo/categories';
import { DomainError } from '@centavo/errors';
import type { CreateTransferInput } from '../../resolvers.generated.js';
import { account, record, USER } from './test-fakes.js';
import { transferLegs, updateChange, type TransferParties } from './transfer.js';

const from = account({ id: 'aaaaaaaa-0000-4000-8000-000000000001', name: 'Corrente', currency: 'BRL' });
const to = account({ id: 'aaaaaaaa-0000-4000-8000-000000000002', name: 'Poupança', currency: 'BRL' });
const usd = account({ id: 'aaaaaaaa-0000-4000-8000-000000000003', name: 'Wallet', currency: 'USD' });
const ids = { out: 'bbbbbbbb-0000-4000-8000-000000000001', in: 'bbbbbbbb-0000-4000-8000-000000000002' };
const parties = (overrides: Partial<TransferParties> = {}): TransferParties => ({ userId: USER, from, to, ids, idempotencyKey: null, ...overrides });
const input = (overrides: Partial<CreateTransferInput> = {}): CreateTransferInput => ({
  fromAccountId: from.id,
  toAccountId: to.id,
  amount: '100.00',
  date: '2026-03-01',
  ...overrides,
});

/** The error a call throws, so a test can check its code and field. */
function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('transferLegs', () => {
  it('writes both legs: money out of one account, the same into the other, linked, in the transfer category', () => {
    const [out, into] = transferLegs(input({ idempotencyKey: 'k' }), parties({ idempotencyKey: 'k' }));
    expect(out).toMatchObject({ id: ids.out, accountId: from.id, amountMinor: -10_000n, currency: 'BRL', transferPeerId: ids.in });
    expect(into).toMatchObject({ id: ids.in, accountId: to.id, amountMinor: 10_000n, currency: 'BRL', transferPeerId: ids.out });
    for (const leg of [out, into]) {
      expect(leg).toMatchObject({ userId: USER, categoryId: defaultCategoryId(USER, 'transfer'), categorySource: 'USER', notes: null });
      expect(leg.date.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    }
    // Only the outgoing leg carries the key: the unique index then admits the pair once.
    expect([out.idempotencyKey, into.idempotencyKey]).toEqual(['k', null]);
  });

  it('names each leg after the other account unless a description is given', () => {
    const [out, into] = transferLegs(input(), parties());
    expect([out.description, into.description]).toEqual(['Transfer to Poupança', 'Transfer from Corrente']);
    const described = transferLegs(input({ description: '  rent pot  ' }), parties());
    expect(described.map((l) => l.description)).toEqual(['rent pot', 'rent pot']);
  });

  it('rejects the same account on both sides', () => {
    const error = thrown(() => transferLegs(input({ toAccountId: from.id }), parties({ to: from })));
    expect([error.code, error.field]).toEqual(['BAD_USER_INPUT', 'toAccountId']);
  });

  it('needs a positive amount', () => {
    for (const amount of ['0', '-5.00']) expect(thrown(() => transferLegs(input({ amount }), parties())).field).toBe('amount');
    expect(thrown(() => transferLegs(input({ amount: '1.001' }), parties())).field).toBe('amount');
  });

  it('between currencies needs a positive toAmount in the destination currency', () => {
    const cross = parties({ to: usd });
    expect(thrown(() => transferLegs(input(), cross)).field).toBe('toAmount');
    expect(thrown(() => transferLegs(input({ toAmount: '0' }), cross)).field).toBe('toAmount');
    expect(thrown(() => transferLegs(input({ toAmount: '1.005' }), cross)).field).toBe('toAmount');
    const [out, into] = transferLegs(input({ amount: '100.00', toAmount: '18.50' }), cross);
    expect([out.amountMinor, out.currency, into.amountMinor, into.currency]).toEqual([-10_000n, 'BRL', 1_850n, 'USD']);
  });

  it('in one currency accepts toAmount only when it equals amount', () => {
    expect(thrown(() => transferLegs(input({ toAmount: '99.99' }), parties())).field).toBe('toAmount');
    expect(transferLegs(input({ toAmount: '100' }), parties())[1].amountMinor).toBe(10_000n);
  });

  it('needs a real calendar date', () => {
    expect(thrown(() => transferLegs(input({ date: '2026-02-30' }), parties())).field).toBe('date');
  });
});

describe('updateChange', () => {
  const [outRow, inRow] = transferLegs(input(), parties()).map((leg) => record(leg));
  const plain = record({ ...outRow!, id: 'cccccccc-0000-4000-8000-000000000001', transferPeerId: null });

  it('mirrors a new amount and date on the other leg of a transfer', () => {
    const change = updateChange({ amount: '-250.00', date: '2026-04-02' }, outRow!, inRow!);
    expect(change.self).toMatchObject({ amountMinor: -25_000n });
    expect(change.peer).toMatchObject({ amountMinor: 25_000n });
    expect(change.peer.date?.toISOString()).toBe('2026-04-02T00:00:00.000Z');
  });

  it('keeps description and notes to the edited leg', () => {
    const change = updateChange({ description: ' new ', notes: '' }, outRow!, inRow!);
    expect(change.self).toEqual({ description: 'new', notes: null });
    expect(change.peer).toEqual({});
  });

  it('does not let a transfer leg change direction or become zero', () => {
    expect(thrown(() => updateChange({ amount: '10.00' }, outRow!, inRow!)).field).toBe('amount');
    expect(thrown(() => updateChange({ amount: '0' }, outRow!, inRow!)).field).toBe('amount');
  });

  it('does not change the amount of a transfer between currencies', () => {
    const foreign = { ...inRow!, currency: 'USD' };
    expect(thrown(() => updateChange({ amount: '-1.00' }, outRow!, foreign)).message).toMatch(/different currencies/);
  });

  it('changes any amount of a transaction that is no transfer, and nothing that is not asked', () => {
    expect(updateChange({ amount: '12.34' }, plain, null)).toEqual({ self: { amountMinor: 1_234n }, peer: {} });
    expect(updateChange({}, plain, null)).toEqual({ self: {}, peer: {} });
    expect(updateChange({ amount: null, date: null, description: null }, plain, null).self).toEqual({});
  });
});
