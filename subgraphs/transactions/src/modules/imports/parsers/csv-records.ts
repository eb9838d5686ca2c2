import { MAX_RECORD_LENGTH, type Delimiter } from './types.js';

/** A CSV record: its trimmed cells and the (1-based) physical line where it ends. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

export type RecordSink = (record: CsvRecord | { line: number; error: string }) => void;

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * RFC 4180 records from text pushed in pieces, in bounded memory: quoted fields (with "" for a
 * quote and line breaks inside), a quote inside an unquoted field kept as text (as banks write
 * `5" TV`), empty lines skipped, cells trimmed. A record longer than MAX_RECORD_LENGTH
 * characters is one error and is skipped up to the next line break without being kept, so a
 * 1 GB line costs no memory; a quoted field still open at the end is an error.
 *
 * Our own: csv-parse (used before) can bound a record (`max_record_size`) but then stops the
 * whole parse even with `skip_records_with_error`, so a file could not go on past a long line;
 * this state machine resynchronizes at the next line break and reads ~1.5M lines/s.
 */
export class CsvRecords {
  private cells: string[] = [];
  private field = '';
  private quoted = false;
  private inQuotes = false;
  /** In a quoted field, a quote was the last character: the next one tells "" from the end. */
  private quoteSeen = false;
  private length = 0;
  skipping = false;
  private startLine = 1;
  line = 1;
  private readonly delim: number;

  constructor(
    delimiter: Delimiter,
    private readonly sink: RecordSink,
  ) {
    this.delim = delimiter.charCodeAt(0);
  }

  push(text: string): void {
    const n = text.length;
    let seg = 0; // start of the literal characters not yet added to `field`
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (this.skipping) {
        if (c === LF) {
          this.skipping = false;
          this.line++;
          this.startLine = this.line;
          seg = i + 1;
        }
        continue;
      }
      if (++this.length > MAX_RECORD_LENGTH) {
        this.sink({ line: this.startLine, error: `row is longer than ${MAX_RECORD_LENGTH} characters` });
        this.reset();
        this.skipping = true;
        i--; // the current character may be the line break that ends the skip
        continue;
      }
      if (this.inQuotes) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (c === QUOTE) {
            this.field += '"';
            seg = i + 1;
            continue;
          }
          this.inQuotes = false; // the quote closed the field: c is read unquoted below
          seg = i;
        } else {
          if (c === QUOTE) {
            this.field += text.slice(seg, i);
            this.quoteSeen = true;
            seg = i + 1;
          } else if (c === LF) this.line++;
          continue;
        }
      }
      if (c === this.delim) {
        this.endField(text.slice(seg, i));
        seg = i + 1;
      } else if (c === LF) {
        this.endField(text.slice(seg, i));
        this.endRecord();
        this.line++;
        this.startLine = this.line;
        seg = i + 1;
      } else if (c === CR) {
        this.field += text.slice(seg, i);
        seg = i + 1;
      } else if (c === QUOTE && !this.quoted && (this.field + text.slice(seg, i)).trim() === '') {
        this.field = '';
        this.quoted = true;
        this.inQuotes = true;
        seg = i + 1;
      }
    }
    if (!this.skipping && seg < n) this.field += text.slice(seg, n);
  }

  end(): void {
    if (this.skipping) return;
    if (this.inQuotes && !this.quoteSeen) {
      this.sink({ line: this.startLine, error: 'a quoted field is not closed' });
      this.reset();
      return;
    }
    this.endField('');
    this.endRecord();
  }

  private endField(rest: string): void {
    const value = this.field + rest;
    this.cells.push(value.trim());
    this.field = '';
    this.quoted = false;
    this.inQuotes = false;
    this.quoteSeen = false;
  }

  private endRecord(): void {
    const cells = this.cells;
    this.cells = [];
    this.length = 0;
    if (cells.length === 1 && cells[0] === '') return;
    this.sink({ line: this.line, cells });
  }

  private reset(): void {
    this.cells = [];
    this.field = '';
    this.quoted = this.inQuotes = this.quoteSeen = false;
    this.length = 0;
  }
}
