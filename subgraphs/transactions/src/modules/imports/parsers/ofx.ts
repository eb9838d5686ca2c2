import { readAmount } from './amount.js';
import { cleanDescription, decodeText, hasControl, quote } from './text.js';
import { rowError, type ParsedItem, type ParseOptions, type ParseResult } from './types.js';

interface Transaction {
  line: number;
  fields: Map<string, string>;
  closed: boolean;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const unescape = (value: string) =>
  value.replace(/&(#\d{1,7}|#x[\da-f]{1,6}|[a-z]+);/gi, (all, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1]?.toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[name.toLowerCase()] ?? all;
  });

// Tag, then the text up to the next tag: OFX 1.x leaves leaf elements unclosed (SGML), 2.x closes them (XML).
const TOKEN = /<(\/?)([A-Za-z][A-Za-z0-9.]{0,40})\s*>([^<]*)/g;

/** Every STMTTRN aggregate and the statement's currency, from a tolerant walk over the tags. */
function scan(text: string): { transactions: Transaction[]; currency?: string } {
  const transactions: Transaction[] = [];
  let current: Transaction | null = null;
  let currency: string | undefined;
  let line = 1;
  let scanned = 0;
  for (const m of text.matchAll(TOKEN)) {
    for (let i = text.indexOf('\n', scanned); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    scanned = m.index;
    const [, closing, rawName, rawValue] = m;
    const name = rawName!.toUpperCase();
    const value = unescape(rawValue!.trim());
    if (name === 'STMTTRN' && !closing) {
      current = { line, fields: new Map(), closed: false };
      transactions.push(current);
    } else if (name === 'STMTTRN' || (closing && name === 'BANKTRANLIST')) {
      if (current) current.closed = name === 'STMTTRN';
      current = null;
    } else if (!closing && value) {
      if (current) current.fields.set(name, value);
      else if (name === 'CURDEF') currency = value.toUpperCase();
    }
  }
  return { transactions, ...(currency ? { currency } : {}) };
}

/** DTPOSTED "YYYYMMDD[HHMMSS[.XXX]][[-3:BRT]]": the posting day as the bank wrote it. */
function dayOf(value: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1900 || y > 2200 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

function readTransaction(t: Transaction, currency: string): ParsedItem {
  if (!t.closed) return rowError(t.line, 'transaction is not closed by </STMTTRN> (truncated file?)');
  const f = t.fields;
  const date = dayOf(f.get('DTPOSTED') ?? '');
  if (!date) return rowError(t.line, `DTPOSTED ${quote(f.get('DTPOSTED') ?? '')} is not a date YYYYMMDD`);
  const rawAmount = f.get('TRNAMT') ?? '';
  // OFX amounts use a decimal point; some Brazilian banks write a comma instead.
  const amountMinor = readAmount(rawAmount, rawAmount.includes('.') || !rawAmount.includes(',') ? '.' : ',', currency);
  if (typeof amountMinor === 'string') return rowError(t.line, `TRNAMT: ${amountMinor}`);
  const name = f.get('NAME') ?? '';
  const memo = f.get('MEMO') ?? '';
  const description = cleanDescription(name && memo && !memo.includes(name) ? `${name} - ${memo}` : memo || name || f.get('PAYEE') || '');
  if (!description) return rowError(t.line, 'NAME and MEMO are empty or have control characters');
  const fitid = f.get('FITID') ?? '';
  const externalId = fitid && fitid.length <= 255 && !hasControl(fitid) ? fitid : null;
  return { ok: true, line: t.line, date, amountMinor, description, externalId };
}

/**
 * An OFX statement, 1.x (SGML, unclosed leaf tags) or 2.x (XML): each STMTTRN with DTPOSTED,
 * TRNAMT, NAME/MEMO and FITID. A small tolerant tokenizer of our own, not an npm OFX library:
 * those turn the whole file into XML first and fail it as a whole on one broken tag, while a
 * statement should lose only its broken rows, each with its line.
 */
export function parseOfx(bytes: Uint8Array, { currency }: ParseOptions): ParseResult {
  const decoded = decodeText(bytes);
  const notes = [`encoding ${decoded.encoding}`];
  const start = decoded.text.search(/<OFX>/i);
  if (start < 0) return { items: [], fatal: 'not an OFX statement: no <OFX> element', notes };
  const { transactions, currency: statementCurrency } = scan(decoded.text);
  if (statementCurrency && statementCurrency !== currency.toUpperCase()) {
    return { items: [], fatal: `the statement is in ${quote(statementCurrency)}, the account in ${currency}`, notes };
  }
  if (transactions.length === 0) return { items: [], fatal: 'the OFX statement has no transactions (STMTTRN)', notes };
  return { items: transactions.map((t) => readTransaction(t, currency)), notes };
}
