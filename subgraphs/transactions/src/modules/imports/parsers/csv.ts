import { decimalMarkOf, readAmount } from './amount.js';
import { amountTexts, directionOf, guessColumns, headerColumns, type Columns } from './csv-columns.js';
import { CsvRecords, type CsvRecord } from './csv-records.js';
import { dateFormatOf, dateOrderOf, looksLikeDate, readDate, type DateOrder } from './dates.js';
import { cleanDescription, fold, quote } from './text.js';
import {
  MAX_RECORD_LENGTH,
  rowError,
  type ColumnRef,
  type DateFormat,
  type DecimalMark,
  type Delimiter,
  type Detection,
  type FormatParser,
  type ImportMapping,
  type ParsedItem,
  type ParseOptions,
  type ParserOutput,
} from './types.js';

/** Text read before the delimiter is chosen, and records read before the columns, date order and decimal mark are. */
const DELIMITER_SAMPLE = 64 * 1024;
const RECORD_SAMPLE = 1000;
const RECORD_SAMPLE_CHARS = 1024 * 1024;

/**
 * The delimiter whose count is the same on most of the first lines (quoted text aside); on a
 * tie tab, then `;`, then `,` — commas also appear in amounts with a decimal comma.
 */
export function detectDelimiter(text: string): Delimiter {
  const lines = text
    .split(/\r?\n/, 40)
    .filter((l) => l.trim() && l.length <= MAX_RECORD_LENGTH)
    .slice(0, 20)
    .map((l) => l.replace(/"[^"]*"/g, ''));
  let best: Delimiter = ',';
  let bestScore = 0;
  for (const candidate of ['\t', ';', ','] as const) {
    const counts = lines.map((l) => l.split(candidate).length - 1);
    const mode = mostFrequent(counts.filter((c) => c > 0));
    if (mode === undefined) continue;
    const score = (counts.filter((c) => c === mode).length / lines.length) * 10 + Math.min(mode, 5) / 10;
    if (score > bestScore) [best, bestScore] = [candidate, score];
  }
  return best;
}

function mostFrequent(values: number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0];
}

type Field = 'date' | 'description' | 'amount' | 'debit' | 'credit' | 'direction' | 'fee' | 'payee';
const FIELDS: Field[] = ['date', 'description', 'amount', 'debit', 'credit', 'direction', 'fee', 'payee'];

const hasColumns = (m: ImportMapping | null | undefined): boolean => FIELDS.some((f) => m?.[f] !== undefined);

/** A column the user named, in `header` (folded names) or by index. */
function resolve(ref: ColumnRef, header: string[] | null): number | null {
  if (typeof ref === 'number') return ref;
  if (!header) return null;
  const index = header.indexOf(fold(ref));
  return index >= 0 ? index : null;
}

interface Layout {
  columns: Columns;
  /** Index of the first data record in the sample. */
  start: number;
  header: string[] | null;
}

/** The user's columns: names are looked for in the first 10 records, indexes need no header. */
function mappedLayout(recs: CsvRecord[], m: ImportMapping): Layout | string {
  const byName = FIELDS.some((f) => typeof m[f] === 'string');
  for (let i = 0; i < (byName ? Math.min(recs.length, 10) : 1); i++) {
    const header = byName || m.hasHeader ? recs[i]?.cells ?? null : null;
    const folded = header?.map(fold) ?? null;
    const columns: Partial<Columns> = {};
    let missing: Field | null = null;
    for (const f of FIELDS) {
      if (m[f] === undefined) continue;
      const index = resolve(m[f], folded);
      if (index === null) missing ??= f;
      else columns[f] = index;
    }
    if (missing) {
      if (i + 1 < Math.min(recs.length, 10)) continue;
      return `mapping.${missing}: no column ${quote(String(m[missing]))} in the header (the first 10 rows)`;
    }
    const cols = columns as Columns;
    if (byName || m.hasHeader) return { columns: cols, start: i + 1, header };
    // Indexes without hasHeader: rows above the first whose date column reads as a date are a header or the bank's preamble.
    const first = m.hasHeader === false ? 0 : recs.slice(0, 10).findIndex((r) => looksLikeDate(r.cells[cols.date] ?? ''));
    const start = Math.max(first, 0);
    return { columns: cols, start, header: start > 0 ? recs[start - 1]!.cells : null };
  }
  return 'the file has no rows';
}

/** The header among the first records (banks put account details above it), or guessed columns. */
function detectedLayout(recs: CsvRecord[], hasHeader: boolean | undefined): Layout | null {
  if (hasHeader !== false) {
    for (let i = 0; i < Math.min(recs.length, 10); i++) {
      const columns = headerColumns(recs[i]!.cells);
      if (columns) return { columns, start: i + 1, header: recs[i]!.cells };
    }
  }
  if (hasHeader === true) return null;
  const columns = guessColumns(recs.slice(0, 20).map((r) => r.cells));
  return columns ? { columns, start: 0, header: null } : null;
}

interface RowReader {
  columns: Columns;
  order: DateOrder;
  only: DateFormat | undefined;
  mark: DecimalMark;
  currency: string;
}

function amountOf(cells: string[], r: RowReader): bigint | string {
  const { amount, debit, credit, direction, fee } = r.columns;
  const read = (index: number | undefined) => (index !== undefined && cells[index] ? readAmount(cells[index], r.mark, r.currency) : 0n);
  const magnitude = (v: bigint) => (v < 0n ? -v : v);
  let total: bigint;
  if (amount !== undefined) {
    if (!cells[amount]) return 'amount is empty';
    const value = read(amount);
    if (typeof value === 'string') return value;
    // Unsigned amounts with a column saying which way the money went ("Af"/"Bij", "DR"/"CR").
    const way = direction !== undefined ? directionOf(cells[direction] ?? '') : 0;
    total = way === 0 ? value : BigInt(way) * magnitude(value);
  } else {
    const out = read(debit);
    const into = read(credit);
    if (typeof out === 'string') return out;
    if (typeof into === 'string') return into;
    if (out === 0n && into === 0n && !(fee !== undefined && cells[fee])) return 'no amount in the debit or credit column';
    // Debits are money out whether the bank writes them with a minus or not.
    total = into - magnitude(out);
  }
  // A fee the bank charged on the row is money out too, with or without its minus.
  const charged = read(fee);
  if (typeof charged === 'string') return charged;
  return total - magnitude(charged);
}

// Rows that only carry a balance ("SALDO DO DIA", "Opening balance"): no transaction, no error.
// Without an amount, any description starting so; with one (Banco do Brasil writes the balance
// in its Valor column), only these whole descriptions.
const BALANCE_LINE = /^(?:saldo|balance|opening balance|closing balance|balance brought forward|balance carried forward|brought forward|carried forward|kontostand|solde|anfangssaldo|endsaldo)\b/;
const BALANCE_ONLY = new Set([
  'saldo', 's a l d o', 'saldo anterior', 'saldo do dia', 'saldo final', 'saldo inicial', 'saldo atual', 'saldo disponivel', 'saldo total',
  'opening balance', 'closing balance', 'balance brought forward', 'balance carried forward', 'brought forward', 'carried forward',
  'balance b f', 'balance c f', 'available balance', 'anfangssaldo', 'endsaldo', 'kontostand', 'solde', 'solde initial', 'solde final',
  'solde precedent', 'saldo inicial del periodo', 'saldo final del periodo',
]);

const hasAmount = (cells: string[], c: Columns) => [c.amount, c.debit, c.credit, c.fee].some((i) => i !== undefined && (cells[i] ?? '').trim() !== '');

function descriptionOf(cells: string[], columns: Columns): string {
  const parts = [columns.description, ...(columns.moreDescription ?? [])].map((i) => (cells[i] ?? '').trim()).filter(Boolean);
  const text = parts.join(' ');
  const payee = columns.payee !== undefined ? (cells[columns.payee] ?? '').trim() : '';
  if (!payee || fold(text).includes(fold(payee))) return text;
  return text.trim() ? `${payee} - ${text}` : payee;
}

function readRow({ cells, line }: CsvRecord, r: RowReader): ParsedItem | null {
  const rawDescription = descriptionOf(cells, r.columns);
  const folded = fold(rawDescription);
  if (BALANCE_ONLY.has(folded) || (!hasAmount(cells, r.columns) && BALANCE_LINE.test(folded))) return null;
  const date = readDate(cells[r.columns.date] ?? '', r.order, r.only);
  if (typeof date !== 'string') return rowError(line, date.error);
  const amountMinor = amountOf(cells, r);
  if (typeof amountMinor === 'string') return rowError(line, amountMinor);
  const description = cleanDescription(rawDescription);
  if (!description) return rowError(line, 'description is empty or has control characters');
  return { ok: true, line, date, amountMinor, description, externalId: null };
}

/**
 * A direction column is used only for an amount column without signs, and only when its values
 * say debit or credit (at least 80% of them): otherwise the signs of the amounts tell.
 */
function withUsableDirection(columns: Columns, recs: CsvRecord[]): Columns {
  const { direction, amount, ...rest } = columns;
  if (direction === undefined) return columns;
  const keep = { ...rest, ...(amount !== undefined ? { amount } : {}) };
  if (amount === undefined) return keep;
  const amounts = recs.map((r) => (r.cells[amount] ?? '').trim()).filter(Boolean);
  const ways = recs.map((r) => (r.cells[direction] ?? '').trim()).filter(Boolean);
  const signed = amounts.some((v) => /^[-(]|-$|\d\s*[DC]R?$/i.test(v));
  const known = ways.filter((v) => directionOf(v) !== 0).length;
  return !signed && ways.length > 0 && known >= ways.length * 0.8 ? columns : keep;
}

/**
 * A CSV statement of any bank, streamed: the delimiter is chosen from the first 64 KiB of text,
 * then the header, the columns, the date order and the decimal mark from the first 1,000
 * records (or 1 MiB); the user's mapping overrides any of them. Records are held only until
 * that choice is made, then each is read as it comes.
 */
export class CsvParser implements FormatParser {
  detected: Omit<Detection, 'encoding'> | null = null;
  stopped = false;
  private head = '';
  private records: CsvRecords | null = null;
  /** Records and errors waiting for detection, in file order. */
  private sample: (CsvRecord | { line: number; error: string })[] | null = [];
  private sampleChars = 0;
  private reader: RowReader | null = null;
  private delimiter: Delimiter = ',';
  private out: ParserOutput[] = [];
  readonly notes: string[] = [];

  constructor(private readonly options: ParseOptions) {}

  push(text: string, out: ParserOutput[]): void {
    if (this.stopped) return;
    this.out = out;
    if (!this.records) {
      this.head += text;
      if (this.head.length < DELIMITER_SAMPLE) return;
      this.start();
      return;
    }
    this.records.push(text);
  }

  private emit(item: ParsedItem | null): void {
    if (item) this.out.push(item);
  }

  skipTo(): number | null {
    return this.records?.skipping ? 10 : null;
  }

  end(out: ParserOutput[]): void {
    if (this.stopped) return;
    this.out = out;
    if (!this.records) this.start();
    this.records!.end();
    if (this.sample) this.detect();
  }

  private start(): void {
    this.delimiter = this.options.mapping?.delimiter ?? detectDelimiter(this.head);
    this.notes.push(`delimiter ${JSON.stringify(this.delimiter)}`);
    this.records = new CsvRecords(this.delimiter, (r) => this.take(r));
    const text = this.head;
    this.head = '';
    this.records.push(text);
  }

  private take(r: CsvRecord | { line: number; error: string }): void {
    if (this.stopped) return;
    if (this.sample) {
      this.sample.push(r);
      this.sampleChars += 'cells' in r ? r.cells.reduce((n, c) => n + c.length + 1, 0) : 0;
      if (this.sample.length >= RECORD_SAMPLE || this.sampleChars >= RECORD_SAMPLE_CHARS) this.detect();
      return;
    }
    if (!('cells' in r)) this.out.push(rowError(r.line, r.error));
    else if (r.cells.some((c) => c !== '')) this.emit(readRow(r, this.reader!));
  }

  /** Chooses columns, date order and decimal mark from the sample, then reads it. */
  private detect(): void {
    const sample = this.sample!;
    this.sample = null;
    const recs = sample.filter((r): r is CsvRecord => 'cells' in r);
    const m = this.options.mapping;
    const delimiter = this.delimiter;
    const layout = hasColumns(m) ? mappedLayout(recs, m!) : detectedLayout(recs, m?.hasHeader);
    if (layout === null || typeof layout === 'string') {
      this.detected = { format: 'CSV', delimiter };
      for (const r of sample) if (!('cells' in r)) this.out.push(rowError(r.line, r.error));
      const message =
        layout ??
        (m?.hasHeader ? 'no header row with date, description and amount (or debit and credit) columns' : 'no header row with date, description and amount (or debit and credit) columns, and no columns that read as dates and amounts');
      this.out.push({ ok: false, line: 0, message, fatal: true });
      this.stopped = true;
      return;
    }
    const { start, header } = layout;
    const startLine = recs[start]?.line ?? Infinity;
    const dataRecs = recs.slice(start);
    const columns = hasColumns(m) ? layout.columns : withUsableDirection(layout.columns, dataRecs);
    const dates = dataRecs.map((r) => r.cells[columns.date] ?? '');
    const given = m?.dateFormat;
    const order: DateOrder = given === 'DMY' || given === 'MDY' ? given : dateOrderOf(dates, this.options.currency.toUpperCase() === 'USD');
    const mark = m?.decimalSeparator ?? decimalMarkOf(amountTexts(dataRecs.map((r) => r.cells), columns), delimiter === ';' ? ',' : '.');
    const column = (index: number) => ({ index, name: header?.[index] ?? null });
    this.detected = {
      format: 'CSV',
      delimiter,
      decimalSeparator: mark,
      dateFormat: given ?? dateFormatOf(dates, order) ?? order,
      hasHeader: header !== null,
      columns: {
        date: column(columns.date),
        description: column(columns.description),
        ...(columns.amount !== undefined ? { amount: column(columns.amount) } : {}),
        ...(columns.debit !== undefined ? { debit: column(columns.debit) } : {}),
        ...(columns.credit !== undefined ? { credit: column(columns.credit) } : {}),
        ...(columns.direction !== undefined ? { direction: column(columns.direction) } : {}),
        ...(columns.fee !== undefined ? { fee: column(columns.fee) } : {}),
        ...(columns.payee !== undefined ? { payee: column(columns.payee) } : {}),
      },
    };
    this.notes.push(`columns ${JSON.stringify(columns)}${header ? '' : ' (no header)'}`, `dates ${order}`, `decimal mark ${JSON.stringify(mark)}`);
    this.reader = { columns, order, only: given, mark, currency: this.options.currency };
    for (const r of sample) {
      if (!('cells' in r)) this.out.push(rowError(r.line, r.error));
      else if (r.line >= startLine && r.cells.some((c) => c !== '')) this.emit(readRow(r, this.reader));
    }
  }
}
