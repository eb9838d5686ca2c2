/**
 * Statement bytes to text as they stream in, in bounded memory.
 *
 * The rule: the encoding is chosen from the first SNIFF_BYTES (or the whole file when shorter):
 * a UTF-8 BOM → UTF8_BOM (the BOM is dropped); bytes that are valid UTF-8 → UTF8; otherwise
 * LATIN1 (decoded as windows-1252, the "ANSI" of Brazilian and European banks' exports; every
 * byte is a character). A file chosen UTF-8 that later holds a byte that is no valid UTF-8 (a
 * Latin-1 "ç" at row 50,000) gets that byte decoded as windows-1252 too, never U+FFFD: a
 * mixed file keeps every character it meant, and `fallbacks` counts such bytes.
 */
export type Encoding = 'UTF8' | 'UTF8_BOM' | 'LATIN1';

export const SNIFF_BYTES = 64 * 1024;

import { isUtf8 } from 'node:buffer';

// Buffer's UTF-8 check and decoding (simdutf) run at GB/s; a fatal TextDecoder is ~20 times slower.
const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const lenientUtf8 = { decode: (b: Uint8Array) => asBuffer(b).toString('utf8') };
// windows-1252 at 0x80-0x9F (five unassigned bytes stay C1 codes); Latin-1 elsewhere.
const CP1252_C1 = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];
/** The windows-1252 character of each byte. */
const BYTE_CHARS: string[] = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i >= 0x80 && i < 0xa0 ? CP1252_C1[i - 0x80]! : i));
/** windows-1252: Latin-1 but for 0x80-0x9F, which hold € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ. */
const C1 = /[\u0080-\u009f]/g;
const cp1252 = { decode: (b: Uint8Array) => asBuffer(b).toString('latin1').replace(C1, (c) => BYTE_CHARS[c.charCodeAt(0)]!) };

/** The length of the valid UTF-8 sequence at `i`, 0 when the byte there starts none. */
function sequenceAt(b: Uint8Array, i: number): number {
  const x = b[i]!;
  if (x < 0x80) return 1;
  const cont = (k: number) => i + k < b.length && (b[i + k]! & 0xc0) === 0x80;
  if (x >= 0xc2 && x <= 0xdf) return cont(1) ? 2 : 0;
  if (x >= 0xe0 && x <= 0xef) {
    const y = b[i + 1];
    if (y === undefined || (x === 0xe0 && y < 0xa0) || (x === 0xed && y > 0x9f)) return 0;
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (x >= 0xf0 && x <= 0xf4) {
    const y = b[i + 1];
    if (y === undefined || (x === 0xf0 && y < 0x90) || (x === 0xf4 && y > 0x8f)) return 0;
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** How many bytes at the end start a UTF-8 sequence that the next chunk may complete (0..3). */
function incompleteTail(b: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const x = b[b.length - back]!;
    if ((x & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = x >= 0xf0 && x <= 0xf4 ? 4 : x >= 0xe0 && x <= 0xef ? 3 : x >= 0xc2 && x <= 0xdf ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** UTF-8 with every byte that is no part of a valid sequence read as windows-1252. */
function decodeMixed(b: Uint8Array): { text: string; fallbacks: number } {
  let text = '';
  let fallbacks = 0;
  let run = 0;
  for (let i = 0; i < b.length; ) {
    const n = sequenceAt(b, i);
    if (n > 0) {
      i += n;
      continue;
    }
    text += lenientUtf8.decode(b.subarray(run, i)) + BYTE_CHARS[b[i]!]!;
    fallbacks++;
    run = ++i;
  }
  return { text: text + lenientUtf8.decode(b.subarray(run)), fallbacks };
}

export class StreamDecoder {
  encoding: Encoding | null;
  /** Bytes decoded as windows-1252 inside a file read as UTF-8. */
  fallbacks = 0;
  private sniff: Uint8Array[] = [];
  private sniffed = 0;
  private carry: Uint8Array = new Uint8Array(0);

  /** `forced`: the encoding the user chose (only a UTF-8 BOM is looked for then). */
  constructor(private readonly forced?: 'UTF8' | 'LATIN1') {
    this.encoding = null;
  }

  /** Text of the bytes so far that can be decoded ('' while the encoding is being chosen). */
  write(bytes: Uint8Array): string {
    if (this.encoding === null) {
      this.sniff.push(bytes);
      this.sniffed += bytes.length;
      if (this.sniffed < (this.forced ? 3 : SNIFF_BYTES)) return '';
      return this.decide(false);
    }
    return this.decode(bytes, false);
  }

  /** Forgets an incomplete sequence held back: the bytes after it are dropped unread (a skipped line). */
  discard(): void {
    this.carry = new Uint8Array(0);
  }

  /** The rest of the text at the end of the file (an incomplete last sequence as windows-1252). */
  end(): string {
    return this.encoding === null ? this.decide(true) : this.decode(new Uint8Array(0), true);
  }

  private decide(last: boolean): string {
    const head = Buffer.concat(this.sniff);
    this.sniff = [];
    const bom = this.forced !== 'LATIN1' && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
    const body = bom ? head.subarray(3) : head;
    if (bom) this.encoding = 'UTF8_BOM';
    else if (this.forced) this.encoding = this.forced;
    else {
      // Only the first SNIFF_BYTES decide, however large the first chunk was.
      const probe = body.subarray(0, SNIFF_BYTES);
      const complete = last && probe.length === body.length ? probe : probe.subarray(0, probe.length - incompleteTail(probe));
      this.encoding = isUtf8(complete) ? 'UTF8' : 'LATIN1';
    }
    return this.decode(body, last);
  }

  private decode(bytes: Uint8Array, last: boolean): string {
    if (this.encoding === 'LATIN1') return cp1252.decode(bytes);
    let b = bytes;
    if (this.carry.length) {
      b = Buffer.concat([this.carry, bytes]);
      this.carry = new Uint8Array(0);
    }
    if (!last) {
      const tail = incompleteTail(b);
      if (tail) {
        this.carry = Uint8Array.from(b.subarray(b.length - tail));
        b = b.subarray(0, b.length - tail);
      }
    }
    if (isUtf8(b)) return lenientUtf8.decode(b);
    const mixed = decodeMixed(b);
    this.fallbacks += mixed.fallbacks;
    return mixed.text;
  }
}
