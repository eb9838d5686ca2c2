import { describe, expect, it } from 'vitest';
import { bucket, formatDay, parseDay, parseMonth, periodStart, periodStarts, requireRange, type DayTotals } from './periods.js';

const d = (value: string) => {
  const day = parseDay(value);
  if (day === null) throw new Error(`bad test date ${value}`);
  return day;
};
const starts = (from: string, to: string, interval: 'DAY' | 'WEEK' | 'MONTH') =>
  periodStarts(d(from), d(to), interval).map(formatDay);

describe('calendar dates', () => {
  it('accepts real dates only', () => {
    expect(formatDay(d('2024-02-29'))).toBe('2024-02-29');
    expect(formatDay(d('1969-12-31'))).toBe('1969-12-31');
    for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-1-01', '26-01-01', '2026-01-01T00:00:00Z', '', 20260101]) {
      expect(parseDay(bad), String(bad)).toBeNull();
    }
  });

  it('accepts real months only and knows their length', () => {
    const feb = parseMonth('2024-02')!;
    expect([formatDay(feb.first), formatDay(feb.last)]).toEqual(['2024-02-01', '2024-02-29']);
    const dec = parseMonth('2026-12')!;
    expect(formatDay(dec.last)).toBe('2026-12-31');
    for (const bad of ['2026-13', '2026-00', '2026-1', '2026-11-01', 'november']) expect(parseMonth(bad), bad).toBeNull();
  });

  it('rejects reversed, malformed and too long ranges, naming the field', () => {
    expect(() => requireRange('2026-02-30', '2026-03-01')).toThrow(expect.objectContaining({ field: 'from' }));
    expect(() => requireRange('2026-03-01', 'tomorrow')).toThrow(expect.objectContaining({ field: 'to' }));
    expect(() => requireRange('2026-03-02', '2026-03-01')).toThrow(expect.objectContaining({ field: 'to', code: 'BAD_USER_INPUT' }));
    expect(() => requireRange('2000-01-01', '2026-01-01')).toThrow(expect.objectContaining({ field: 'to' }));
    expect(requireRange('2026-03-01', '2026-03-01')).toEqual({ from: d('2026-03-01'), to: d('2026-03-01') });
  });
});

describe('periods', () => {
  it('starts weeks on Monday', () => {
    expect(formatDay(periodStart(d('2026-11-26'), 'WEEK'))).toBe('2026-11-23'); // a Thursday
    expect(formatDay(periodStart(d('2026-11-23'), 'WEEK'))).toBe('2026-11-23'); // a Monday
    expect(formatDay(periodStart(d('2026-11-29'), 'WEEK'))).toBe('2026-11-23'); // a Sunday
    expect(formatDay(periodStart(d('1969-12-31'), 'WEEK'))).toBe('1969-12-29');
  });

  it('lists every period overlapping the range, across month and year ends', () => {
    expect(starts('2026-12-30', '2027-01-02', 'DAY')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(starts('2026-11-26', '2026-12-08', 'WEEK')).toEqual(['2026-11-23', '2026-11-30', '2026-12-07']);
    expect(starts('2026-11-15', '2027-02-01', 'MONTH')).toEqual(['2026-11-01', '2026-12-01', '2027-01-01', '2027-02-01']);
    expect(starts('2024-01-31', '2024-03-01', 'MONTH')).toEqual(['2024-01-01', '2024-02-01', '2024-03-01']);
  });

  it('caps the number of points', () => {
    expect(starts('2024-01-01', '2024-12-31', 'DAY')).toHaveLength(366);
    expect(() => starts('2025-01-01', '2026-01-02', 'DAY')).toThrow(expect.objectContaining({ field: 'to' }));
    expect(starts('2025-01-01', '2026-01-02', 'WEEK')).toHaveLength(53);
  });

  it('sums days into their periods and keeps empty periods as zeros', () => {
    const days: DayTotals[] = [
      { day: '2026-11-02', incomeMinor: 500_000n, expenseMinor: 0n },
      { day: '2026-11-03', incomeMinor: 0n, expenseMinor: 1_250n },
      { day: '2026-11-09', incomeMinor: 0n, expenseMinor: 99n },
      { day: '2026-11-30', incomeMinor: 1n, expenseMinor: 2n },
    ];
    expect(bucket(d('2026-11-01'), d('2026-11-30'), 'WEEK', days)).toEqual([
      { periodStart: '2026-10-26', incomeMinor: 0n, expenseMinor: 0n },
      { periodStart: '2026-11-02', incomeMinor: 500_000n, expenseMinor: 1_250n },
      { periodStart: '2026-11-09', incomeMinor: 0n, expenseMinor: 99n },
      { periodStart: '2026-11-16', incomeMinor: 0n, expenseMinor: 0n },
      { periodStart: '2026-11-23', incomeMinor: 0n, expenseMinor: 0n },
      { periodStart: '2026-11-30', incomeMinor: 1n, expenseMinor: 2n },
    ]);
    expect(bucket(d('2026-11-03'), d('2026-12-31'), 'MONTH', days)).toEqual([
      { periodStart: '2026-11-01', incomeMinor: 1n, expenseMinor: 1_351n },
      { periodStart: '2026-12-01', incomeMinor: 0n, expenseMinor: 0n },
    ]);
  });
});
