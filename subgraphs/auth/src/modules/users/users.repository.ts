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
export class IdentityTakenError extends Error {}

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

  /** The user an OpenID Connect provider's subject signed in as before, if any. */
  async findByExternalIdentity(issuer: string, subject: string): Promise<UserRecord | null> {
    const link = await this.prisma.externalIdentity.findUnique({ where: { issuer_subject: { issuer, subject } }, include: { user: true } });
    return link?.user ?? null;
  }

  /**
   * A new user linked to a provider's (issuer, subject), in one statement. A unique violation
   * (the email is taken, or another request linked the subject first) is EmailTakenError or
   * IdentityTakenError, for the caller to tell apart.
   */
  async createWithExternalIdentity(data: { email: string; name: string; passwordHash: string }, identity: { issuer: string; subject: string }): Promise<UserRecord> {
    try {
      return await this.prisma.user.create({ data: { ...data, identities: { create: identity } } });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (await this.findByExternalIdentity(identity.issuer, identity.subject)) throw new IdentityTakenError(identity.subject);
      throw new EmailTakenError(data.email);
    }
  }

  findManyByIds(ids: readonly string[]): Promise<UserRecord[]> {
    return this.prisma.user.findMany({ where: { id: { in: [...ids] } } });
  }
}
