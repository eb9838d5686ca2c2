import { countSqlStatement, type PgPool, type PgPoolClient } from '@centavo/db';
import type { CategoryKind } from '../../generated/prisma/client.js';
import type { CategoryRecord } from './categories.repository.js';

interface Row {
  id: string;
  user_id: string;
  slug: string;
  name: string;
  kind: CategoryKind;
  parent_id: string | null;
  is_default: boolean;
  created_at: Date;
}

const toRecord = (r: Row): CategoryRecord => ({
  id: r.id,
  userId: r.user_id,
  slug: r.slug,
  name: r.name,
  kind: r.kind,
  parentId: r.parent_id,
  isDefault: r.is_default,
  createdAt: r.created_at,
});

/** The user's categories of these ids, through plain pg: a pool, or a batch's transaction (alerts). */
export async function readCategories(db: Pick<PgPool | PgPoolClient, 'query'>, userId: string, ids: readonly string[]): Promise<CategoryRecord[]> {
  const { rows } = await db.query<Row>(
    'SELECT id, user_id, slug, name, kind, parent_id, is_default, created_at FROM categories WHERE user_id = $1 AND id = ANY($2::uuid[])',
    [userId, ids],
  );
  return rows.map(toRecord);
}

/**
 * The category reads of every dashboard (the `_entities` of each listed transaction's category)
 * in plain SQL: Prisma's client engine compiled and ran this query at about a quarter of the
 * subgraph's CPU per dashboard (bench/entity-reads.bench.ts). Same rows as
 * CategoriesRepository.findManyForUser; the statement counts for the N+1 tests as Prisma's do.
 */
export class CategoriesReader {
  constructor(private readonly pool: PgPool) {}

  async findManyForUser(userId: string, ids: readonly string[]): Promise<CategoryRecord[]> {
    const categories = await readCategories(this.pool, userId, ids);
    countSqlStatement();
    return categories;
  }
}
