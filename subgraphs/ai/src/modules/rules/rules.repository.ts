import type { AiPrisma } from '../../db.js';
import type { Prisma, RuleField, RuleOperator } from '../../generated/prisma/client.js';

export interface RuleRecord {
  id: string;
  userId: string;
  field: RuleField;
  operator: RuleOperator;
  value: string;
  minAmount: Prisma.Decimal | null;
  maxAmount: Prisma.Decimal | null;
  categoryId: string;
  priority: number;
  createdAt: Date;
}

export interface NewRule {
  userId: string;
  field: RuleField;
  operator: RuleOperator;
  value: string;
  minAmount: string | null;
  maxAmount: string | null;
  categoryId: string;
  priority: number;
}

export class RulesRepository {
  constructor(private readonly prisma: AiPrisma) {}

  create(data: NewRule): Promise<RuleRecord> {
    return this.prisma.rule.create({ data });
  }

  /** Highest priority first; among equals, the older rule first. */
  listByUser(userId: string): Promise<RuleRecord[]> {
    return this.prisma.rule.findMany({
      where: { userId },
      orderBy: [{ priority: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  findManyForUser(userId: string, ids: readonly string[]): Promise<RuleRecord[]> {
    return this.prisma.rule.findMany({ where: { userId, id: { in: [...ids] } } });
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.rule.deleteMany({ where: { id, userId } });
    return count === 1;
  }
}
