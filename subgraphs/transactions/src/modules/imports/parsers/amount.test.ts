import { describe, expect, it } from 'vitest';
import { decimalMarkOf, readAmount } from './amount.js';
import { dateOrderOf, readDate } from './dates.js';

describe('readAmount', () => {
  it.each([
    ['1.234,56', ',', 123456n],
    ['1,234.56', '.', 123456n],
    ['-12,50', ',', -1250n],
    ['(12.50)', '.', -1250n],
    ['12,50-', ',', -1250n],
    ['R$ -1.234,56', ',', -123456n],
    ['12,50 D', ',', -1250n],
    ['12,50 C', ',', 1250n],
    ['$1,000', '.', 100000n],
    ['1 234,5', ',', 123450n],
    ['+7', '.', 700n],
    ['1,500.00 DR', '.', -150000n],
    ['250.00 Cr', '.', 25000n],
    ['R 1 234,56', ',', 123456n],
    ['-R12.50', '.', -1250n],
    ['₹1,234.50', '.', 123450n],
    ['A$ 12.00', '.', 1200n],
    ['12,00 kr', ',', 1200n],
  ] as const)('%s with mark %s is %s', (raw, mark, minor) => {
    expect(readAmount(raw, mark, 'BRL')).toBe(minor);
  });

  it('refuses more decimals than the currency has, and what is no number', () => {
    expect(readAmount('12.345', '.', 'BRL')).toMatch(/too many decimal places/);
    expect(readAmount('12.5', '.', 'JPY')).toMatch(/no decimal places/);
    expect(readAmount('1.2.3', '.', 'BRL')).toMatch(/more than one decimal mark/);
    expect(readAmount('abc', '.', 'BRL')).toMatch(/not a number/);
    expect(readAmount('1'.repeat(100), '.', 'BRL')).toMatch(/too long/);
  });

  it('chooses a file decimal mark from the values that show one', () => {
    expect(decimalMarkOf(['1.234', '-12,50'], '.')).toBe(',');
    expect(decimalMarkOf(['1,234', '-12.50'], ',')).toBe('.');
    expect(decimalMarkOf(['1,234', '5'], ',')).toBe(',');
  });
});

describe('readDate', () => {
  it('reads ISO, compact, numeric in the file order, named months and ignores a time', () => {
    expect(readDate('2026-11-02', 'DMY')).toBe('2026-11-02');
    expect(readDate('20261102', 'DMY')).toBe('2026-11-02');
    expect(readDate('02/11/2026', 'DMY')).toBe('2026-11-02');
    expect(readDate('02/11/2026', 'MDY')).toBe('2026-02-11');
    expect(readDate('02.11.26', 'DMY')).toBe('2026-11-02');
    expect(readDate('2 Set 2026', 'DMY')).toBe('2026-09-02');
    expect(readDate('02-Oct-2026', 'MDY')).toBe('2026-10-02');
    expect(readDate('2026-11-02T10:30:00Z', 'DMY')).toBe('2026-11-02');
    expect(readDate('02/11/2026 10:30', 'DMY')).toBe('2026-11-02');
  });

  it('reads month names of Spanish, French, German, Italian, Dutch and Afrikaans statements, and month-first dates', () => {
    expect(readDate('3 ene 2026', 'DMY')).toBe('2026-01-03');
    expect(readDate('15 févr. 2026', 'DMY')).toBe('2026-02-15');
    expect(readDate('1 juin 2026', 'DMY')).toBe('2026-06-01');
    expect(readDate('1 juil. 2026', 'DMY')).toBe('2026-07-01');
    expect(readDate('12. März 2026', 'DMY')).toBe('2026-03-12');
    expect(readDate('12. Okt. 2026', 'DMY')).toBe('2026-10-12');
    expect(readDate('5 dic 2026', 'DMY')).toBe('2026-12-05');
    expect(readDate('5 mrt 2026', 'DMY')).toBe('2026-03-05');
    expect(readDate('5 Desember 2026', 'DMY')).toBe('2026-12-05');
    expect(readDate('Mar 15, 2026', 'DMY')).toBe('2026-03-15');
    expect(readDate('September 2 2026', 'MDY')).toBe('2026-09-02');
    expect(readDate('2 jui 2026', 'DMY')).toEqual({ error: expect.stringMatching(/not a date/) });
  });

  it('refuses dates that do not exist', () => {
    expect(readDate('31/02/2026', 'DMY')).toEqual({ error: expect.stringMatching(/not a date/) });
    expect(readDate('2026-13-01', 'DMY')).toEqual({ error: expect.stringMatching(/not a date/) });
    expect(readDate('99 Foo 2026', 'DMY')).toEqual({ error: expect.stringMatching(/not a date/) });
  });

  it('chooses the order per file', () => {
    expect(dateOrderOf(['01/02/2026', '13/02/2026'], true)).toBe('DMY');
    expect(dateOrderOf(['01/02/2026', '02/13/2026'], false)).toBe('MDY');
    expect(dateOrderOf(['01/02/2026'], false)).toBe('DMY');
    expect(dateOrderOf(['01/02/2026'], true)).toBe('MDY');
  });
});
