import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectDelimiter } from './csv.js';
import { parseStatement } from './index.js';
import { MAX_RECORD_LENGTH, type ParseOptions, type ParsedItem } from './types.js';

const parseCsv = (bytes: Uint8Array, options: ParseOptions) => parseStatement('CSV', bytes, options);

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const rows = (items: ParsedItem[]) => items.flatMap((i) => (i.ok ? [[i.line, i.date, i.amountMinor, i.description]] : []));
const errors = (items: ParsedItem[]) => items.flatMap((i) => (i.ok ? [] : [[i.line, i.message]]));

describe('parseCsv', () => {
  it('reads an English statement with quoted thousands and identical rows', () => {
    const result = parseCsv(fixture('en.csv'), { currency: 'USD' });
    expect(result.fatal).toBeUndefined();
    expect(rows(result.items)).toEqual([
      [2, '2026-11-02', -450n, 'Coffee Shop'],
      [3, '2026-11-02', -450n, 'Coffee Shop'],
      [4, '2026-11-03', -123456n, 'Rent, November'],
      [5, '2026-11-05', 500000n, 'Salary'],
    ]);
    expect(errors(result.items)).toEqual([]);
  });

  it('reads a Portuguese `;` statement with a decimal comma, skipping the lines above its header', () => {
    const result = parseCsv(fixture('pt-semicolon.csv'), { currency: 'BRL' });
    expect(rows(result.items)).toEqual([
      [5, '2026-11-02', -1250n, 'Padaria Pão Quente'],
      [6, '2026-11-13', -123456n, 'Supermercado Extra'],
      [7, '2026-11-15', 500000n, 'Salário'],
    ]);
    expect(result.notes).toContain('dates DMY');
  });

  it('reads debit and credit columns separated by tabs: debits are money out with or without a minus', () => {
    const result = parseCsv(fixture('debit-credit.tsv'), { currency: 'BRL' });
    expect(rows(result.items)).toEqual([
      [2, '2026-11-05', -4590n, 'Farmácia São João'],
      [3, '2026-11-06', 20000n, 'Pix recebido'],
      [4, '2026-11-07', -1200n, 'Tarifa bancária'],
    ]);
  });

  it('decodes Latin-1 when the bytes are not UTF-8, and drops a UTF-8 BOM', () => {
    const latin1 = parseCsv(fixture('latin1.csv'), { currency: 'BRL' });
    expect(rows(latin1.items).map((r) => r[3])).toEqual(['Açougue Boi Ñandú', 'Pão de Açúcar']);
    expect(latin1.detected?.encoding).toBe('LATIN1');
    const bom = parseCsv(fixture('bom.csv'), { currency: 'BRL' });
    expect(rows(bom.items)).toEqual([
      [2, '2026-11-08', -320n, 'Café'],
      [3, '2026-11-09', -5990n, 'Livraria'],
    ]);
  });

  it('chooses MM/DD when a second part is above 12, and reads (12.50) as money out', () => {
    const result = parseCsv(fixture('mdy.csv'), { currency: 'USD' });
    expect(rows(result.items)).toEqual([
      [2, '2026-11-25', -8210n, 'Thanksgiving groceries'],
      [3, '2026-11-02', -325n, 'Coffee'],
    ]);
  });

  it('reads ambiguous dates as DD/MM, or MM/DD for a US dollar account', () => {
    const csv = Buffer.from('date,description,amount\n02/11/2026,A,-1.00\n');
    expect(rows(parseCsv(csv, { currency: 'BRL' }).items)[0]?.[1]).toBe('2026-11-02');
    expect(rows(parseCsv(csv, { currency: 'USD' }).items)[0]?.[1]).toBe('2026-02-11');
  });

  it('reads DD MMM YYYY with English and Portuguese month names', () => {
    const result = parseCsv(fixture('named-months.csv'), { currency: 'BRL' });
    expect(rows(result.items).map((r) => [r[1], r[2]])).toEqual([
      ['2026-11-02', -1000n],
      ['2026-12-15', -2000n],
      ['2026-03-03', -750n],
      ['2026-02-01', -150000n],
    ]);
  });

  it('reports each bad row with its line and reads the others', () => {
    const result = parseCsv(fixture('ragged.csv'), { currency: 'USD' });
    expect(rows(result.items).map((r) => r[0])).toEqual([2, 9]);
    const bad = errors(result.items);
    expect(bad.map((e) => e[0])).toEqual([3, 4, 5, 6, 7, 8, 10]);
    expect(bad[0]?.[1]).toMatch(/not a date/);
    expect(bad[2]?.[1]).toMatch(/too many decimal places/);
    expect(bad[3]?.[1]).toMatch(/not a number/);
    expect(bad[4]?.[1]).toMatch(/description/);
    expect(bad[5]?.[1]).toMatch(/amount is empty/);
    expect(bad[6]?.[1]).toMatch(/quote/);
  });

  it('guesses the columns of a file without a header', () => {
    const result = parseCsv(Buffer.from('2026-11-02;Padaria;-12,50\n2026-11-03;Mercado;-30,00\n'), { currency: 'BRL' });
    expect(rows(result.items)).toEqual([
      [1, '2026-11-02', -1250n, 'Padaria'],
      [2, '2026-11-03', -3000n, 'Mercado'],
    ]);
  });

  it('detects the delimiter from the first lines, quoted text aside', () => {
    expect(detectDelimiter('a;b;c\n1;2,5;x\n')).toBe(';');
    expect(detectDelimiter('a\tb\tc\n1\t2\t3\n')).toBe('\t');
    expect(detectDelimiter('"a;b",c,d\n"1;2",3,4\n')).toBe(',');
  });
});

describe('parseCsv on hostile input', () => {
  it('turns rows with NUL bytes into errors and keeps the rest', () => {
    const result = parseCsv(Buffer.from('date,description,amount\n2026-11-02,Ca\u0000fe,-1.00\n2026-11-03,Ok,-2.00\n'), { currency: 'BRL' });
    expect(rows(result.items).map((r) => r[3])).toEqual(['Ok']);
    expect(errors(result.items)).toEqual([[2, 'description is empty or has control characters']]);
  });

  it('refuses a 5 MB line as one error, quickly', () => {
    const started = Date.now();
    const huge = Buffer.from(`date,description,amount\n2026-11-02,${'x'.repeat(5 * 1024 * 1024)},-1.00\n2026-11-03,Ok,-2.00\n`);
    const result = parseCsv(huge, { currency: 'BRL' });
    expect(errors(result.items)).toEqual([[2, `row is longer than ${MAX_RECORD_LENGTH} characters`]]);
    expect(rows(result.items).map((r) => r[3])).toEqual(['Ok']);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails binary garbage as a whole with a reason, never a throw', () => {
    let seed = 42;
    const garbage = Buffer.alloc(64 * 1024, 0).map(() => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff);
    const result = parseCsv(garbage, { currency: 'BRL' });
    expect(result.fatal).toMatch(/no header row/);
    expect(result.items.every((i) => !i.ok)).toBe(true);
  });
});

describe('parseCsv with a mapping, and what detection reports', () => {
  const bank = Buffer.from('Conta;12345\nQuando;Histórico;Saída;Entrada;Saldo\n02/03/2026;Padaria;1.234,56;;10,00\n05/03/2026;Pix;;2.000,00;2.010,00\n');

  it('reports the columns, header, delimiter, decimal mark and date order it chose', () => {
    const result = parseCsv(fixture('debit-credit.tsv'), { currency: 'BRL' });
    expect(result.detected).toEqual({
      format: 'CSV',
      encoding: 'UTF8',
      delimiter: '\t',
      decimalSeparator: ',',
      dateFormat: 'DMY',
      hasHeader: true,
      columns: { date: { index: 0, name: 'Data' }, description: { index: 1, name: 'Histórico' }, debit: { index: 2, name: 'Débito' }, credit: { index: 3, name: 'Crédito' } },
    });
    expect(parseCsv(fixture('named-months.csv'), { currency: 'BRL' }).detected?.dateFormat).toBe('DMON');
    expect(parseCsv(fixture('en.csv'), { currency: 'USD' }).detected?.dateFormat).toBe('ISO');
  });

  it('reads columns given by header name (any case and accents), with thousands separators', () => {
    const result = parseCsv(bank, { currency: 'BRL', mapping: { date: 'quando', description: 'HISTORICO', debit: 'Saída', credit: 'entrada' } });
    expect(rows(result.items)).toEqual([
      [3, '2026-03-02', -123456n, 'Padaria'],
      [4, '2026-03-05', 200000n, 'Pix'],
    ]);
    expect(result.detected).toMatchObject({ hasHeader: true, decimalSeparator: ',', columns: { date: { index: 0, name: 'Quando' }, debit: { index: 2, name: 'Saída' } } });
  });

  it('reads columns given by index, the date order and decimal mark given, without a header', () => {
    const csv = Buffer.from('03/02/2026|Padaria|1,234.56\n'.replace(/\|/g, ';'));
    const result = parseCsv(csv, { currency: 'BRL', mapping: { date: 0, description: 1, amount: 2, hasHeader: false, dateFormat: 'MDY', decimalSeparator: '.', delimiter: ';' } });
    expect(rows(result.items)).toEqual([[1, '2026-03-02', 123456n, 'Padaria']]);
    expect(result.detected).toMatchObject({ hasHeader: false, delimiter: ';', dateFormat: 'MDY', decimalSeparator: '.', columns: { amount: { index: 2, name: null } } });
  });

  it('skips a header above columns given by index', () => {
    const result = parseCsv(bank, { currency: 'BRL', mapping: { date: 0, description: 1, debit: 2, credit: 3 } });
    expect(rows(result.items).map((r) => r[0])).toEqual([3, 4]);
    expect(result.detected).toMatchObject({ hasHeader: true, columns: { date: { index: 0, name: 'Quando' } } });
  });

  it('chooses the date order per import: DD/MM, or MM/DD when the mapping says so, rows in another form then errors', () => {
    const csv = Buffer.from('date,description,amount\n02/03/2026,A,-1.00\n2026-03-04,B,-1.00\n');
    expect(rows(parseCsv(csv, { currency: 'BRL' }).items).map((r) => r[1])).toEqual(['2026-03-02', '2026-03-04']);
    const mdy = parseCsv(csv, { currency: 'BRL', mapping: { dateFormat: 'MDY' } });
    expect(rows(mdy.items).map((r) => r[1])).toEqual(['2026-02-03']);
    expect(errors(mdy.items)).toEqual([[3, expect.stringMatching(/not a date \(MM\/DD\/YYYY\)/)]]);
  });

  it('fails the file when a named column is not in the header', () => {
    const result = parseCsv(bank, { currency: 'BRL', mapping: { date: 'Data', description: 'Histórico', amount: 'Valor' } });
    expect(result.fatal).toBe('mapping.date: no column "Data" in the header (the first 10 rows)');
    expect(result.items).toEqual([]);
  });
});
