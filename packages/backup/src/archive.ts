import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

/**
 * The archive: one gzip file of lines, readable with `zcat`.
 *   {"format":"centavo-backup","version":1,...}          header
 *   {"kind":"table",...}  then the table's rows in PostgreSQL's COPY text format, one a line,
 *   \.                    then (COPY's own end marker: a row never prints as it)
 *   {"kind":"table-end","rows":N,"sha256":"..."}          count and hash of the rows' bytes
 *   {"kind":"redis",...}                                  one line per Redis entry kept
 *   {"kind":"manifest",...,"sha256":"..."}                last line: everything, and the hash of
 *                                                         every byte before it
 * Rows stream through in both directions: memory stays bounded whatever a table holds.
 */
export const FORMAT = 'centavo-backup';
export const FORMAT_VERSION = 1;
export const END_OF_ROWS = Buffer.from('\\.\n');
const NEWLINE = 0x0a;

/** Exit codes of `centavo backup` / `centavo restore` besides 0 (done) and 1 (anything unexpected). */
export const EXIT_REFUSED = 2;
export const EXIT_CORRUPT = 3;

/** An error an operator can act on, with the exit code the command ends with. */
export class BackupError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

export const corrupt = (message: string) => new BackupError(`archive is corrupt or not a Centavo backup: ${message}`, EXIT_CORRUPT);

/** Writes the gzip stream, hashing every uncompressed byte; write() waits when the file lags. */
export class ArchiveWriter {
  private readonly gzip = createGzip({ level: 6 });
  private readonly file: Writable;
  private readonly hash: Hash = createHash('sha256');

  constructor(path: string) {
    this.file = createWriteStream(path);
    this.gzip.pipe(this.file);
  }

  async write(chunk: Buffer | string): Promise<void> {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.hash.update(buf);
    if (!this.gzip.write(buf)) await once(this.gzip, 'drain');
  }

  writeJson(value: unknown): Promise<void> {
    return this.write(`${JSON.stringify(value)}\n`);
  }

  /** The hash of everything written so far (the manifest carries it). */
  digest(): string {
    return this.hash.copy().digest('hex');
  }

  async close(): Promise<void> {
    this.gzip.end();
    await finished(this.file);
  }

  destroy(): void {
    this.gzip.destroy();
    this.file.destroy();
  }
}

/** Reads the archive back line by line (a line keeps its '\n'), hashing what it hands out. */
export class ArchiveReader {
  private readonly source: Readable;
  private readonly iterator: AsyncIterator<Buffer>;
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private done = false;
  readonly hash: Hash = createHash('sha256');

  constructor(path: string) {
    const gunzip = createGunzip();
    this.source = createReadStream(path).pipe(gunzip);
    this.iterator = this.source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** The next line with its '\n', or null at the end; a last line without '\n' is corruption. */
  async line(): Promise<Buffer | null> {
    for (;;) {
      const end = this.buf.indexOf(NEWLINE, this.pos);
      if (end >= 0) {
        const line = this.buf.subarray(this.pos, end + 1);
        this.pos = end + 1;
        this.hash.update(line);
        return line;
      }
      if (this.done) {
        if (this.pos < this.buf.length) throw corrupt('it ends in the middle of a line (truncated?)');
        return null;
      }
      let next: IteratorResult<Buffer>;
      try {
        next = await this.iterator.next();
      } catch (error) {
        throw corrupt(`gzip: ${(error as Error).message}`);
      }
      if (next.done) this.done = true;
      else {
        this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), next.value]) : next.value;
        this.pos = 0;
      }
    }
  }

  /** The next line as JSON; `what` names the record expected, for the error. */
  async json<T>(what: string): Promise<T> {
    const line = await this.line();
    if (!line) throw corrupt(`it ends where ${what} was expected (truncated?)`);
    return parseJsonLine<T>(line, what);
  }

  /** The hash of every line handed out so far. */
  digest(): string {
    return this.hash.copy().digest('hex');
  }

  close(): void {
    this.source.destroy();
  }
}

export function parseJsonLine<T>(line: Buffer, what: string): T {
  try {
    const value = JSON.parse(line.toString('utf8')) as T;
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    return value;
  } catch {
    throw corrupt(`${what} is not valid JSON`);
  }
}

/**
 * Rows of one table from the reader up to the end marker, in chunks of about `chunkBytes`;
 * `onRow` sees each row (with its '\n') to count and hash it.
 */
export async function* rowChunks(reader: ArchiveReader, onRow: (row: Buffer) => void, chunkBytes = 256 * 1024): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let size = 0;
  for (;;) {
    const line = await reader.line();
    if (!line) throw corrupt('a table ends without its end marker (truncated?)');
    if (line.equals(END_OF_ROWS)) break;
    onRow(line);
    // A view into the reader's buffer, which is replaced (never overwritten) as it reads on.
    pending.push(line);
    size += line.length;
    if (size >= chunkBytes) {
      yield Buffer.concat(pending);
      pending = [];
      size = 0;
    }
  }
  if (size) yield Buffer.concat(pending);
}

/** Counts the rows (newlines) of COPY text output. */
export function countLines(chunk: Buffer): number {
  let n = 0;
  for (let i = chunk.indexOf(NEWLINE); i >= 0; i = chunk.indexOf(NEWLINE, i + 1)) n++;
  return n;
}
