import type { AiPrisma } from '../../db.js';

export interface ExampleRow {
  description: string;
  amountCents: bigint;
  slug: string;
}

export interface ModelVersionRecord {
  version: string;
  examples: number;
  examplesUntil: Date;
}

export class TrainingRepository {
  constructor(private readonly prisma: AiPrisma) {}

  /** Keeps the newest correction of a transaction as its training row; an older version changes nothing. */
  async recordExample(e: { transactionId: string; description: string; amountCents: bigint; slug: string; version: number }): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO training_examples (transaction_id, description, amount_cents, slug, version, updated_at)
      VALUES (${e.transactionId}::uuid, ${e.description}, ${e.amountCents}, ${e.slug}, ${e.version}, now())
      ON CONFLICT (transaction_id) DO UPDATE SET
        description = excluded.description, amount_cents = excluded.amount_cents, slug = excluded.slug,
        version = excluded.version, updated_at = now()
      WHERE training_examples.version < excluded.version`;
  }

  async forgetExample(transactionId: string): Promise<void> {
    await this.prisma.trainingExample.deleteMany({ where: { transactionId } });
  }

  /** The rows a model version learned from, in a stable order so every process trains the same model. */
  examplesUntil(until: Date): Promise<ExampleRow[]> {
    return this.prisma.trainingExample.findMany({
      where: { updatedAt: { lte: until } },
      orderBy: { transactionId: 'asc' },
      select: { description: true, amountCents: true, slug: true },
    });
  }

  countSince(since: Date | null): Promise<number> {
    return this.prisma.trainingExample.count(since ? { where: { updatedAt: { gt: since } } } : undefined);
  }

  latest(): Promise<ModelVersionRecord | null> {
    return this.prisma.modelVersion.findFirst({ orderBy: { trainedAt: 'desc' } });
  }

  async save(v: ModelVersionRecord): Promise<void> {
    await this.prisma.modelVersion.upsert({
      where: { version: v.version },
      create: v,
      update: { examples: v.examples, examplesUntil: v.examplesUntil, trainedAt: new Date() },
    });
  }
}
