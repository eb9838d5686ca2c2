import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStatement } from './index.js';
import type { ParsedItem, ParseOptions } from './types.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const parseCamt = (bytes: Uint8Array, options: ParseOptions) => parseStatement('CAMT053', bytes, options);
const rows = (items: ParsedItem[]) => items.flatMap((i) => (i.ok ? [[i.line, i.date, i.amountMinor, i.description, i.externalId]] : []));
const errors = (items: ParsedItem[]) => items.flatMap((i) => (i.ok ? [] : [[i.line, i.message]]));
const lineOf = (name: string, text: string, nth = 1) =>
  fixture(name)
    .toString()
    .split('\n')
    .map((l, i) => (l.includes(text) ? i + 1 : 0))
    .filter((n) => n)[nth - 1];

describe('camt.053', () => {
  const name = 'statement.camt053.xml';

  it('reads booked entries: sign from CdtDbtInd, BookgDt Dt or DtTm, counterparty and Ustrd, AcctSvcrRef or NtryRef', () => {
    const result = parseCamt(fixture(name), { currency: 'EUR' });
    expect(result.fatal).toBeUndefined();
    expect(result.detected).toEqual({ format: 'CAMT053', encoding: 'UTF8' });
    expect(rows(result.items)).toEqual([
      [lineOf(name, '<Ntry>', 1), '2026-11-02', -1250n, 'Bäckerei Müller & Söhne - Rechnung 4711 Brötchen', 'BANKREF-0001'],
      [lineOf(name, '<Ntry>', 2), '2026-11-15', 250000n, 'ACME GmbH - Gehalt November', 'E2'],
      // A batch booking: one row per TxDtls with its own amount, ids from its own reference or the entry's.
      [lineOf(name, '<TxDtls>', 3), '2026-11-20', -10000n, 'Stadtwerke - Strom', 'BATCH-77-A'],
      [lineOf(name, '<TxDtls>', 4), '2026-11-20', -5000n, 'Telekom', 'BATCH-77/2'],
      [lineOf(name, '<Ntry>', 6), '2026-11-30', -420n, 'Kontofuehrung', 'BANKREF-0006'],
    ]);
    expect(errors(result.items)).toEqual([
      [lineOf(name, '<Ntry>', 4), 'the entry is not booked (Sts "PDNG"): only booked entries are imported'],
      [lineOf(name, '<Ntry>', 5), 'the amount is in "USD", the account in EUR'],
    ]);
  });

  it('keeps the entries of a truncated file and reports the cut one', () => {
    const result = parseCamt(fixture('truncated.camt053.xml'), { currency: 'EUR' });
    expect(rows(result.items).map((r) => r[4])).toEqual(['BANKREF-0001', 'E2']);
    expect(errors(result.items)).toEqual([[lineOf(name, '<Ntry>', 3), 'the entry is not closed (truncated file?)']]);
    expect(result.fatal).toBeUndefined();
  });

  it('stops at malformed XML with the entries before it read', () => {
    const xml = fixture(name).toString().replace('<Sts>BOOK</Sts>\n        <BookgDt><DtTm>', '<Sts>BOOK</Stz>\n        <BookgDt><DtTm>');
    const result = parseCamt(Buffer.from(xml), { currency: 'EUR' });
    expect(rows(result.items).map((r) => r[4])).toEqual(['BANKREF-0001']);
    expect(errors(result.items)).toEqual([[lineOf(name, '<Ntry>', 2), expect.stringMatching(/^the XML is malformed: .*not read from here on$/)]]);
  });

  it('fails a file that is no camt.053, or one without entries, as a whole', () => {
    expect(parseCamt(fixture('statement-2x.ofx'), { currency: 'EUR' }).fatal).toMatch(/not a camt.053 statement/);
    expect(parseCamt(Buffer.from('date,description,amount\n'), { currency: 'EUR' }).fatal).toMatch(/not a camt.053 statement/);
    const empty = '<Document><BkToCstmrStmt><Stmt><Acct><Ccy>EUR</Ccy></Acct></Stmt></BkToCstmrStmt></Document>';
    expect(parseCamt(Buffer.from(empty), { currency: 'EUR' }).fatal).toMatch(/no entries/);
  });

  it('reads camt.053.001.08 parties (Cdtr/Pty/Nm), TxDtls amounts and a Latin-1 file', () => {
    const xml = `<?xml version="1.0" encoding="ISO-8859-1"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>
<Ntry><Amt Ccy="EUR">7.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-05</Dt></BookgDt><NtryRef>N5</NtryRef>
<NtryDtls><TxDtls><Amt Ccy="EUR">7.00</Amt><RltdPties><Cdtr><Pty><Nm>Caf\xe9 Central</Nm></Pty></Cdtr></RltdPties></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>`;
    const result = parseCamt(Buffer.from(xml, 'latin1'), { currency: 'EUR' });
    expect(rows(result.items)).toEqual([[2, '2026-11-05', -700n, 'Café Central', 'N5']]);
    expect(result.detected?.encoding).toBe('LATIN1');
  });
});

describe('camt.053 bounds', () => {
  it('refuses an entry with more TxDtls than MAX_BATCH as one error, and reads the next entry', async () => {
    const { MAX_BATCH } = await import('./camt.js');
    const tx = '<TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">1.00</Amt></TxAmt></AmtDtls></TxDtls>';
    const entry = (ref: string, n: number) =>
      `<Ntry><Amt Ccy="EUR">${n}.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2026-11-02</Dt></BookgDt><AcctSvcrRef>${ref}</AcctSvcrRef><AddtlNtryInf>Batch</AddtlNtryInf><NtryDtls>${tx.repeat(n)}</NtryDtls></Ntry>\n`;
    const xml = `<Document><BkToCstmrStmt><Stmt>\n${entry('BIG', MAX_BATCH + 1)}${entry('SMALL', 2)}</Stmt></BkToCstmrStmt></Document>`;
    const result = parseStatement('CAMT053', Buffer.from(xml), { currency: 'EUR' });
    expect(errors(result.items)).toEqual([[2, `the entry has more than ${MAX_BATCH} TxDtls: it is not imported`]]);
    expect(rows(result.items).map((r) => r[4])).toEqual(['SMALL/1', 'SMALL/2']);
  });
});
