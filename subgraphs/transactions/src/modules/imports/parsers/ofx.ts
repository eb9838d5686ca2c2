import { readAmount } from './amount.js';
import { cleanDescription, hasControl, quote } from './text.js';
import { MAX_RECORD_LENGTH, rowError, type FormatParser, type ParsedItem, type ParseOptions, type ParserOutput } from './types.js';

interface Transaction {
  line: number;
  fields: Map<string, string>;
  /** The statement's currency (CURDEF) when the transaction began. */
  currency: string | undefined;
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

// A tag, then the text up to the next tag: OFX 1.x leaves leaf elements unclosed (SGML), 2.x closes them (XML).
const TOKEN = /^<(\/?)([A-Za-z][A-Za-z0-9.]{0,40})\s*>([^<]*)$/;

const MAX_FIELDS = 64;

const countLines = (text: string, from = 0, to = text.length) => {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

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
  if (t.currency && t.currency !== currency.toUpperCase()) return rowError(t.line, `the statement is in ${quote(t.currency)}, the account in ${currency}`);
  const f = t.fields;
  const date = dayOf(f.get('DTPOSTED') ?? '');
  if (!date) return rowError(t.line, `DTPOSTED ${quote(f.get('DTPOSTED') ?? '')} is not a date YYYYMMDD`);
  const rawAmount = f.get('TRNAMT') ?? '';
  // OFX amounts use a decimal point; some Brazilian banks write a comma instead.
  // OFX writes a decimal point; some banks write a comma, with points grouping thousands ("-1.234,56").
  const amountMinor = readAmount(rawAmount, rawAmount.lastIndexOf(',') > rawAmount.lastIndexOf('.') ? ',' : '.', currency);
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
 * An OFX statement, 1.x (SGML, unclosed leaf tags) or 2.x (XML), streamed: each STMTTRN with
 * DTPOSTED, TRNAMT, NAME/MEMO and FITID (the de-duplication key). A small tolerant tokenizer
 * of our own, not an npm OFX library: those turn the whole file into XML in memory first and
 * fail it as a whole on one broken tag, while a statement should lose only its broken rows,
 * each with its line. Memory is bounded: only the text since the last tag is kept, and a
 * tag or text longer than MAX_RECORD_LENGTH is an error skipped without being kept.
 */
export class OfxParser implements FormatParser {
  readonly detected = { format: 'OFX' as const };
  stopped = false;
  readonly notes: string[] = [];
  /** Text from the last tag not yet read (its value may go on in the next piece). */
  private buf = '';
  /** Skipping a too long tag or text, up to the next `<`. */
  private skipping = false;
  private line = 1;
  private seenOfx = false;
  private currency: string | undefined;
  private current: Transaction | null = null;
  private emitted = 0;

  constructor(private readonly options: ParseOptions) {}

  push(text: string, out: ParserOutput[]): void {
    if (this.stopped) return;
    let from = 0;
    if (this.skipping) {
      const lt = text.indexOf('<');
      this.line += countLines(text, 0, lt < 0 ? text.length : lt);
      if (lt < 0) return;
      this.skipping = false;
      from = lt;
    }
    const buf = this.buf + (from ? text.slice(from) : text);
    let start = 0;
    for (;;) {
      const next = buf.indexOf('<', start + 1);
      if (next < 0) break;
      this.token(buf.slice(start, next), out);
      if (this.stopped) return;
      start = next;
    }
    this.buf = start ? buf.slice(start) : buf;
    if (this.buf.length > MAX_RECORD_LENGTH) {
      this.error(`a tag or its text is longer than ${MAX_RECORD_LENGTH} characters`, out);
      this.line += countLines(this.buf);
      this.buf = '';
      this.skipping = true;
    }
  }

  skipTo(): number | null {
    return this.skipping ? 60 : null;
  }

  skipped(lines: number): void {
    this.line += lines;
  }

  end(out: ParserOutput[]): void {
    if (this.stopped) return;
    if (this.buf && !this.skipping) this.token(this.buf, out);
    this.buf = '';
    if (this.current) this.close(out, 'transaction is not closed by </STMTTRN> (truncated file?)');
    if (!this.seenOfx) this.fatal('not an OFX statement: no <OFX> element', out);
    else if (this.emitted === 0) this.fatal('the OFX statement has no transactions (STMTTRN)', out);
  }

  private token(token: string, out: ParserOutput[]): void {
    const line = this.line;
    this.line += countLines(token);
    const m = TOKEN.exec(token);
    if (!m) return; // <?xml ...?>, comments, a header line, garbage: nothing of a transaction
    const [, closing, rawName, rawValue] = m;
    const name = rawName!.toUpperCase();
    if (!this.seenOfx) {
      this.seenOfx = name === 'OFX' && !closing;
      return;
    }
    const value = unescape(rawValue!.trim());
    if (name === 'STMTTRN' && !closing) {
      if (this.current) this.close(out, 'transaction is not closed by </STMTTRN> (truncated file?)');
      this.current = { line, fields: new Map(), currency: this.currency };
    } else if (name === 'STMTTRN' || (closing && name === 'BANKTRANLIST')) {
      if (this.current) this.close(out, name === 'STMTTRN' ? null : 'transaction is not closed by </STMTTRN> (truncated file?)');
    } else if (!closing && value) {
      // A transaction has a dozen fields: a flood of other tags is not kept.
      if (this.current && (this.current.fields.size < MAX_FIELDS || this.current.fields.has(name))) this.current.fields.set(name, value);
      else if (name === 'CURDEF') this.curdef(value.toUpperCase(), out);
    }
  }

  private curdef(currency: string, out: ParserOutput[]): void {
    this.currency = currency;
    if (currency !== this.options.currency.toUpperCase() && this.emitted === 0) {
      this.fatal(`the statement is in ${quote(currency)}, the account in ${this.options.currency}`, out);
    }
  }

  private close(out: ParserOutput[], error: string | null): void {
    const t = this.current!;
    this.current = null;
    this.emitted++;
    out.push(error ? rowError(t.line, error) : readTransaction(t, this.options.currency));
  }

  private error(message: string, out: ParserOutput[]): void {
    // The transaction being read loses a field: it is reported instead of imported half read.
    const line = this.current?.line ?? this.line;
    this.current = null;
    this.emitted++;
    out.push(rowError(line, message));
  }

  private fatal(message: string, out: ParserOutput[]): void {
    out.push({ ok: false, line: 0, message, fatal: true });
    this.stopped = true;
  }
}
