import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ArchiveReader, ArchiveWriter, BackupError, countLines, EXIT_CORRUPT, rowChunks } from './archive.js';
import { RowSetDigest } from './postgres.js';

const dir = mkdtempSync(path.join(tmpdir(), 'centavo-archive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('archive', () => {
  it('reads back what was written, rows in chunks up to the end marker, and hashes it alike', async () => {
    const file = path.join(dir, 'a.gz');
    const writer = new ArchiveWriter(file);
    await writer.writeJson({ kind: 'table' });
    // COPY text: a backslash is escaped, so a row never reads as the end marker.
    const rows = Array.from({ length: 5_000 }, (_, i) => `${i}\trow \\\\. ${'x'.repeat(i % 300)}\n`);
    for (const row of rows) await writer.write(row);
    await writer.write('\\.\n');
    await writer.writeJson({ kind: 'manifest' });
    const written = writer.digest();
    await writer.close();

    const reader = new ArchiveReader(file);
    expect(JSON.parse((await reader.line())!.toString())).toEqual({ kind: 'table' });
    const seen: string[] = [];
    let chunks = 0;
    for await (const chunk of rowChunks(reader, (row) => seen.push(row.toString()), 64 * 1024)) {
      chunks++;
      expect(chunk.length).toBeLessThan(64 * 1024 + 400);
    }
    expect(seen).toEqual(rows);
    expect(chunks).toBeGreaterThan(10);
    expect(await reader.json('the manifest')).toEqual({ kind: 'manifest' });
    expect(await reader.line()).toBeNull();
    expect(reader.digest()).toBe(written);
  });

  it('says a truncated file or a file that is not gzip is corrupt', async () => {
    const file = path.join(dir, 'b.gz');
    const writer = new ArchiveWriter(file);
    await writer.write('{"kind":"table"}\nabc');
    await writer.close();
    const reader = new ArchiveReader(file);
    await reader.line();
    await expect(reader.line()).rejects.toMatchObject({ exitCode: EXIT_CORRUPT, message: expect.stringContaining('truncated') });

    const cut = path.join(dir, 'c.gz');
    writeFileSync(cut, readFileSync(file).subarray(0, 12));
    await expect(new ArchiveReader(cut).line()).rejects.toBeInstanceOf(BackupError);
    const plain = path.join(dir, 'd.gz');
    writeFileSync(plain, 'not gzip at all\n');
    await expect(new ArchiveReader(plain).line()).rejects.toThrow(/gzip/);
    expect(gunzipSync(gzipSync('x')).toString()).toBe('x');
  });

  it('digests a set of rows whatever their order or how COPY cut them', () => {
    const rows = ['a\t1\n', 'b\t2\n', 'c\t\\N\n'];
    const one = new RowSetDigest();
    for (const r of rows) one.addRow(Buffer.from(r));
    const two = new RowSetDigest();
    const all = Buffer.from([...rows].reverse().join(''));
    two.addChunk(all.subarray(0, 3));
    two.addChunk(all.subarray(3, 7));
    two.addChunk(all.subarray(7));
    expect(two.rows).toBe(3);
    expect(two.value()).toBe(one.value());
    const other = new RowSetDigest();
    other.addChunk(Buffer.from('a\t1\nb\t2\nc\t3\n'));
    expect(other.value()).not.toBe(one.value());
    expect(countLines(all)).toBe(3);
  });
});
