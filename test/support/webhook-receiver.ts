import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * A webhook receiver on 127.0.0.1 (a free port): records every request, answers `status`
 * (200 by default) after `delayMs`.
 */
export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  status = 200;
  delayMs = 0;
  /** Called on each request as it arrives (a benchmark indexes them instead of scanning). */
  onReceive: ((hook: ReceivedHook) => void) | undefined;
  private server: Server | undefined;
  url = '';

  async start(path = '/hook'): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const hook = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        this.received.push(hook);
        this.onReceive?.(hook);
        const status = this.status;
        setTimeout(() => res.writeHead(status).end(status < 300 ? 'ok' : 'no'), this.delayMs);
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
    return this;
  }

  /** Bodies of the requests carrying this event id. */
  withEventId(id: string): ReceivedHook[] {
    return this.received.filter((r) => r.headers['centavo-event-id'] === id);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
