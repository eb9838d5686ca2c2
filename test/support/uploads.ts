import { Random } from '../../bench/lib/random.js';

/** Pieces of a seeded CSV statement (`;`, decimal comma, DD/MM/YYYY), with its row count and sum as it goes. */
export class StatementStream {
  rows = 0;
  sumMinor = 0n;
  bytes = 0;
  private readonly random: Random;

  constructor(seed = 20_261_202) {
    this.random = new Random(seed);
  }

  /** About `pieceBytes` per piece until at least `totalBytes` (or `totalRows`) went out. */
  async *pieces(limit: { totalBytes?: number; totalRows?: number }, pieceBytes = 64 * 1024): AsyncGenerator<Uint8Array> {
    let lines = ['Data;Descricao;Valor'];
    let size = 0;
    const done = () => (limit.totalBytes !== undefined && this.bytes + size >= limit.totalBytes) || (limit.totalRows !== undefined && this.rows >= limit.totalRows);
    while (!done()) {
      const line = this.line();
      lines.push(line);
      size += line.length + 1;
      if (size >= pieceBytes) {
        yield this.emit(lines);
        lines = [];
        size = 0;
      }
    }
    if (lines.length) yield this.emit(lines);
  }

  private emit(lines: string[]): Uint8Array {
    const piece = Buffer.from(`${lines.join('\n')}\n`);
    this.bytes += piece.length;
    return piece;
  }

  private line(): string {
    const r = this.random;
    const cents = r.chance(0.02) ? r.int(300_000, 900_000) : -r.int(100, 40_000);
    this.rows++;
    this.sumMinor += BigInt(cents);
    const amount = `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)},${String(Math.abs(cents) % 100).padStart(2, '0')}`;
    // A row number in the description: every row distinct, so the expected sums are exact.
    return `${String(r.int(1, 28)).padStart(2, '0')}/${String(r.int(1, 12)).padStart(2, '0')}/2025;${r.pick(MERCHANTS)} ${this.rows};${amount}`;
  }
}

const MERCHANTS = ['NETFLIX.COM', 'UBER *TRIP', 'PADARIA PAO QUENTE', 'SUPERMERCADO EXTRA', 'POSTO SHELL', 'FARMACIA SAO JOAO', 'IFOOD *RESTAURANTE', 'SPOTIFY', 'AMAZON MKTPLACE', 'DROGASIL'];

/** `source` wrapped as the `file` field of a multipart/form-data body, streamed. */
export async function* multipart(source: AsyncIterable<Uint8Array>, boundary: string, fields: Record<string, string> = {}): AsyncGenerator<Uint8Array> {
  for (const [name, value] of Object.entries(fields)) yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="statement.csv"\r\nContent-Type: text/csv\r\n\r\n`);
  yield* source;
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

export interface UploadAnswer {
  status: number;
  body: { id?: string; status?: string; errors?: { message: string; extensions: { code: string } & Record<string, unknown> }[] } & Record<string, unknown>;
}

/** POST /imports at the gateway with a streamed body (raw, or multipart when `boundary` is given). */
export async function upload(
  gatewayUrl: string,
  token: string | undefined,
  query: Record<string, string>,
  body: AsyncIterable<Uint8Array> | Uint8Array,
  options: { boundary?: string; signal?: AbortSignal; length?: number } = {},
): Promise<UploadAnswer> {
  const url = new URL('/imports', gatewayUrl);
  url.search = new URLSearchParams(query).toString();
  const headers: Record<string, string> = {
    'content-type': options.boundary ? `multipart/form-data; boundary=${options.boundary}` : 'text/csv',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(options.length !== undefined ? { 'content-length': String(options.length) } : {}),
  };
  const stream = body instanceof Uint8Array ? body : ReadableStream.from(body);
  const res = await fetch(url, { method: 'POST', headers, body: stream, signal: options.signal, ...(body instanceof Uint8Array ? {} : { duplex: 'half' }) } as RequestInit);
  return { status: res.status, body: (await res.json()) as UploadAnswer['body'] };
}
