import { parseCsv } from './csv.js';
import { parseOfx } from './ofx.js';
import type { ParseOptions, ParseResult } from './types.js';

export type { ImportErrorEntry, ParsedItem, ParsedRow, ParseResult } from './types.js';

/** Parses a statement of the contract's ImportFormat. Pure: bytes in, rows and errors out. */
export function parseStatement(format: 'CSV' | 'OFX', bytes: Uint8Array, options: ParseOptions): ParseResult {
  return format === 'CSV' ? parseCsv(bytes, options) : parseOfx(bytes, options);
}
