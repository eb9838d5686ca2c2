import { CamtParser } from './camt.js';
import { CsvParser } from './csv.js';
import { StreamDecoder } from './decoder.js';
import { OfxParser } from './ofx.js';
import { QifParser } from './qif.js';
import type { Detection, FormatParser, ParsedItem, ParseOptions, ParseResult, ParserOutput, StatementFormat } from './types.js';

export type { Detection, ImportErrorEntry, ImportMapping, ParsedItem, ParsedRow, ParseResult, StatementFormat } from './types.js';
export { MAX_RECORD_LENGTH } from './types.js';

/** Why the whole file cannot be imported: always the last item of a stream. */
export interface FatalItem {
  ok: false;
  line: 0;
  message: string;
  fatal: true;
}

/** What parseStatementStream yields: first the detection, then rows and row errors in file order. */
export type StatementItem = { detected: Detection } | ParsedItem | FatalItem;

/** Bytes are handed to the decoder at most this many at a time (the sync wrapper's whole file too). */
const PIECE = 1024 * 1024;

function countLf(buffer: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = buffer.indexOf(10, from); i !== -1 && i < to; i = buffer.indexOf(10, i + 1)) n++;
  return n;
}

const parserFor = (format: StatementFormat, options: ParseOptions): FormatParser & { notes: string[] } => {
  switch (format) {
    case 'CSV':
      return new CsvParser(options);
    case 'OFX':
      return new OfxParser(options);
    case 'QIF':
      return new QifParser(options);
    case 'CAMT053':
      return new CamtParser(options);
  }
};

/**
 * One statement being parsed, fed bytes as they arrive: `write` and `end` return the items
 * that became ready, in file order. `detected` is set before the first of them is returned.
 */
export class StatementParser {
  private readonly decoder: StreamDecoder;
  private readonly parser: FormatParser & { notes: string[] };
  private readonly invert: boolean;

  constructor(format: StatementFormat, options: ParseOptions) {
    this.invert = options.mapping?.invertSign === true;
    this.decoder = new StreamDecoder(options.mapping?.encoding);
    this.parser = parserFor(format, options);
  }

  /** Whether the parser needs no more bytes (a fatal error, or a fault it cannot read past). */
  get done(): boolean {
    return this.parser.stopped;
  }

  get detected(): Detection | null {
    const d = this.parser.detected;
    return d && this.decoder.encoding ? { ...d, encoding: this.decoder.encoding } : null;
  }

  /** What detection chose, for logs (with the bytes read as windows-1252 in a UTF-8 file). */
  get notes(): string[] {
    const fallbacks = this.decoder.fallbacks ? [`${this.decoder.fallbacks} bytes that are no UTF-8 read as Latin-1`] : [];
    return [`encoding ${this.decoder.encoding ?? 'unknown'}`, ...fallbacks, ...this.parser.notes];
  }

  /** Rows with their sign turned when the mapping asks for it (`invertSign`). */
  private signed(out: ParserOutput[]): ParserOutput[] {
    if (!this.invert) return out;
    return out.map((item) => ('ok' in item && item.ok ? { ...item, amountMinor: -item.amountMinor } : item));
  }

  write(bytes: Uint8Array): ParserOutput[] {
    return this.signed(this.read(bytes));
  }

  private read(bytes: Uint8Array): ParserOutput[] {
    const out: ParserOutput[] = [];
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let skipped = false;
    for (let at = 0; at < bytes.length && !this.parser.stopped; ) {
      const skip = skipped ? null : (this.parser.skipTo?.() ?? null);
      skipped = false;
      if (skip !== null && this.decoder.encoding) {
        // The end of a too long line is found in the bytes (LF and `<` are one byte in UTF-8
        // and Latin-1 alike): a 1 GB line is dropped at memchr speed, never decoded.
        const found = buffer.indexOf(skip, at);
        const to = found < 0 ? bytes.length : found;
        this.parser.skipped?.(countLf(buffer, at, to));
        this.decoder.discard();
        at = to;
        skipped = true; // the parser reads the byte that ends the skip
        continue;
      }
      const end = Math.min(at + PIECE, bytes.length);
      const text = this.decoder.write(bytes.subarray(at, end));
      if (text) this.parser.push(text, out);
      at = end;
    }
    return out;
  }

  end(): ParserOutput[] {
    const out: ParserOutput[] = [];
    if (this.parser.stopped) return out;
    const text = this.decoder.end();
    if (text) this.parser.push(text, out);
    this.parser.end(out);
    return this.signed(out);
  }
}

/**
 * Parses a statement as it streams in, holding at most a bounded part of it (a 64 KiB sample
 * for the encoding and CSV delimiter, the first 1,000 records of a CSV or QIF file for the
 * columns, date order and decimal mark, and one record or XML element at a time after that).
 *
 * The detection report: the FIRST value yielded is always `{ detected }` (what was used to
 * read the file: given in `options.mapping` or detected), before any row; then each row or
 * row error in file order (`ok` true or false, with its line); when the file cannot be
 * imported at all the last value is a `FatalItem` (`fatal: true`, line 0) and the source is
 * not read further. A row error (a long line, a broken record) never stops the stream.
 */
export async function* parseStatementStream(format: StatementFormat, source: AsyncIterable<Uint8Array>, options: ParseOptions): AsyncGenerator<StatementItem> {
  const parser = new StatementParser(format, options);
  let announced = false;
  function* release(items: ParserOutput[]): Generator<StatementItem> {
    if (!announced && (items.length || parser.done)) {
      announced = true;
      yield { detected: parser.detected ?? { format, encoding: 'UTF8' } };
    }
    yield* items;
  }
  for await (const chunk of source) {
    yield* release(parser.write(chunk));
    if (parser.done) return;
  }
  yield* release(parser.end());
  if (!announced) yield { detected: parser.detected ?? { format, encoding: 'UTF8' } };
}

/** Parses a whole statement held in memory (content that came in a request): rows, errors, detection. */
export function parseStatement(format: StatementFormat, bytes: Uint8Array, options: ParseOptions): ParseResult {
  const parser = new StatementParser(format, options);
  const items = [...parser.write(bytes), ...parser.end()];
  const fatal = items.find((i): i is FatalItem => 'fatal' in i);
  return {
    items: items.filter((i): i is ParsedItem => !('fatal' in i)),
    ...(fatal ? { fatal: fatal.message } : {}),
    detected: parser.detected,
    notes: parser.notes,
  };
}
