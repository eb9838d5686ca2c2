import type { Redis } from 'ioredis';

/**
 * Who may see another user's profile (their User: id, email, name): a household member sees the
 * owner of an account shared with them. The transactions domain, which knows the shares, grants
 * it each time it resolves a shared account's `owner` for a member, and withdraws it when the
 * share ends; the auth subgraph asks before it resolves another user's User. A grant expires
 * after `ttlSeconds` unless renewed by the next read, so a withdrawal a crash lost lasts at most
 * that long. Keys: `<prefix>profile-grant:<viewer>:<owner>`.
 */
export class ProfileGrants {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds = 3600,
  ) {}

  private key(viewerId: string, ownerId: string): string {
    return `${this.prefix}profile-grant:${viewerId}:${ownerId}`;
  }

  /** `viewerId` may see these owners' profiles (one round trip). */
  async grant(viewerId: string, ownerIds: readonly string[]): Promise<void> {
    if (ownerIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const owner of ownerIds) pipeline.set(this.key(viewerId, owner), '1', 'EX', this.ttlSeconds);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0] as Error;
  }

  /** The share between them ended. */
  async withdraw(viewerId: string, ownerId: string): Promise<void> {
    await this.redis.del(this.key(viewerId, ownerId));
  }

  /** Which of these owners' profiles `viewerId` may see, in order (one round trip). */
  async allowed(viewerId: string, ownerIds: readonly string[]): Promise<boolean[]> {
    if (ownerIds.length === 0) return [];
    const values = await this.redis.mget(ownerIds.map((owner) => this.key(viewerId, owner)));
    return values.map((v) => v !== null);
  }
}
