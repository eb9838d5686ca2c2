import type { Redis } from 'ioredis';

/**
 * Access tokens revoked by logout, by token id, kept in Redis until the token would have
 * expired anyway; the gateway and every subgraph consult it on each request. Every addition
 * is also published on `channel` (in the same round trip), for the processes that remember
 * which tokens they found not revoked (DenylistWatch).
 */
export class Denylist {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(jti: string): string {
    return `${this.prefix}denylist:${jti}`;
  }

  /** The pub/sub channel of revoked token ids (`*`: forget every token found not revoked). */
  get channel(): string {
    return `${this.prefix}denylist`;
  }

  async add(jti: string, expSeconds: number): Promise<void> {
    const ttl = expSeconds - Math.floor(Date.now() / 1000);
    if (ttl <= 0) return;
    // SET and PUBLISH in one transaction: when logout returns, every watching process has the
    // message in its socket, ahead of any request the client sends next.
    const results = await this.redis.multi().set(this.key(jti), '1', 'EX', ttl).publish(this.channel, jti).exec();
    const failed = results?.find(([error]) => error)?.[0];
    if (!results || failed) throw failed ?? new Error('denylist: the transaction was discarded');
  }

  async has(jti: string): Promise<boolean> {
    return (await this.redis.exists(this.key(jti))) === 1;
  }
}

/** Token ids found not revoked that a process keeps by default (as many as verified tokens). */
export const CLEARED_TOKEN_CACHE_SIZE = 10_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Remembers which token ids a process found not revoked, so a client's next requests cost no
 * Redis round trip, and forgets one the moment its logout is published on the denylist
 * channel. What it remembers is only trusted while the subscription is up without a break
 * since the answer came: a lost connection (when messages may have been missed) forgets
 * everything, and nothing is remembered until the channel is subscribed again.
 *
 * Logout publishes in the same transaction that denylists the token, and Redis hands the
 * message to every subscriber's socket before it answers that transaction, so before the
 * logout's response leaves. `cleared` looks at the token again after the I/O already waiting
 * in this turn of the event loop (setImmediate), which includes that message: a request sent
 * after logout returned is refused, here as everywhere.
 */
export class DenylistWatch {
  /** Token id → expiry (seconds), oldest first. */
  private readonly clear = new Map<string, number>();

  /** Changes with every message and every (re)subscription: an answer that began before is not kept. */
  private generation = 0;

  private live = false;

  private closed = false;

  constructor(
    private readonly subscriber: Redis,
    private readonly channel: string,
    private readonly maxSize = CLEARED_TOKEN_CACHE_SIZE,
  ) {
    subscriber.on('message', (from: string, jti: string) => {
      if (from !== channel) return;
      this.generation++;
      if (jti === '*') this.clear.clear();
      else this.clear.delete(jti);
    });
    const lost = () => this.forget();
    subscriber.on('close', lost);
    subscriber.on('end', lost);
    subscriber.on('reconnecting', lost);
    // ioredis subscribes again by itself after a reconnect; trusting starts once that is confirmed.
    subscriber.on('ready', () => {
      if (this.live || this.closed) return;
      subscriber.subscribe(channel).then(
        () => this.trust(),
        () => undefined,
      );
    });
  }

  /** Subscribes to the channel; until then (and after close) nothing is remembered. */
  async start(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
    this.trust();
  }

  close(): void {
    this.closed = true;
    this.forget();
  }

  /** How many token ids are remembered now. */
  get size(): number {
    return this.clear.size;
  }

  /** Whether the token id was found not revoked and nothing since has revoked it. */
  async cleared(jti: string): Promise<boolean> {
    if (!this.live || !this.clear.has(jti)) return false;
    await nextTurn();
    return this.live && this.clear.has(jti);
  }

  /** Taken before asking Redis; `remember` keeps the answer only if nothing happened since. */
  ticket(): number {
    return this.live ? this.generation : -1;
  }

  remember(ticket: number, jti: string, expSeconds: number): void {
    if (!this.live || ticket !== this.generation) return;
    this.clear.delete(jti);
    if (this.clear.size >= this.maxSize) this.clear.delete(this.clear.keys().next().value!);
    this.clear.set(jti, expSeconds);
  }

  private trust(): void {
    if (this.closed) return;
    this.generation++;
    this.live = true;
  }

  private forget(): void {
    this.live = false;
    this.generation++;
    this.clear.clear();
  }
}
