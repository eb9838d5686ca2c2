import { isUniqueViolation } from '@centavo/db';
import type { AuthPrisma } from '../../db.js';
import type { Role } from '../../generated/prisma/client.js';

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  roles: Role[];
  createdAt: Date;
}

export class EmailTakenError extends Error {}

export class UsersRepository {
  constructor(private readonly prisma: AuthPrisma) {}

  async create(data: { email: string; name: string; passwordHash: string }): Promise<UserRecord> {
    try {
      return await this.prisma.user.create({ data });
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTakenError(data.email);
      throw error;
    }
  }

  findByEmail(email: string): Promise<UserRecord | null> {
    return this.prisma.user.findUnique({ where: { email } });
  }

  findManyByIds(ids: readonly string[]): Promise<UserRecord[]> {
    return this.prisma.user.findMany({ where: { id: { in: [...ids] } } });
  }
}
