import type { AiPrisma } from '../../db.js';
import type { DecisionSource } from '../../generated/prisma/client.js';

export interface CategorizationRecord {
  transactionId: string;
  userId: string;
  categoryId: string;
  confidence: number;
  source: DecisionSource;
  explanation: string | null;
  modelVersion: string;
  transactionVersion: number;
}

export interface MemoryRecord {
  merchant: string;
  categoryId: string;
  count: number;
}

export class CategorizationRepository {
  constructor(private readonly prisma: AiPrisma) {}

  /** Stores a decision unless one for a newer version of the transaction is already there. */
  async saveDecision(d: CategorizationRecord): Promise<boolean> {
    const { transactionVersion, ...rest } = d;
    const count = await this.prisma.$executeRaw`
      INSERT INTO categorizations (transaction_id, user_id, category_id, confidence, source, explanation, model_version, transaction_version, updated_at)
      VALUES (${rest.transactionId}::uuid, ${rest.userId}::uuid, ${rest.categoryId}::uuid, ${rest.confidence}, ${rest.source}::"DecisionSource",
              ${rest.explanation}, ${rest.modelVersion}, ${transactionVersion}, now())
      ON CONFLICT (transaction_id) DO UPDATE SET
        category_id = excluded.category_id, confidence = excluded.confidence, source = excluded.source,
        explanation = excluded.explanation, model_version = excluded.model_version,
        transaction_version = excluded.transaction_version, updated_at = now()
      WHERE categorizations.transaction_version <= excluded.transaction_version`;
    return count === 1;
  }

  findForUser(userId: string, transactionIds: readonly string[]): Promise<CategorizationRecord[]> {
    return this.prisma.categorization.findMany({ where: { userId, transactionId: { in: [...transactionIds] } } });
  }

  async forget(transactionId: string): Promise<void> {
    await this.prisma.categorization.deleteMany({ where: { transactionId } });
  }

  memory(userId: string, merchant: string): Promise<MemoryRecord | null> {
    return this.prisma.merchantMemory.findUnique({ where: { userId_merchant: { userId, merchant } } });
  }

  /**
   * Learns one correction, once: the (transaction, version) pair is recorded in the same
   * database transaction, so a replayed event teaches nothing twice. The newest choice wins;
   * the count says how many corrections in a row chose it.
   */
  async learn(userId: string, merchant: string, categoryId: string, transactionId: string, version: number): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const inserted = await tx.$executeRaw`
        INSERT INTO learned_corrections (transaction_id, version) VALUES (${transactionId}::uuid, ${version})
        ON CONFLICT DO NOTHING`;
      if (inserted === 0) return false;
      await tx.$executeRaw`
        INSERT INTO merchant_memory (user_id, merchant, category_id, count, updated_at)
        VALUES (${userId}::uuid, ${merchant}, ${categoryId}::uuid, 1, now())
        ON CONFLICT (user_id, merchant) DO UPDATE SET
          count = CASE WHEN merchant_memory.category_id = excluded.category_id THEN merchant_memory.count + 1 ELSE 1 END,
          category_id = excluded.category_id,
          updated_at = now()`;
      return true;
    });
  }
}
