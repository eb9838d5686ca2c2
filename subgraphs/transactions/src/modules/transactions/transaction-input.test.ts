import { describe, expect, it } from 'vitest';
import { toFilter } from './transaction-filter.js';
import { amountOf, idempotencyKeyOf, optionalText, parseDate, text } from './transaction-input.js';

const field = (name: string) => expect.objectContaining({ code: 'BAD_USER_INPUT', field: name });

describe('transaction input', () => {
  it('takes real calendar dates only, as UTC midnight', () => {
    expect(parseDate('2024-02-29', 'date').toISOString()).toBe('2024-02-29T00:00:00.000Z');
    for (const bad of ['2026-02-29', '2026-02-30', '2026-13-01', '26-01-01', '2026-1-1', '1899-12-31', '2201-01-01', '2026-01-01T00:00:00Z']) {
      expect(() => parseDate(bad, 'from')).toThrow(field('from'));
    }
  });

  it('reads amounts in minor units of the currency, naming the field on any error', () => {
    expect(amountOf('-1234.50', 'BRL', 'amount')).toBe(-123_450n);
    expect(amountOf('1000', 'JPY', 'amount')).toBe(1_000n);
    expect(amountOf('1.005', 'BHD', 'amount')).toBe(1_005n);
    for (const bad of ['1.5', '1e3', 'NaN', '', '99999999999999']) expect(() => amountOf(bad, 'JPY', 'toAmount')).toThrow(field('toAmount'));
  });

  it('trims text, requires it when it is required, and bounds its length', () => {
    expect(text('  café  ', 'description', 500)).toBe('café');
    expect(() => text('   ', 'description', 500)).toThrow(field('description'));
    expect(() => text('x'.repeat(501), 'description', 500)).toThrow(field('description'));
    expect(optionalText(undefined, 'notes', 10)).toBeNull();
    expect(optionalText('   ', 'notes', 10)).toBeNull();
    expect(() => optionalText('x'.repeat(11), 'notes', 10)).toThrow(field('notes'));
  });

  it('takes idempotency keys of 1 to 255 characters as they are', () => {
    expect(idempotencyKeyOf(null)).toBeNull();
    expect(idempotencyKeyOf(' k ')).toBe(' k ');
    expect(() => idempotencyKeyOf('')).toThrow(field('idempotencyKey'));
    expect(() => idempotencyKeyOf('k'.repeat(256))).toThrow(field('idempotencyKey'));
  });
});

describe('toFilter', () => {
  it('parses dates, bounds the search and keeps every field', () => {
    const id = '0f0e0d0c-0000-4000-8000-000000000001';
    expect(toFilter({ accountId: id, categoryId: id, from: '2026-01-01', to: '2026-01-31', search: ' uber ', uncategorized: false, tag: ' Trip ', tags: ['work'] })).toEqual({
      accountId: id,
      categoryId: id,
      from: new Date('2026-01-01T00:00:00.000Z'),
      to: new Date('2026-01-31T00:00:00.000Z'),
      search: 'uber',
      uncategorized: false,
      tags: ['trip', 'work'],
    });
    expect(() => toFilter({ tag: 'a\u202eb' })).toThrow(field('tag'));
    expect(() => toFilter({ search: 's'.repeat(201) })).toThrow(field('search'));
    expect(() => toFilter({ to: '2026-02-30' })).toThrow(field('to'));
  });

  it('lets an id that is no UUID match nothing instead of failing', () => {
    const f = toFilter({ accountId: 'nope', categoryId: 'x' });
    expect([f.accountId, f.categoryId]).toEqual(['00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000']);
    expect(toFilter(null)).toEqual({ accountId: null, categoryId: null, from: null, to: null, search: null, uncategorized: null, tags: null });
  });
});
