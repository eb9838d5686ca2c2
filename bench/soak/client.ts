import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { Stats } from './stats.js';

/** A request that takes longer than this counts as an error (CLIENT_TIMEOUT). */
export const CLIENT_TIMEOUT_MS = 30_000;

interface Response<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * One GraphQL request over HTTP as a frontend sends it, timed. Anything but data without
 * errors is an error, named by its first extensions.code (else the HTTP status or the network
 * failure); returns null then.
 */
export async function call<T>(stats: Stats, url: string, op: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T | null> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    const text = await response.text();
    let body: Response<T>;
    try {
      body = JSON.parse(text) as Response<T>;
    } catch {
      stats.fail(op, `HTTP_${response.status}`, text);
      return null;
    }
    const first = body.errors?.[0];
    if (first) {
      stats.fail(op, first.extensions?.code ?? `HTTP_${response.status}`, first.message);
      return null;
    }
    if (!response.ok || !body.data) {
      stats.fail(op, `HTTP_${response.status}`, text);
      return null;
    }
    stats.ok(op, performance.now() - started);
    return body.data;
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    stats.fail(op, e.name === 'TimeoutError' ? 'CLIENT_TIMEOUT' : `NETWORK_${e.cause?.code ?? e.name}`, e.message);
    return null;
  }
}

const SUBSCRIPTIONS = {
  transactionCategorized:
    'subscription { transactionCategorized { id amount { amount currency } merchant category { id slug } categorySource categorization { confidence source explanation modelVersion } account { id name } } }',
  alertRaised: 'subscription { alertRaised { id type severity message createdAt budget { id month status } transaction { id description } } }',
  budgetUpdated: 'subscription { budgetUpdated { id month spent { amount currency } remaining { amount } progress status category { slug } } }',
} as const;

/**
 * One graphql-ws socket per user with its three subscriptions, as a frontend keeps one. A
 * new token means a new socket (the server closes a socket when its token expires): the new
 * one is subscribed before the old one goes, so events of the overlap may arrive twice. A
 * socket the server closes, or one that cannot open, is an error; the subscriber then connects
 * again after a pause, as a client would.
 */
export class Subscriber {
  private client: Client | null = null;
  private token = '';
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly stats: Stats,
  ) {}

  /** Opens a socket with this token, subscribes, then closes the previous socket. */
  async connect(token: string): Promise<void> {
    this.token = token;
    const previous = this.client;
    try {
      this.client = await this.open(token);
    } catch (error) {
      this.stats.error('subscription', 'CONNECT_FAILED', (error as Error).message);
      if (this.client === previous) this.client = null;
      this.retryLater();
    } finally {
      if (previous && previous !== this.client) await previous.dispose();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.dispose();
  }

  private retryLater(): void {
    setTimeout(() => {
      if (!this.stopped && this.client === null) void this.connect(this.token);
    }, 2_000);
  }

  private open(token: string): Promise<Client> {
    const client = createClient({
      url: this.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => undefined,
    });
    let acknowledged = false;
    return new Promise<Client>((resolve, reject) => {
      const timer = setTimeout(() => {
        void client.dispose();
        reject(new Error('socket not acknowledged within 10 s'));
      }, 10_000);
      client.on('closed', (event) => {
        clearTimeout(timer);
        const { code = 0, reason = '' } = event as { code?: number; reason?: string };
        if (!acknowledged) return reject(new Error(`socket closed with ${code} ${reason}`));
        // Our own dispose (a newer socket took over, or the end of the run) is no error.
        if (this.stopped || this.client !== client) return;
        this.stats.error('subscription', `CLOSED_${code}`, reason);
        this.client = null;
        this.retryLater();
      });
      client.on('connected', () => {
        acknowledged = true;
        clearTimeout(timer);
        for (const [type, query] of Object.entries(SUBSCRIPTIONS)) this.subscribe(client, type, query);
        resolve(client);
      });
    });
  }

  private subscribe(client: Client, type: string, query: string): void {
    client.subscribe<Record<string, unknown>>(
      { query },
      {
        next: (result) => {
          const first = result.errors?.[0] as { message: string; extensions?: { code?: string } } | undefined;
          if (first) this.stats.error(`event:${type}`, first.extensions?.code ?? 'ERROR', first.message);
          else this.stats.event(type);
        },
        // A closed socket reaches every subscription: it is counted once, in 'closed'.
        error: (err) => {
          if (Array.isArray(err)) this.stats.error(`subscribe:${type}`, 'REJECTED', JSON.stringify(err).slice(0, 200));
        },
        complete: () => undefined,
      },
    );
  }
}
