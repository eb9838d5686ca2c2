import { describe, expect, it } from 'vitest';
import { SNIFF_BYTES, StreamDecoder } from './decoder.js';

/** Decodes `bytes` fed `size` bytes at a time. */
function decode(bytes: Uint8Array, size: number, forced?: 'UTF8' | 'LATIN1'): { text: string; decoder: StreamDecoder } {
  const decoder = new StreamDecoder(forced);
  let text = '';
  for (let i = 0; i < bytes.length; i += size) text += decoder.write(bytes.subarray(i, i + size));
  return { text: text + decoder.end(), decoder };
}

describe('StreamDecoder', () => {
  const sample = 'Pão de Açúcar – € 12,50 😀\n';

  it('decodes UTF-8 split anywhere, a BOM split too, into the same text', () => {
    const utf8 = Buffer.from(sample.repeat(3));
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    for (const size of [1, 2, 3, 5, 7, 1024]) {
      expect(decode(utf8, size)).toMatchObject({ text: sample.repeat(3), decoder: { encoding: 'UTF8', fallbacks: 0 } });
      expect(decode(bom, size)).toMatchObject({ text: sample.repeat(3), decoder: { encoding: 'UTF8_BOM' } });
    }
  });

  it('chooses windows-1252 when the first bytes are not UTF-8 (€ and curly quotes included)', () => {
    const latin1 = Buffer.from([...Buffer.from('A\xe7\xfacar ', 'latin1'), 0x80, 0x20, 0x93, 0x78, 0x94]);
    for (const size of [1, 4, 1024]) expect(decode(latin1, size)).toMatchObject({ text: 'Açúcar € “x”', decoder: { encoding: 'LATIN1' } });
  });

  it('keeps a Latin-1 byte found after the sniffed part of a UTF-8 file as its character, never U+FFFD', () => {
    const head = Buffer.from(`Café\n${'x'.repeat(SNIFF_BYTES + 5000)}\n`);
    const late = Buffer.from('A\xe7\xfacar\n', 'latin1');
    const tail = Buffer.from('São Paulo\n');
    for (const size of [1000, 4096, 1 << 20]) {
      const { text, decoder } = decode(Buffer.concat([head, late, tail]), size);
      expect(decoder.encoding).toBe('UTF8');
      expect(text.endsWith('\nAçúcar\nSão Paulo\n')).toBe(true);
      expect(text.startsWith('Café\n')).toBe(true);
      expect(text).not.toContain('\ufffd');
      expect(decoder.fallbacks).toBe(2);
    }
  });

  it('reads invalid UTF-8 sequences and a cut last character byte by byte', () => {
    const sniffed = Buffer.from('x'.repeat(SNIFF_BYTES));
    // An overlong NUL (C0 80), a lone continuation byte, a surrogate (ED A0 80), then "é" cut after its first byte.
    const bad = Buffer.from([0xc0, 0x80, 0x41, 0xbf, 0xed, 0xa0, 0x80, 0xc3]);
    const { text, decoder } = decode(Buffer.concat([sniffed, bad]), 3);
    expect(text.slice(SNIFF_BYTES)).toBe('À€A¿í\u00a0€Ã');
    expect(decoder.fallbacks).toBe(7);
  });

  it('uses the encoding the user chose', () => {
    expect(decode(Buffer.from('Café'), 2, 'LATIN1').text).toBe('CafÃ©');
    expect(decode(Buffer.from('\ufeffCafé'), 1, 'UTF8')).toMatchObject({ text: 'Café', decoder: { encoding: 'UTF8_BOM' } });
  });
});
