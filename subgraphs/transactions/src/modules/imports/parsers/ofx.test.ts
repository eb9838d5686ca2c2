import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStatement } from './index.js';
import type { ParsedItem, ParseOptions } from './types.js';

const parseOfx = (bytes: Uint8Array, options: ParseOptions) => parseStatement('OFX', bytes, options);

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const rows = (items: ParsedItem[]) => items.flatMap((i) => (i.ok ? [[i.line, i.date, i.amountMinor, i.description, i.externalId]] : []));

describe('parseOfx', () => {
  it('reads OFX 1.x (SGML, unclosed leaf tags) with FITID, entities and NAME plus MEMO', () => {
    const result = parseOfx(fixture('statement-1x.ofx'), { currency: 'BRL' });
    expect(result.fatal).toBeUndefined();
    expect(rows(result.items)).toEqual([
      [35, '2026-11-02', -1250n, 'PADARIA PAO QUENTE', '2026110200001'],
      [42, '2026-11-02', -1250n, 'PADARIA PAO QUENTE', '2026110200002'],
      [49, '2026-11-05', 500000n, 'EMPRESA & CIA - SALARIO', '2026110500001'],
    ]);
  });

  it('reads a Brazilian bank\'s OFX 1.02: Latin-1, MEMO only, time zones, decimal commas with grouping points', () => {
    const result = parseOfx(fixture('banks/itau-latin1.ofx'), { currency: 'BRL' });
    expect(result.fatal).toBeUndefined();
    expect(rows(result.items)).toEqual([
      [15, '2024-03-01', -5000n, 'PIX TRANSF JOAO 01/03', '20240301001'],
      [23, '2024-03-02', 350000n, 'Salário Empresa', '20240302001'],
    ]);
  });

  it('reads OFX 2.x (XML)', () => {
    const result = parseOfx(fixture('statement-2x.ofx'), { currency: 'USD' });
    expect(rows(result.items)).toEqual([
      [12, '2026-11-03', -375n, 'Blue Bottle Coffee', 'A-1'],
      [19, '2026-11-15', 250000n, 'ACME Payroll - Salary <November>', 'A-2'],
    ]);
  });

  it('keeps the complete transactions of a truncated file and reports the cut one', () => {
    const result = parseOfx(fixture('truncated.ofx'), { currency: 'BRL' });
    expect(rows(result.items).map((r) => r[4])).toEqual(['2026110200001', '2026110200002']);
    expect(result.items.filter((i) => !i.ok)).toEqual([{ ok: false, line: 49, message: expect.stringMatching(/not closed/) }]);
  });

  it('fails a statement in another currency than the account, and a file that is no OFX', () => {
    expect(parseOfx(fixture('statement-2x.ofx'), { currency: 'BRL' }).fatal).toMatch(/"USD", the account in BRL/);
    expect(parseOfx(Buffer.from('date,description,amount\n'), { currency: 'BRL' }).fatal).toMatch(/no <OFX>/);
    expect(parseOfx(Buffer.from('<OFX><BANKMSGSRSV1></BANKMSGSRSV1></OFX>'), { currency: 'BRL' }).fatal).toMatch(/no transactions/);
  });

  it('reports bad dates and amounts per transaction, and survives NUL bytes and garbage', () => {
    const ofx = '<OFX>\n<STMTTRN>\n<DTPOSTED>2026\n<TRNAMT>-1.00\n<MEMO>x\n</STMTTRN>\n<STMTTRN>\n<DTPOSTED>20261102\n<TRNAMT>abc\n<MEMO>y\n</STMTTRN>\n<STMTTRN>\n<DTPOSTED>20261102\n<TRNAMT>-1,50\n<MEMO>a\u0000b\n</STMTTRN>\n</OFX>';
    const messages = parseOfx(Buffer.from(ofx), { currency: 'BRL' }).items.map((i) => (i.ok ? 'ok' : i.message));
    expect(messages).toEqual([expect.stringMatching(/DTPOSTED/), expect.stringMatching(/TRNAMT/), expect.stringMatching(/control characters/)]);
    const garbage = Buffer.concat([Buffer.from('<OFX>'), Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 256))]);
    expect(() => parseOfx(garbage, { currency: 'BRL' })).not.toThrow();
  });
});
