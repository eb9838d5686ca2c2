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
  /** Tags the rule adds to what it categorizes (normalized). */
  addTags: string[];
  priority: number;
  programSize: number | null;
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
  addTags: string[];
  priority: number;
  programSize: number | null;
}

/** What a user's rules take of their quotas. */
export interface RuleUsage {
  rules: number;
  regexRules: number;
  /** Summed program size of the REGEX rules; one stored before sizes were recorded counts as `unknownRegexSize`. */
  regexProgramSize: number;
}

export class RulesRepository {
  constructor(private readonly prisma: AiPrisma) {}

  /**
   * Inserts a rule unless `check` (given the user's usage) throws. A per-user advisory lock held
   * to the end of the transaction makes count-then-insert atomic: concurrent creates queue up.
   */
  async createChecked(data: NewRule, unknownRegexSize: number, check: (usage: RuleUsage) => void): Promise<RuleRecord> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`ai-rules:${data.userId}`}, 0))`;
      const [usage] = await tx.$queryRaw<{ rules: bigint; regex_rules: bigint; regex_size: bigint }[]>`
        SELECT count(*) AS rules,
               count(*) FILTER (WHERE operator = 'REGEX') AS regex_rules,
               COALESCE(sum(COALESCE(program_size, ${unknownRegexSize})) FILTER (WHERE operator = 'REGEX'), 0)::bigint AS regex_size
        FROM rules WHERE user_id = ${data.userId}::uuid`;
      check({ rules: Number(usage?.rules ?? 0), regexRules: Number(usage?.regex_rules ?? 0), regexProgramSize: Number(usage?.regex_size ?? 0) });
      return tx.rule.create({ data });
    });
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
