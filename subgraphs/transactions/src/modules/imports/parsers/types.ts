import type { Encoding } from './decoder.js';

/** One good row of a statement, in the account's currency. */
export interface ParsedRow {
  /** 1-based line of the file where the row ends. */
  line: number;
  /** Calendar day "YYYY-MM-DD". */
  date: string;
  /** Signed integer minor units of the account's currency; negative = money out. */
  amountMinor: bigint;
  description: string;
  /** The bank's id of the row (OFX FITID, camt.053 AcctSvcrRef), the de-duplication key when present. */
  externalId: string | null;
}

/** A row that could not be read; line 0 is the whole file. */
export interface ImportErrorEntry {
  line: number;
  message: string;
}

/** What a parser found, in file order: the import keeps going past bad rows. */
export type ParsedItem = ({ ok: true } & ParsedRow) | ({ ok: false } & ImportErrorEntry);

export type StatementFormat = 'CSV' | 'OFX' | 'QIF' | 'CAMT053';
export type DateFormat = 'ISO' | 'DMY' | 'MDY' | 'DMON';
export type Delimiter = ',' | ';' | '\t';
export type DecimalMark = ',' | '.';

/** A column as read: its 0-based index and, when the file has a header, its name there. */
export interface DetectedColumn {
  index: number;
  name: string | null;
}

/** What was used to read a file: given in the mapping, or chosen by detection. */
export interface Detection {
  format: StatementFormat;
  encoding: Encoding;
  delimiter?: Delimiter;
  decimalSeparator?: DecimalMark;
  dateFormat?: DateFormat;
  hasHeader?: boolean;
  columns?: {
    date: DetectedColumn;
    description: DetectedColumn;
    amount?: DetectedColumn;
    debit?: DetectedColumn;
    credit?: DetectedColumn;
    direction?: DetectedColumn;
    fee?: DetectedColumn;
    payee?: DetectedColumn;
  };
}

export interface ParseResult {
  items: ParsedItem[];
  /** Why nothing of the file can be imported (not a statement of this format, wrong currency). */
  fatal?: string;
  /** What was used to read the file (null only when nothing could be read at all). */
  detected: Detection | null;
  /** What detection chose (delimiter, columns, date order, decimal mark, encoding), for logs. */
  notes: string[];
}

/** A column given by the user: a header name, or a 0-based index. */
export type ColumnRef = string | number;

/** How to read a file instead of detecting it (every field optional; validated by the service). */
export interface ImportMapping {
  date?: ColumnRef;
  description?: ColumnRef;
  amount?: ColumnRef;
  debit?: ColumnRef;
  credit?: ColumnRef;
  /** Debit or credit of an unsigned amount ("DR"/"CR", "Af"/"Bij", "D"/"C"). */
  direction?: ColumnRef;
  /** A fee charged on the row: money out, with or without a minus. */
  fee?: ColumnRef;
  /** The other party, put before the description. */
  payee?: ColumnRef;
  delimiter?: Delimiter;
  decimalSeparator?: DecimalMark;
  /** Given: dates in another form are row errors. Detected: every form is read, this order for numeric ones. */
  dateFormat?: DateFormat;
  hasHeader?: boolean;
  encoding?: 'UTF8' | 'LATIN1';
  /** Every amount the other way round: card exports that write charges as positive numbers. */
  invertSign?: boolean;
}

export interface ParseOptions {
  /** The account's ISO 4217 currency: amounts are read in it (its decimals at most). */
  currency: string;
  mapping?: ImportMapping | null;
}

/** The longest line, CSV record, QIF line or XML text/tag that is read; longer is an error, never buffered. */
export const MAX_RECORD_LENGTH = 64 * 1024;

/**
 * One format's parser, fed decoded text in file order. It sets `detected` before it puts its
 * first item into `out`, and `stopped` when nothing more of the file can be read (then the
 * last item says why; a `fatal` one when not one row could be read).
 */
export interface FormatParser {
  push(text: string, out: ParserOutput[]): void;
  end(out: ParserOutput[]): void;
  readonly detected: Omit<Detection, 'encoding'> | null;
  readonly stopped: boolean;
  /**
   * While skipping a too long line or text: the ASCII byte that ends the skip (LF, `<`), so the
   * bytes before it are dropped without being decoded; `skipped` is told how many LF it held.
   */
  skipTo?(): number | null;
  skipped?(lines: number): void;
}

/** A parser's output: an item, or why the whole file cannot be imported. */
export type ParserOutput = ParsedItem | { ok: false; line: 0; message: string; fatal: true };

export const rowError = (line: number, message: string): ParsedItem => ({ ok: false, line, message });
