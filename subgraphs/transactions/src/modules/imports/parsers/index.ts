import { parseCsv } from './csv.js';
import { parseOfx } from './ofx.js';
import type { ParsedItem, ParseOptions, ParseResult } from './types.js';

export type { ImportErrorEntry, ParsedItem, ParsedRow, ParseResult } from './types.js';

/** Parses a statement of the contract's ImportFormat. Pure: bytes in, rows and errors out. */
export function parseStatement(format: 'CSV' | 'OFX', bytes: Uint8Array, options: ParseOptions): ParseResult {
  return format === 'CSV' ? parseCsv(bytes, options) : parseOfx(bytes, options);
}

/** Nothing (more) of the file can be imported: not a statement of this format, wrong currency... */
export class UnreadableStatement extends Error {}

/**
 * Parses a statement as it is read: items in file order; throws UnreadableStatement when the
 * file as a whole cannot be read.
 *
 * TEMPORARY ADAPTER, replaced by the streaming parsers at merge (h11-formats): it concatenates
 * the source and calls parseStatement, so it holds the file and its items in memory.
 */
export async function* parseStatementStream(format: 'CSV' | 'OFX', source: AsyncIterable<Uint8Array>, options: ParseOptions): AsyncGenerator<ParsedItem> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  const parsed = parseStatement(format, Buffer.concat(parts), options);
  if (parsed.fatal) throw new UnreadableStatement(parsed.fatal);
  yield* parsed.items;
}
