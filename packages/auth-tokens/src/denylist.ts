import type { Redis } from 'ioredis';

/**
 * Access tokens revoked by logout, by token id, kept in Redis until the token would have
 * expired anyway; the gateway and every subgraph consult it on each request.
 */
export class Denylist {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(jti: string): string {
    return `${this.prefix}denylist:${jti}`;
  }

  async add(jti: string, expSeconds: number): Promise<void> {
    const ttl = expSeconds - Math.floor(Date.now() / 1000);
    if (ttl <= 0) return;
    await this.redis.set(this.key(jti), '1', 'EX', ttl);
  }

  async has(jti: string): Promise<boolean> {
    return (await this.redis.exists(this.key(jti))) === 1;
  }
}
