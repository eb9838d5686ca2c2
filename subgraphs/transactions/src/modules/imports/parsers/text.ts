const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Statement bytes as text: UTF-8 (a BOM is dropped), or Latin-1 when the bytes are not valid
 * UTF-8 (what Brazilian and European banks' "ANSI" exports are; every byte is a Latin-1 character).
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'latin1' } {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: utf8.decode(body), encoding: 'utf-8' };
  } catch {
    return { text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1'), encoding: 'latin1' };
  }
}

// Control characters but tab, LF and CR, and half surrogate pairs: PostgreSQL refuses NUL in
// text and lone surrogates in jsonb (the outbox), the same rule as packages/server/src/input-text.ts.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const hasControl = (value: string): boolean => CONTROL.test(value);

export const MAX_DESCRIPTION = 500;

/** A description as stored: whitespace collapsed, at most 500 characters; null when unusable. */
export function cleanDescription(raw: string): string | null {
  const text = raw.replace(/\s+/g, ' ').trim();
  if (!text || hasControl(text)) return null;
  return text.length > MAX_DESCRIPTION ? text.slice(0, MAX_DESCRIPTION) : text;
}

// Printable ASCII: NFD and the accent strip leave it as it is, and its letters and digits are a-z 0-9.
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;

/**
 * Accents off, lower case, words only: the matching form of headers, month names and the
 * descriptions de-duplication compares. Most bank descriptions are ASCII: those skip the
 * Unicode normalization (the same result at a fraction of the cost; fold runs once a row).
 */
export const fold = (value: string): string =>
  PRINTABLE_ASCII.test(value)
    ? value.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()
    : value
        .normalize('NFD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim();

/** Quotes a value for a message, cut short so an error never carries a huge row. */
export const quote = (value: string): string => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
