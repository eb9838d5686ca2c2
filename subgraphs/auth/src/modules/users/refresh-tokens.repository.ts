import { advisoryXactLock, retryOnConflict } from '@centavo/db';
import type { AuthPrisma } from '../../db.js';
import type { Prisma } from '../../generated/prisma/client.js';

export interface RefreshTokenRecord {
  id: string;
  userId: string;
  familyId: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewRefreshToken {
  userId: string;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
}

export class RefreshTokensRepository {
  constructor(private readonly db: AuthPrisma | Prisma.TransactionClient) {}

  async create(data: NewRefreshToken): Promise<void> {
    await this.db.refreshToken.create({ data });
  }

  findByHash(tokenHash: string): Promise<RefreshTokenRecord | null> {
    return this.db.refreshToken.findUnique({ where: { tokenHash } });
  }

  findById(id: string): Promise<RefreshTokenRecord | null> {
    return this.db.refreshToken.findUnique({ where: { id } });
  }

  async markUsed(id: string, at: Date): Promise<void> {
    await this.db.refreshToken.update({ where: { id }, data: { usedAt: at } });
  }

  async revokeFamily(familyId: string, at: Date): Promise<void> {
    await this.db.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: at } });
  }

  /**
   * Runs `work` in one database transaction that holds the family's advisory lock: rotations,
   * reuse checks and revocations of one family run one after the other, so a revocation
   * always sees (and revokes) the token a concurrent rotation issued.
   */
  inFamily<T>(familyId: string, work: (tokens: RefreshTokensRepository) => Promise<T>): Promise<T> {
    const db = this.db;
    if (!('$transaction' in db)) throw new Error('inFamily needs the root client, not a transaction');
    return retryOnConflict(() =>
      db.$transaction(async (tx) => {
        await advisoryXactLock(tx, 'refresh-family', familyId);
        return work(new RefreshTokensRepository(tx));
      }),
    );
  }
}
