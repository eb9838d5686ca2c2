import { MAX_RECORD_LENGTH } from './types.js';

export type LineSink = (line: number, text: string | null) => void;

/**
 * Physical lines of text pushed in pieces, with their 1-based numbers (CR LF or LF). A line
 * longer than MAX_RECORD_LENGTH is passed as null (an error for the caller) and skipped up to
 * its end without being kept, so a 1 GB line costs no memory.
 */
export class LineSplitter {
  private partial = '';
  private skip = false;
  private line = 1;

  constructor(private readonly sink: LineSink) {}

  push(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      if (this.skip) this.skip = false;
      else if (this.partial.length + (nl - start) > MAX_RECORD_LENGTH) this.sink(this.line, null);
      else this.emit(this.partial + text.slice(start, nl));
      this.partial = '';
      this.line++;
      start = nl + 1;
    }
    if (this.skip || start === text.length) return;
    if (this.partial.length + (text.length - start) > MAX_RECORD_LENGTH) {
      this.sink(this.line, null);
      this.partial = '';
      this.skip = true;
    } else this.partial += text.slice(start);
  }

  /** Whether the rest of a too long line is being dropped (up to the next LF). */
  get skipping(): boolean {
    return this.skip;
  }

  end(): void {
    if (!this.skip && this.partial) this.emit(this.partial);
    this.partial = '';
  }

  private emit(text: string): void {
    this.sink(this.line, text.endsWith('\r') ? text.slice(0, -1) : text);
  }
}
