import { retryOnConflict } from '@centavo/db';
import type { AiPrisma } from '../../db.js';
import type { DecisionSource } from '../../generated/prisma/client.js';
import type { Direction } from '../categorize/slugs.js';
import type { PriorCount } from './user-priors.js';

export interface SuggestionRecord {
  categoryId: string;
  confidence: number;
}

export interface CategorizationRecord {
  transactionId: string;
  userId: string;
  /** Null when nothing was sure enough to choose. */
  categoryId: string | null;
  suggestions: SuggestionRecord[];
  confidence: number;
  source: DecisionSource;
  explanation: string | null;
  modelVersion: string;
  transactionVersion: number;
}

/** A decision that chose a category (served as Categorization). */
export type SureDecision = CategorizationRecord & { categoryId: string };

/** A transaction as the ai subgraph serves it: its id and the latest decision about it, if any. */
export interface TransactionDecision {
  id: string;
  decision: CategorizationRecord | null;
}

export interface MemoryRecord {
  merchant: string;
  categoryId: string;
  count: number;
}

/** One user choice to learn from. */
export interface Correction {
  userId: string;
  /** Null when the description names no merchant: only the word priors learn. */
  merchant: string | null;
  categoryId: string;
  transactionId: string;
  version: number;
  direction: Direction;
  tokens: string[];
}

export class CategorizationRepository {
  constructor(private readonly prisma: AiPrisma) {}

  /**
   * Stores a decision unless one for a newer version of the transaction is already there, or it
   * is unsure (no category) and a sure one is.
   */
  async saveDecision(d: CategorizationRecord): Promise<boolean> {
    const { transactionVersion, ...rest } = d;
    const suggestions = JSON.stringify(rest.suggestions);
    const count = await this.prisma.$executeRaw`
      INSERT INTO categorizations (transaction_id, user_id, category_id, suggestions, confidence, source, explanation, model_version, transaction_version, updated_at)
      VALUES (${rest.transactionId}::uuid, ${rest.userId}::uuid, ${rest.categoryId}::uuid, ${suggestions}::jsonb, ${rest.confidence}, ${rest.source}::"DecisionSource",
              ${rest.explanation}, ${rest.modelVersion}, ${transactionVersion}, now())
      ON CONFLICT (transaction_id) DO UPDATE SET
        category_id = excluded.category_id, suggestions = excluded.suggestions, confidence = excluded.confidence, source = excluded.source,
        explanation = excluded.explanation, model_version = excluded.model_version,
        transaction_version = excluded.transaction_version, updated_at = now()
      WHERE categorizations.transaction_version <= excluded.transaction_version
        -- An unsure decision never replaces a sure one: the transaction keeps its category.
        AND (excluded.category_id IS NOT NULL OR categorizations.category_id IS NULL)`;
    return count === 1;
  }

  /**
   * saveDecision for many transactions in one statement, with the same rules: a decision for an
   * older version, or an unsure one over a sure one, changes nothing.
   */
  async saveDecisions(decisions: readonly CategorizationRecord[]): Promise<number> {
    if (decisions.length === 0) return 0;
    const json = JSON.stringify(decisions.map((d) => ({
      transaction_id: d.transactionId, user_id: d.userId, category_id: d.categoryId, suggestions: d.suggestions, confidence: d.confidence,
      source: d.source, explanation: d.explanation, model_version: d.modelVersion, transaction_version: d.transactionVersion,
    })));
    return this.prisma.$executeRaw`
      INSERT INTO categorizations (transaction_id, user_id, category_id, suggestions, confidence, source, explanation, model_version, transaction_version, updated_at)
      SELECT d.transaction_id, d.user_id, d.category_id, d.suggestions, d.confidence, d.source::"DecisionSource", d.explanation, d.model_version, d.transaction_version, now()
      FROM jsonb_to_recordset(${json}::jsonb) AS d(transaction_id uuid, user_id uuid, category_id uuid, suggestions jsonb, confidence double precision,
        source text, explanation text, model_version text, transaction_version int)
      ORDER BY d.transaction_id
      ON CONFLICT (transaction_id) DO UPDATE SET
        category_id = excluded.category_id, suggestions = excluded.suggestions, confidence = excluded.confidence, source = excluded.source,
        explanation = excluded.explanation, model_version = excluded.model_version,
        transaction_version = excluded.transaction_version, updated_at = now()
      WHERE categorizations.transaction_version <= excluded.transaction_version
        AND (excluded.category_id IS NOT NULL OR categorizations.category_id IS NULL)`;
  }

  async findForUser(userId: string, transactionIds: readonly string[]): Promise<CategorizationRecord[]> {
    const rows = await this.prisma.categorization.findMany({ where: { userId, transactionId: { in: [...transactionIds] } } });
    return rows.map((r) => ({ ...r, suggestions: r.suggestions as unknown as SuggestionRecord[] }));
  }

  async forget(transactionId: string): Promise<void> {
    await this.prisma.categorization.deleteMany({ where: { transactionId } });
  }

  memory(userId: string, merchant: string): Promise<MemoryRecord | null> {
    return this.prisma.merchantMemory.findUnique({ where: { userId_merchant: { userId, merchant } } });
  }

  /** The user's memory of these merchants (absent ones left out). */
  memories(userId: string, merchants: readonly string[]): Promise<MemoryRecord[]> {
    if (merchants.length === 0) return Promise.resolve([]);
    return this.prisma.merchantMemory.findMany({ where: { userId, merchant: { in: [...merchants] } }, select: { merchant: true, categoryId: true, count: true } });
  }

  /** The user's counts for these words in every direction of money (a batch filters per transaction). */
  priorsAnyDirection(userId: string, tokens: readonly string[]): Promise<(PriorCount & { direction: string })[]> {
    if (tokens.length === 0) return Promise.resolve([]);
    return this.prisma.userTokenPrior.findMany({
      where: { userId, token: { in: [...tokens] } },
      select: { token: true, categoryId: true, count: true, direction: true },
    });
  }

  /** The user's counts for these words, in one direction of money ('none' matches every direction). */
  priors(userId: string, direction: string, tokens: readonly string[]): Promise<PriorCount[]> {
    if (tokens.length === 0) return Promise.resolve([]);
    return this.prisma.userTokenPrior.findMany({
      where: { userId, token: { in: [...tokens] }, ...(direction === 'none' ? {} : { direction }) },
      select: { token: true, categoryId: true, count: true },
    });
  }

  /**
   * Learns one correction, once: the (transaction, version) pair is recorded in the same
   * database transaction, so a replayed event teaches nothing twice. The newest choice wins;
   * the count says how many corrections in a row chose it. The word priors count each
   * transaction once: a newer choice for it moves its words' counts to the new category.
   */
  async learn(c: Correction): Promise<boolean> {
    // Corrections of one user upsert overlapping word rows in any order: a deadlock runs again.
    return retryOnConflict(() => this.prisma.$transaction(async (tx) => {
      const inserted = await tx.$executeRaw`
        INSERT INTO learned_corrections (transaction_id, version) VALUES (${c.transactionId}::uuid, ${c.version})
        ON CONFLICT DO NOTHING`;
      if (inserted === 0) return false;
      if (c.merchant) {
        await tx.$executeRaw`
          INSERT INTO merchant_memory (user_id, merchant, category_id, count, updated_at)
          VALUES (${c.userId}::uuid, ${c.merchant}, ${c.categoryId}::uuid, 1, now())
          ON CONFLICT (user_id, merchant) DO UPDATE SET
            count = CASE WHEN merchant_memory.category_id = excluded.category_id THEN merchant_memory.count + 1 ELSE 1 END,
            category_id = excluded.category_id,
            updated_at = now()`;
      }
      const [previous] = await tx.$queryRaw<{ direction: string; category_id: string; tokens: string[]; version: number }[]>`
        SELECT direction, category_id::text, tokens, version FROM prior_contributions WHERE transaction_id = ${c.transactionId}::uuid FOR UPDATE`;
      // An older version replayed after a newer one must not take the newer choice back.
      if (previous && previous.version > c.version) return true;
      if (previous) {
        await tx.$executeRaw`
          UPDATE user_token_priors SET count = count - 1, updated_at = now()
          WHERE user_id = ${c.userId}::uuid AND direction = ${previous.direction} AND category_id = ${previous.category_id}::uuid
            AND token = ANY(${previous.tokens}::text[])`;
        await tx.$executeRaw`DELETE FROM user_token_priors WHERE user_id = ${c.userId}::uuid AND count <= 0`;
      }
      if (c.tokens.length > 0) {
        await tx.$executeRaw`
          INSERT INTO user_token_priors (user_id, direction, token, category_id, count, updated_at)
          SELECT ${c.userId}::uuid, ${c.direction}, t, ${c.categoryId}::uuid, 1, now() FROM unnest(${c.tokens}::text[]) AS t
          ON CONFLICT (user_id, direction, token, category_id) DO UPDATE SET count = user_token_priors.count + 1, updated_at = now()`;
      }
      await tx.priorContribution.upsert({
        where: { transactionId: c.transactionId },
        create: { transactionId: c.transactionId, userId: c.userId, direction: c.direction, categoryId: c.categoryId, tokens: c.tokens, version: c.version },
        update: { direction: c.direction, categoryId: c.categoryId, tokens: c.tokens, version: c.version },
      });
      return true;
    }));
  }
}
