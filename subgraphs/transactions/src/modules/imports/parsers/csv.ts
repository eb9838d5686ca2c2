import { parse, type Options } from 'csv-parse/sync';
import { decimalMarkOf, readAmount, type DecimalMark } from './amount.js';
import { amountTexts, guessColumns, headerColumns, type Columns } from './csv-columns.js';
import { dateOrderOf, readDate, type DateOrder } from './dates.js';
import { cleanDescription, decodeText } from './text.js';
import { rowError, type ImportErrorEntry, type ParsedItem, type ParseOptions, type ParseResult } from './types.js';

type Delimiter = ',' | ';' | '\t';

/** Longer physical lines are refused before csv-parse sees them (a 5 MB line is one error). */
export const MAX_LINE_LENGTH = 10_000;

interface CsvRecord {
  line: number;
  cells: string[];
}

/**
 * The delimiter whose count is the same on most of the first lines (quoted text aside); on a
 * tie tab, then `;`, then `,` — commas also appear in amounts with a decimal comma.
 */
export function detectDelimiter(text: string): Delimiter {
  const lines = text.split(/\r?\n/, 40).filter((l) => l.trim()).slice(0, 20).map((l) => l.replace(/"[^"]*"/g, ''));
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

/** Blanks physical lines beyond MAX_LINE_LENGTH, each an error; the others keep their numbers. */
function dropLongLines(text: string): { text: string; errors: ImportErrorEntry[] } {
  const lines = text.split('\n');
  if (lines.every((l) => l.length <= MAX_LINE_LENGTH)) return { text, errors: [] };
  const errors: ImportErrorEntry[] = [];
  const kept = lines.map((l, i) => {
    if (l.length <= MAX_LINE_LENGTH) return l;
    errors.push({ line: i + 1, message: `line is longer than ${MAX_LINE_LENGTH} characters` });
    return '';
  });
  return { text: kept.join('\n'), errors };
}

const CSV_MESSAGES: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed',
  CSV_INVALID_CLOSING_QUOTE: 'a quote inside a field is not escaped',
};

/** Records with their line numbers; malformed ones become errors (csv-parse skips them and goes on). */
function records(text: string, delimiter: Delimiter): { records: CsvRecord[]; errors: ImportErrorEntry[] } {
  const out: CsvRecord[] = [];
  const errors: ImportErrorEntry[] = [];
  const options = {
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    trim: true,
    // No max_record_size: csv-parse stops reading at that error even when told to skip; long
    // lines are refused beforehand instead (dropLongLines).
    skip_records_with_error: true,
    on_skip: (err) => {
      const line = typeof err?.lines === 'number' ? err.lines : 0;
      errors.push({ line, message: CSV_MESSAGES[err?.code ?? ''] ?? `malformed CSV row (${err?.code ?? 'unknown'})` });
      return undefined;
    },
    on_record: (record: string[], context) => {
      out.push({ line: context.lines, cells: record });
      return null;
    },
  } satisfies Options;
  try {
    parse(text, options);
  } catch (error) {
    // Whatever csv-parse cannot skip ends the file there: the rows before it still count.
    const line = (error as { lines?: unknown }).lines;
    errors.push({ line: typeof line === 'number' ? line : 0, message: 'the file cannot be read as CSV from here on' });
  }
  return { records: out, errors };
}

/** The header among the first records (banks put account details above it), or guessed columns. */
function findColumns(recs: CsvRecord[]): { columns: Columns; start: number; header: boolean } | null {
  for (let i = 0; i < Math.min(recs.length, 10); i++) {
    const columns = headerColumns(recs[i]!.cells);
    if (columns) return { columns, start: i + 1, header: true };
  }
  const columns = guessColumns(recs.slice(0, 20).map((r) => r.cells));
  return columns ? { columns, start: 0, header: false } : null;
}

interface RowReader {
  columns: Columns;
  order: DateOrder;
  mark: DecimalMark;
  currency: string;
}

function amountOf(cells: string[], r: RowReader): bigint | string {
  const { amount, debit, credit } = r.columns;
  if (amount !== undefined) return cells[amount]?.trim() ? readAmount(cells[amount]!, r.mark, r.currency) : 'amount is empty';
  const out = debit !== undefined && cells[debit]?.trim() ? readAmount(cells[debit]!, r.mark, r.currency) : 0n;
  const into = credit !== undefined && cells[credit]?.trim() ? readAmount(cells[credit]!, r.mark, r.currency) : 0n;
  if (typeof out === 'string') return out;
  if (typeof into === 'string') return into;
  if (out === 0n && into === 0n) return 'no amount in the debit or credit column';
  // Debits are money out whether the bank writes them with a minus or not.
  return into - (out < 0n ? -out : out);
}

function readRow(rec: CsvRecord, r: RowReader): ParsedItem {
  const { cells, line } = rec;
  const date = readDate(cells[r.columns.date] ?? '', r.order);
  if (typeof date !== 'string') return rowError(line, date.error);
  const amountMinor = amountOf(cells, r);
  if (typeof amountMinor === 'string') return rowError(line, amountMinor);
  const description = cleanDescription(cells[r.columns.description] ?? '');
  if (!description) return rowError(line, 'description is empty or has control characters');
  return { ok: true, line, date, amountMinor, description, externalId: null };
}

/**
 * A CSV statement of any bank: csv-parse (quotes, ragged rows, BOM) with the delimiter, the
 * header, the columns, the date order and the decimal mark detected per file.
 */
export function parseCsv(bytes: Uint8Array, { currency }: ParseOptions): ParseResult {
  const decoded = decodeText(bytes);
  const guarded = dropLongLines(decoded.text);
  const delimiter = detectDelimiter(guarded.text);
  const parsed = records(guarded.text, delimiter);
  const errors = [...guarded.errors, ...parsed.errors];
  const notes = [`encoding ${decoded.encoding}`, `delimiter ${JSON.stringify(delimiter)}`];
  const found = findColumns(parsed.records);
  const sorted = (items: ParsedItem[]) => items.sort((a, b) => a.line - b.line);
  if (!found) {
    const fatal = 'no header row with date, description and amount (or debit and credit) columns, and no columns that read as dates and amounts';
    return { items: sorted(errors.map((e) => rowError(e.line, e.message))), fatal, notes };
  }
  const rows = parsed.records.slice(found.start).filter((r) => r.cells.some((c) => c !== ''));
  const order = dateOrderOf(rows.map((r) => r.cells[found.columns.date] ?? ''), currency.toUpperCase() === 'USD');
  const mark = decimalMarkOf(amountTexts(rows.map((r) => r.cells), found.columns), delimiter === ';' ? ',' : '.');
  notes.push(`columns ${JSON.stringify(found.columns)}${found.header ? '' : ' (guessed, no header)'}`, `dates ${order}`, `decimal mark ${JSON.stringify(mark)}`);
  const reader: RowReader = { columns: found.columns, order, mark, currency };
  return { items: sorted([...rows.map((r) => readRow(r, reader)), ...errors.map((e) => rowError(e.line, e.message))]), notes };
}
