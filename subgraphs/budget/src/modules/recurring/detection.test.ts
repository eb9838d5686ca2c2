import { describe, expect, it } from 'vitest';
import { addPeriod, billOccurrenceId, dearer, detectPattern, payeeKey, payeeMatches, rollForward, runReachesFirst, withinTolerance, type Occurrence } from './detection.js';

const pay = (day: string, amount: number): Occurrence => ({ day, amountMinor: BigInt(amount) });
const detect = (payments: Occurrence[], today = '2026-12-03', tolerancePercent = 10) => detectPattern(payments, { tolerancePercent, today });

describe('payeeKey', () => {
  it('keeps the words of a description, upper-case, without accents, punctuation or numbers', () => {
    expect(payeeKey('Netflix.com 12/2026')).toBe('NETFLIX COM');
    expect(payeeKey('  Academia   São João  #4471 ')).toBe('ACADEMIA SAO JOAO');
    expect(payeeKey('PAYPAL *SPOTIFY P2F4A1')).toBe('PAYPAL SPOTIFY');
    expect(payeeKey('1234 5678')).toBeNull();
    expect(payeeKey('')).toBeNull();
  });

  it('matches a bill to payments whose payee starts with its words', () => {
    expect(payeeMatches('NETFLIX', 'NETFLIX COM')).toBe(true);
    expect(payeeMatches('NETFLIX COM', 'NETFLIX COM')).toBe(true);
    expect(payeeMatches('NET', 'NETFLIX COM')).toBe(false);
    expect(payeeMatches('NETFLIX COM', 'NETFLIX')).toBe(false);
  });
});

describe('addPeriod and rollForward', () => {
  it('adds a week, a month (clamped to the month end) or a year', () => {
    expect(addPeriod('2026-12-29', 'WEEKLY')).toBe('2027-01-05');
    expect(addPeriod('2026-01-31', 'MONTHLY')).toBe('2026-02-28');
    expect(addPeriod('2026-01-31', 'MONTHLY', 3)).toBe('2026-04-30');
    expect(addPeriod('2026-12-15', 'MONTHLY')).toBe('2027-01-15');
    expect(addPeriod('2028-02-29', 'YEARLY')).toBe('2029-02-28');
  });

  it('moves a due date past its grace days to the next occurrence not that late', () => {
    expect(rollForward('2026-11-30', 'MONTHLY', '2026-12-03')).toBe('2026-11-30');
    expect(rollForward('2026-10-31', 'MONTHLY', '2026-12-03')).toBe('2026-11-30');
    expect(rollForward('2026-08-31', 'MONTHLY', '2026-12-20')).toBe('2026-12-31');
    expect(rollForward('2026-11-01', 'WEEKLY', '2026-12-03')).toBe('2026-12-06');
    expect(rollForward('2026-11-01', 'WEEKLY', '2026-12-02')).toBe('2026-11-29');
  });
});

describe('tolerance', () => {
  it('accepts amounts within the percentage and calls dearer only above it', () => {
    expect(withinTolerance(1100n, 1000n, 10)).toBe(true);
    expect(withinTolerance(900n, 1000n, 10)).toBe(true);
    expect(withinTolerance(1101n, 1000n, 10)).toBe(false);
    expect(dearer(1100n, 1000n, 10)).toBe(false);
    expect(dearer(1101n, 1000n, 10)).toBe(true);
    expect(dearer(500n, 1000n, 10)).toBe(false);
  });
});

describe('detectPattern', () => {
  it('finds a monthly subscription from three payments, with its next date and median amount', () => {
    expect(detect([pay('2026-09-05', 5590), pay('2026-10-05', 5590), pay('2026-11-04', 5690)])).toEqual({
      period: 'MONTHLY',
      amountMinor: 5590n,
      lastDate: '2026-11-04',
      nextDate: '2026-12-04',
      occurrences: 3,
    });
  });

  it('finds weekly and yearly patterns, in any input order', () => {
    expect(detect([pay('2026-11-26', 3000), pay('2026-11-12', 3000), pay('2026-11-19', 3100), pay('2026-11-05', 2950)])).toMatchObject({
      period: 'WEEKLY',
      nextDate: '2026-12-03',
      occurrences: 4,
    });
    expect(detect([pay('2024-03-10', 9900), pay('2025-03-11', 9900), pay('2026-03-09', 9900)])).toMatchObject({
      period: 'YEARLY',
      nextDate: '2027-03-09',
    });
  });

  it('needs at least three payments', () => {
    expect(detect([pay('2026-10-05', 5590), pay('2026-11-05', 5590)])).toBeNull();
    expect(detect([])).toBeNull();
  });

  it('refuses irregular gaps and amounts beyond the tolerance', () => {
    expect(detect([pay('2026-09-05', 5590), pay('2026-09-20', 5590), pay('2026-11-05', 5590)])).toBeNull();
    expect(detect([pay('2026-11-01', 1200), pay('2026-11-02', 1500), pay('2026-11-03', 900)])).toBeNull();
    expect(detect([pay('2026-09-05', 5000), pay('2026-10-05', 9000), pay('2026-11-05', 5000)])).toBeNull();
    // The same payments pass with a looser tolerance.
    expect(detect([pay('2026-09-05', 5000), pay('2026-10-05', 5400), pay('2026-11-05', 5000)], '2026-12-03', 5)).toBeNull();
    expect(detect([pay('2026-09-05', 5000), pay('2026-10-05', 5400), pay('2026-11-05', 5000)], '2026-12-03', 10)).not.toBeNull();
  });

  it('keeps only the regular tail of a history, and follows a price change once it repeats', () => {
    const history = [pay('2026-03-17', 777), pay('2026-08-05', 2990), pay('2026-09-05', 2990), pay('2026-10-05', 2990)];
    expect(detect(history, '2026-10-20')).toMatchObject({ occurrences: 3, amountMinor: 2990n });
    const raised = [...history, pay('2026-11-05', 3990), pay('2026-12-05', 3990), pay('2027-01-05', 3990)];
    expect(detect(raised, '2027-01-10')).toMatchObject({ amountMinor: 3990n, occurrences: 3, nextDate: '2027-02-05' });
  });

  it('drops a pattern that stopped: its next payment is overdue past the grace days', () => {
    const old = [pay('2025-01-05', 1000), pay('2025-02-05', 1000), pay('2025-03-05', 1000)];
    expect(detect(old, '2025-04-10')).not.toBeNull();
    expect(detect(old, '2025-04-13')).toBeNull();
  });
});

describe('billOccurrenceId', () => {
  it('is one UUID per bill and due date', () => {
    const id = billOccurrenceId('8a1d6f5e-2c3b-4d5e-8f90-123456789abc', '2026-12-05');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(billOccurrenceId('8a1d6f5e-2c3b-4d5e-8f90-123456789abc', '2026-12-05')).toBe(id);
    expect(billOccurrenceId('8a1d6f5e-2c3b-4d5e-8f90-123456789abc', '2027-01-05')).not.toBe(id);
  });
});

describe('runReachesFirst', () => {
  it('says when the run of one period that ends the payments starts at the first of them (older payments could change the pattern)', () => {
    expect(runReachesFirst([pay('2026-09-01', 100), pay('2026-10-01', 100), pay('2026-11-01', 100)])).toBe(true);
    // A weekly gap before the monthly run stops it: nothing older matters.
    expect(runReachesFirst([pay('2026-08-25', 100), pay('2026-09-01', 100), pay('2026-10-01', 100), pay('2026-11-01', 100)])).toBe(false);
    // The last gap is no period (two the same day): no pattern, whatever came before.
    expect(runReachesFirst([pay('2026-10-01', 100), pay('2026-11-01', 100), pay('2026-11-01', 200)])).toBe(false);
    expect(runReachesFirst([pay('2026-11-01', 100)])).toBe(true);
  });
});
