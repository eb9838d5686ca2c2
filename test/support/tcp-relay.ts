import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay to a server the test does not own (the machine's PostgreSQL, shared with other
 * test files): `cut()` closes it and every connection through it, so the server is unreachable
 * for whatever this test started, and `restore()` opens it again on the same port.
 */
export class TcpRelay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async restore(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  get open(): boolean {
    return this.server !== undefined;
  }

  /** `url` with its host and port replaced by the relay's. */
  urlFor(url: string): string {
    const relayed = new URL(url);
    relayed.host = `127.0.0.1:${this.port}`;
    return relayed.toString();
  }
}

/** A relay to the PostgreSQL server of DATABASE_URL. */
export function postgresRelay(): TcpRelay {
  const pg = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  return new TcpRelay(pg.hostname, Number(pg.port || 5432));
}
