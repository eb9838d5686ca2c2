import { countSqlStatement, type PgPool } from '@centavo/db';
import type { DecisionSource } from '../../generated/prisma/client.js';
import type { CategorizationRecord, SuggestionRecord } from './categorization.repository.js';

interface Row {
  transaction_id: string;
  user_id: string;
  category_id: string | null;
  suggestions: SuggestionRecord[];
  confidence: number;
  source: DecisionSource;
  explanation: string | null;
  model_version: string;
  transaction_version: number;
}

// No updated_at: nothing served reads it, and parsing a timestamp per row is most of a row's cost.
const toRecord = (r: Row): CategorizationRecord => ({
  transactionId: r.transaction_id,
  userId: r.user_id,
  categoryId: r.category_id,
  suggestions: r.suggestions,
  confidence: r.confidence,
  source: r.source,
  explanation: r.explanation,
  modelVersion: r.model_version,
  transactionVersion: r.transaction_version,
});

/**
 * The decisions read for every dashboard (`Transaction._entities` of each listed transaction)
 * in plain SQL: through Prisma's client engine this query was about a third of the subgraph's
 * CPU per dashboard (bench/entity-reads.bench.ts). Same rows as
 * CategorizationRepository.findForUser; the statement counts for the N+1 tests as Prisma's do.
 */
export class CategorizationReader {
  constructor(private readonly pool: PgPool) {}

  async findForUser(userId: string, transactionIds: readonly string[]): Promise<CategorizationRecord[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT transaction_id, user_id, category_id, suggestions, confidence, source, explanation, model_version, transaction_version
         FROM categorizations WHERE user_id = $1 AND transaction_id = ANY($2::uuid[])`,
      [userId, transactionIds],
    );
    countSqlStatement();
    return rows.map(toRecord);
  }
}
