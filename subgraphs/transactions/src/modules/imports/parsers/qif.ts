import { decimalMarkOf, readAmount } from './amount.js';
import { dateFormatOf, dateOrderOf, readDate, type DateOrder } from './dates.js';
import { LineSplitter } from './lines.js';
import { cleanDescription, quote } from './text.js';
import { MAX_RECORD_LENGTH, rowError, type DateFormat, type DecimalMark, type Detection, type FormatParser, type ParsedItem, type ParseOptions, type ParserOutput } from './types.js';

/** Records read before the date order and the decimal mark are chosen. */
const RECORD_SAMPLE = 1000;

/** A transaction record: its first line and its fields by code (D, T, U, P, M...). */
interface QifRecord {
  line: number;
  fields: Map<string, string>;
  /** Why it cannot be read, when the file says so already (no ^, an investment record). */
  error?: string;
}

type Entry = QifRecord | { line: number; error: string };

// Sections whose records are transactions of a bank, card or cash account.
const TRANSACTION_TYPES = new Set(['bank', 'cash', 'ccard', 'oth a', 'oth l', 'invoice']);

/** A QIF date with its quirks ("12/25'2026", " 1/ 2'98", "25.12.2026") as readDate reads them. */
const qifDate = (raw: string) => raw.replace(/'/g, '/').replace(/\s+/g, '');

function readRecord(r: QifRecord, order: DateOrder, only: DateFormat | undefined, mark: DecimalMark, currency: string): ParsedItem {
  if (r.error) return rowError(r.line, r.error);
  const rawDate = r.fields.get('D') ?? '';
  const date = readDate(qifDate(rawDate), order, only);
  if (typeof date !== 'string') return rowError(r.line, `D: ${date.error.replace(quote(qifDate(rawDate)), quote(rawDate))}`);
  const rawAmount = r.fields.get('T') ?? r.fields.get('U') ?? '';
  if (!rawAmount) return rowError(r.line, 'the record has no amount (T or U)');
  const amountMinor = readAmount(rawAmount, mark, currency);
  if (typeof amountMinor === 'string') return rowError(r.line, `T: ${amountMinor}`);
  const payee = r.fields.get('P') ?? '';
  const memo = r.fields.get('M') ?? '';
  const description = cleanDescription(payee && memo && !memo.includes(payee) ? `${payee} - ${memo}` : payee || memo || r.fields.get('L') || '');
  if (!description) return rowError(r.line, 'P (payee) and M (memo) are empty or have control characters');
  return { ok: true, line: r.line, date, amountMinor, description, externalId: null };
}

/**
 * A QIF file (Quicken Interchange Format), streamed line by line: `!Type:Bank` (also Cash,
 * CCard, Oth A, Oth L) sections of records with D date, T or U amount, P payee, M memo, each
 * ended by `^`; account, category, class and memorized lists are skipped, investment records
 * are reported as not imported. Splits (S/E/$) are part of their transaction's total T. The
 * date order (QIF writes MM/DD by Quicken's habit, DD/MM by many banks') and the decimal mark
 * are chosen from the first 1,000 records like CSV, or given in the mapping. No npm QIF parser
 * streams, and the format is a line per field: a few lines of our own.
 */
export class QifParser implements FormatParser {
  detected: Omit<Detection, 'encoding'> | null = null;
  stopped = false;
  readonly notes: string[] = [];
  private readonly lines = new LineSplitter((line, text) => this.line(line, text));
  private section: 'transactions' | 'investments' | 'other' | null = null;
  private current: QifRecord | null = null;
  private sample: Entry[] | null = [];
  private reader: ((r: QifRecord) => ParsedItem) | null = null;
  private out: ParserOutput[] = [];

  constructor(private readonly options: ParseOptions) {}

  push(text: string, out: ParserOutput[]): void {
    if (this.stopped) return;
    this.out = out;
    this.lines.push(text);
  }

  end(out: ParserOutput[]): void {
    if (this.stopped) return;
    this.out = out;
    this.lines.end();
    if (this.current) {
      this.current.error ??= 'the last record is not closed by ^ (truncated file?)';
      this.take(this.current);
      this.current = null;
    }
    if (this.stopped) return;
    if (this.sample) this.detect();
    if (this.section === null) this.fatal('not a QIF file: no !Type: header');
  }

  skipTo(): number | null {
    return this.lines.skipping ? 10 : null;
  }

  private line(line: number, text: string | null): void {
    if (this.stopped) return;
    if (text === null) {
      if (this.current) this.current.error ??= `line ${line} of the record is longer than ${MAX_RECORD_LENGTH} characters`;
      else this.take({ line, error: `line is longer than ${MAX_RECORD_LENGTH} characters` });
      return;
    }
    const trimmed = text.trim();
    if (!trimmed) return;
    if (trimmed.startsWith('!')) {
      this.header(line, trimmed);
      return;
    }
    if (this.section === null) {
      this.fatal(`not a QIF file: line ${line} comes before any !Type: header`);
      return;
    }
    const code = trimmed[0]!;
    const value = trimmed.slice(1).trim();
    if (code === '^') {
      if (this.current) this.take(this.current);
      this.current = null;
      return;
    }
    if (this.section !== 'transactions') {
      if (this.section === 'investments' && !this.current) this.current = { line, fields: new Map(), error: 'investment transactions (!Type:Invst) are not imported' };
      return;
    }
    if (this.current && (code === 'D' || code === 'T') && this.current.fields.has(code)) {
      // A second date or amount: the record before lacks its ^.
      this.current.error ??= `the record is not closed by ^ before line ${line}`;
      this.take(this.current);
      this.current = null;
    }
    this.current ??= { line, fields: new Map() };
    // Split lines (S, E, $) repeat; the transaction's own fields come once.
    if (!this.current.fields.has(code)) this.current.fields.set(code, value);
  }

  private header(line: number, text: string): void {
    if (this.current) {
      this.current.error ??= `the record is not closed by ^ before line ${line}`;
      this.take(this.current);
      this.current = null;
    }
    const type = /^!type:\s*(.*)$/i.exec(text)?.[1]?.trim().toLowerCase();
    if (type !== undefined) this.section = TRANSACTION_TYPES.has(type) ? 'transactions' : type.startsWith('inv') ? 'investments' : 'other';
    else if (/^!account\b/i.test(text)) this.section = 'other';
    // !Option:AutoSwitch and !Clear:AutoSwitch only frame the account list.
  }

  private take(entry: Entry): void {
    if (this.sample) {
      this.sample.push(entry);
      if (this.sample.length >= RECORD_SAMPLE) this.detect();
      return;
    }
    this.out.push('fields' in entry ? this.reader!(entry) : rowError(entry.line, entry.error));
  }

  private detect(): void {
    const sample = this.sample!;
    this.sample = null;
    const records = sample.filter((e): e is QifRecord => 'fields' in e && !e.error);
    const dates = records.map((r) => qifDate(r.fields.get('D') ?? ''));
    const m = this.options.mapping;
    const given = m?.dateFormat;
    const order: DateOrder = given === 'DMY' || given === 'MDY' ? given : dateOrderOf(dates, this.options.currency.toUpperCase() === 'USD');
    const mark = m?.decimalSeparator ?? decimalMarkOf(records.map((r) => r.fields.get('T') ?? r.fields.get('U') ?? ''), '.');
    this.detected = { format: 'QIF', dateFormat: given ?? dateFormatOf(dates, order) ?? order, decimalSeparator: mark };
    this.notes.push(`dates ${order}`, `decimal mark ${JSON.stringify(mark)}`);
    const { currency } = this.options;
    this.reader = (r) => readRecord(r, order, given, mark, currency);
    for (const e of sample) this.take(e);
  }

  private fatal(message: string): void {
    this.detected ??= { format: 'QIF' };
    this.out.push({ ok: false, line: 0, message, fatal: true });
    this.stopped = true;
  }
}
