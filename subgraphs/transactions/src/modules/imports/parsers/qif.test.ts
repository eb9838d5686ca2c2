import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStatement } from './index.js';
import type { ParsedItem, ParseOptions } from './types.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const parseQif = (bytes: Uint8Array, options: ParseOptions) => parseStatement('QIF', bytes, options);
const rows = (items: ParsedItem[]) => items.flatMap((i) => (i.ok ? [[i.line, i.date, i.amountMinor, i.description]] : []));
const errors = (items: ParsedItem[]) => items.flatMap((i) => (i.ok ? [] : [[i.line, i.message]]));

describe('QIF', () => {
  it("reads a Quicken bank export: MM/DD'YY dates, T and U, payee and memo, splits in their total, lists skipped", () => {
    const result = parseQif(fixture('statement.qif'), { currency: 'USD' });
    expect(result.fatal).toBeUndefined();
    expect(rows(result.items)).toEqual([
      [6, '2026-11-02', -123456n, 'Landlord & Co - Rent November'],
      [12, '2026-11-25', -8210n, 'Whole Foods'],
      [21, '2026-12-01', 250000n, 'ACME Payroll - Salary'],
      [27, '2026-12-02', -325n, 'Coffee'],
    ]);
    expect(errors(result.items)).toEqual([]);
    expect(result.detected).toEqual({ format: 'QIF', encoding: 'UTF8', dateFormat: 'MDY', decimalSeparator: '.' });
  });

  it('reads DD/MM dates and a decimal comma when the data says so (a day above 12, "1.234,56")', () => {
    const result = parseQif(fixture('statement-dmy.qif'), { currency: 'BRL' });
    expect(rows(result.items)).toEqual([
      [2, '2026-11-25', -123456n, 'Padaria Pão Quente'],
      [6, '2026-12-03', -4590n, 'Farmácia - Remédios'],
    ]);
    expect(result.detected).toMatchObject({ dateFormat: 'DMY', decimalSeparator: ',' });
  });

  it('reads ambiguous dates in the order the mapping gives, and refuses other forms then', () => {
    const qif = Buffer.from('!Type:Bank\nD02/11/2026\nT-1.00\nPA\n^\nD2026-11-03\nT-2.00\nPB\n^\n');
    expect(rows(parseQif(qif, { currency: 'BRL' }).items).map((r) => r[1])).toEqual(['2026-11-02', '2026-11-03']);
    const mdy = parseQif(qif, { currency: 'BRL', mapping: { dateFormat: 'MDY' } });
    expect(rows(mdy.items).map((r) => r[1])).toEqual(['2026-02-11']);
    expect(errors(mdy.items)).toEqual([[6, expect.stringMatching(/D: date "2026-11-03" is not a date \(MM\/DD\/YYYY\)/)]]);
    expect(mdy.detected?.dateFormat).toBe('MDY');
  });

  it('reports a record without ^ (in the middle and at the end) and keeps the others', () => {
    const result = parseQif(fixture('no-caret.qif'), { currency: 'USD' });
    expect(rows(result.items)).toEqual([
      [2, '2026-11-02', -1000n, 'First'],
      [9, '2026-11-04', -3000n, 'After the missing caret'],
    ]);
    expect(errors(result.items)).toEqual([
      [6, 'the record is not closed by ^ before line 9'],
      [13, 'the last record is not closed by ^ (truncated file?)'],
    ]);
  });

  it('reports bad dates, amounts and descriptions per record, and investment records as not imported', () => {
    const qif = '!Type:Bank\nD31/02/2026\nT-1.00\nPA\n^\nD11/03/2026\nTabc\nPB\n^\nD11/03/2026\nPC\n^\nD11/03/2026\nT-1.00\n^\n!Type:Invst\nD11/04/2026\nNBuy\nYACME\n^\n';
    const result = parseQif(Buffer.from(qif), { currency: 'USD' });
    expect(errors(result.items)).toEqual([
      [2, expect.stringMatching(/^D: date "31\/02\/2026" is not a date/)],
      [6, expect.stringMatching(/^T: amount "abc" is not a number/)],
      [10, 'the record has no amount (T or U)'],
      [13, 'P (payee) and M (memo) are empty or have control characters'],
      [17, 'investment transactions (!Type:Invst) are not imported'],
    ]);
  });

  it('fails a file that is no QIF as a whole', () => {
    expect(parseQif(Buffer.from('date,description,amount\n2026-11-02,A,-1.00\n'), { currency: 'BRL' }).fatal).toMatch(/not a QIF file/);
    expect(parseQif(Buffer.from(''), { currency: 'BRL' }).fatal).toMatch(/no !Type: header/);
  });
});
