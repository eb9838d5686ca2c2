import net from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that counts the statements its clients run, per database:
 * every simple Query ('Q') and every Execute ('E') of the extended protocol (one per
 * parameterized statement) is one statement, BEGIN and COMMIT included. It needs no server
 * setting (pg_stat_statements needs shared_preload_libraries) and sees only its own clients.
 */
export interface StatementCounter {
  port: number;
  /** Statements so far, per database. */
  counts(): Map<string, number>;
  total(): number;
  /** The most recent statements' texts (database: text), newest last, at most 200: what keeps an idle system busy. */
  recent(): string[];
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;

export async function startStatementCounter(target: { host: string; port: number }, port = 0): Promise<StatementCounter> {
  const counts = new Map<string, number>();
  const recent: string[] = [];
  const remember = (text: string) => {
    recent.push(text.slice(0, 160));
    if (recent.length > 200) recent.shift();
  };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let buffer = Buffer.alloc(0);
    let started = false;
    let database = '?';
    let parsed = '';
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          if (code !== SSL_REQUEST && code !== GSS_REQUEST) {
            const params = buffer.subarray(8, length).toString('utf8').split('\0');
            for (let i = 0; i + 1 < params.length; i += 2) if (params[i] === 'database') database = params[i + 1]!;
            started = true;
          }
          buffer = buffer.subarray(length);
          continue;
        }
        if (buffer.length < 5) return;
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) return;
        const type = String.fromCharCode(buffer[0]!);
        // Parse: name\0query\0...; an Execute runs the last parsed text (or a named one, rarely seen here).
        if (type === 'P') parsed = buffer.subarray(5, 1 + length).toString('utf8').split('\0')[1] ?? '';
        if (type === 'Q' || type === 'E') {
          counts.set(database, (counts.get(database) ?? 0) + 1);
          remember(`${database}: ${type === 'Q' ? buffer.subarray(5, length).toString('utf8') : parsed}`);
        }
        buffer = buffer.subarray(1 + length);
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    counts: () => new Map(counts),
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    recent: () => [...recent],
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
