import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStatement, parseStatementStream, type StatementItem } from './index.js';
import { MAX_RECORD_LENGTH, type ParseOptions, type StatementFormat } from './types.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(format: StatementFormat, source: AsyncIterable<Uint8Array>, options: ParseOptions): Promise<StatementItem[]> {
  const items: StatementItem[] = [];
  for await (const item of parseStatementStream(format, source, options)) items.push(item);
  return items;
}

const FIXTURES: [StatementFormat, string, string][] = [
  ['CSV', 'en.csv', 'USD'],
  ['CSV', 'pt-semicolon.csv', 'BRL'],
  ['CSV', 'debit-credit.tsv', 'BRL'],
  ['CSV', 'latin1.csv', 'BRL'],
  ['CSV', 'bom.csv', 'BRL'],
  ['CSV', 'ragged.csv', 'USD'],
  ['OFX', 'statement-1x.ofx', 'BRL'],
  ['OFX', 'statement-2x.ofx', 'USD'],
  ['OFX', 'truncated.ofx', 'BRL'],
  ['QIF', 'statement.qif', 'USD'],
  ['QIF', 'no-caret.qif', 'USD'],
  ['CAMT053', 'statement.camt053.xml', 'EUR'],
  ['CAMT053', 'truncated.camt053.xml', 'EUR'],
];

describe('parseStatementStream', () => {
  it.each(FIXTURES)('%s %s: the detection first, then the same items whatever the chunk size', async (format, name, currency) => {
    const bytes = fixture(name);
    const whole = parseStatement(format, bytes, { currency });
    for (const size of [1, 3, 64, 1 << 20]) {
      const [first, ...rest] = await collect(format, pieces(bytes, size), { currency });
      expect(first).toEqual({ detected: whole.detected });
      expect(rest).toEqual(whole.items);
    }
  });

  it('yields the detection, then the fatal error last, and reads no further once the file cannot be imported', async () => {
    let pulled = 0;
    async function* garbage(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield Buffer.alloc(64 * 1024, i % 2 ? 0xff : 0x01);
      }
    }
    const items = await collect('OFX', garbage(), { currency: 'BRL' });
    // OFX cannot tell before the end that no <OFX> came; camt.053 stops at the first byte that is no XML.
    expect(items.at(-1)).toMatchObject({ ok: false, line: 0, fatal: true, message: expect.stringMatching(/no <OFX>/) });
    pulled = 0;
    const camt = await collect('CAMT053', garbage(), { currency: 'BRL' });
    expect(camt).toEqual([{ detected: { format: 'CAMT053', encoding: 'UTF8' } }, { ok: false, line: 0, fatal: true, message: expect.stringMatching(/not a camt.053/) }]);
    expect(pulled).toBeLessThan(5);
  });

  // A 1 GB line, generated as it is read (never a file, never whole in memory), in each format:
  // one error, the rows after it read, in seconds and without the memory growing.
  const GB: Record<StatementFormat, [string, string, RegExp]> = {
    CSV: ['date,description,amount\n2026-11-02,', ',-1.00\n2026-11-03,Ok,-2.00\n', /row is longer than/],
    QIF: ['!Type:Bank\nD11/02/2026\nP', '\nT-1.00\n^\nD11/03/2026\nT-2.00\nPOk\n^\n', /longer than/],
    OFX: ['<OFX><BANKTRANLIST><STMTTRN><TRNAMT>-1.00<MEMO>', '</STMTTRN><STMTTRN><DTPOSTED>20261103<TRNAMT>-2.00<MEMO>Ok</STMTTRN></BANKTRANLIST></OFX>', /longer than/],
    CAMT053: ['<Document><BkToCstmrStmt><Stmt><Ntry><AddtlNtryInf>', '</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>', /longer than/],
  };
  it.each(Object.keys(GB) as StatementFormat[])('%s: a 1 GB line streamed is one error, quickly, in bounded memory', async (format) => {
    const [head, tail, message] = GB[format];
    const mb = Buffer.alloc(1 << 20, 'x');
    async function* source(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(head);
      for (let i = 0; i < 1024; i++) yield mb;
      yield Buffer.from(tail);
    }
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    const [, ...items] = await collect(format, source(), { currency: 'BRL' });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    expect(items[0]).toMatchObject({ ok: false, message: expect.stringMatching(message) });
    if (format !== 'CAMT053') expect(items.slice(1)).toEqual([expect.objectContaining({ ok: true, amountMinor: -200n, description: 'Ok' })]);
    else expect(items).toHaveLength(1); // XML cannot be resynchronized: the file ends there
  }, 60_000);

  it('keeps a multi-line quoted field within the row limit and refuses one beyond it', async () => {
    const csv = `date,description,amount\n2026-11-02,"Line one\nline ""two""",-1.00\n2026-11-03,"${'y'.repeat(MAX_RECORD_LENGTH)}",-2.00\n2026-11-04,Ok,-3.00\n`;
    const [, ...items] = await collect('CSV', pieces(Buffer.from(csv), 1000), { currency: 'BRL' });
    expect(items).toEqual([
      expect.objectContaining({ ok: true, line: 3, description: 'Line one line "two"' }),
      { ok: false, line: 4, message: `row is longer than ${MAX_RECORD_LENGTH} characters` },
      expect.objectContaining({ ok: true, line: 5, description: 'Ok' }),
    ]);
  });
});
