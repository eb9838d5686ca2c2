import type { AiPrisma } from '../../db.js';

export interface ExampleRow {
  /** Null for rows recorded before examples named their user. */
  userId: string | null;
  description: string;
  amountCents: bigint;
  slug: string;
}

export interface ModelVersionRecord {
  version: string;
  examples: number;
  examplesUntil: Date;
}

export interface CorrectionCount {
  /** New corrections, each user's counted up to the per-user cap. */
  corrections: number;
  users: number;
}

export interface NewExample {
  transactionId: string;
  userId: string;
  description: string;
  amountCents: bigint;
  slug: string;
  version: number;
}

export class TrainingRepository {
  constructor(private readonly prisma: AiPrisma) {}

  /**
   * Appends a user's correction (one row per transaction version; a replayed one changes nothing).
   * Writers hold the training lock shared and stamp rows once they hold it; a cut-off takes it
   * exclusively. So no row can appear later with a time at or before a recorded cut-off.
   */
  async recordExample(e: NewExample): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.$executeRaw`SELECT pg_advisory_xact_lock_shared(hashtextextended('ai-training-examples', 0))`,
      this.prisma.$executeRaw`
        INSERT INTO training_examples (transaction_id, version, user_id, description, amount_cents, slug, recorded_at)
        VALUES (${e.transactionId}::uuid, ${e.version}, ${e.userId}::uuid, ${e.description}, ${e.amountCents}, ${e.slug}, clock_timestamp())
        ON CONFLICT (transaction_id, version) DO NOTHING`,
    ]);
  }

  /** A deleted transaction's description leaves the training data (later retrains no longer see it). */
  async forgetExample(transactionId: string): Promise<void> {
    await this.prisma.trainingExample.deleteMany({ where: { transactionId } });
  }

  /**
   * The cut-off of a new model version: every row recorded up to it is committed already. One
   * millisecond early, as recorded_at keeps milliseconds (rounded) and a later row must stay later.
   */
  async cutoff(): Promise<Date> {
    const [, rows] = await this.prisma.$transaction([
      this.prisma.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('ai-training-examples', 0))`,
      this.prisma.$queryRaw<{ until: Date }[]>`SELECT date_trunc('milliseconds', clock_timestamp()) - interval '1 millisecond' AS until`,
    ]);
    return rows[0]!.until;
  }

  /**
   * The rows a model version learns from: per transaction its newest version recorded up to
   * `until`, per user only the `perUser` most recent of those, and of these the `total` most
   * recent; in a stable order, so every process trains the same model.
   */
  examplesUntil(until: Date, perUser: number, total = Number.MAX_SAFE_INTEGER): Promise<ExampleRow[]> {
    return this.prisma.$queryRaw<ExampleRow[]>`
      WITH newest AS (
        SELECT DISTINCT ON (transaction_id) transaction_id, user_id, description, amount_cents, slug, recorded_at
        FROM training_examples WHERE recorded_at <= ${until}
        ORDER BY transaction_id, version DESC
      ), ranked AS (
        SELECT *, row_number() OVER (PARTITION BY user_id ORDER BY recorded_at DESC, transaction_id DESC) AS rank FROM newest
      ), kept AS (
        SELECT * FROM ranked WHERE rank <= ${perUser} ORDER BY recorded_at DESC, transaction_id DESC LIMIT ${total}
      )
      SELECT user_id::text AS "userId", description, amount_cents AS "amountCents", slug
      FROM kept ORDER BY transaction_id`;
  }

  /** Corrections recorded after `since` (all when null), each user's counted up to `perUser`. */
  async correctionsSince(since: Date | null, perUser: number): Promise<CorrectionCount> {
    const [row] = await this.prisma.$queryRaw<{ corrections: number; users: number }[]>`
      SELECT COALESCE(sum(LEAST(n, ${perUser})), 0)::int AS corrections, count(user_id)::int AS users
      FROM (
        SELECT user_id, count(DISTINCT transaction_id) AS n FROM training_examples
        WHERE recorded_at > ${since ?? new Date(0)} GROUP BY user_id
      ) per_user`;
    return { corrections: row?.corrections ?? 0, users: row?.users ?? 0 };
  }

  latest(): Promise<(ModelVersionRecord & { trainedAt: Date }) | null> {
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
