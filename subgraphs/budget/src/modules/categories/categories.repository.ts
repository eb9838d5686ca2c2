import { advisoryXactLock, isUniqueViolation, retryOnConflict } from '@centavo/db';
import { rootClient, type BudgetDb } from '../../db.js';
import type { CategoryKind } from '../../generated/prisma/client.js';
import { DEFAULT_CATEGORIES, defaultCategoryId } from '@centavo/categories';
import { categoryCreatedRow } from './category-events.js';

export interface CategoryRecord {
  id: string;
  userId: string;
  slug: string;
  name: string;
  kind: CategoryKind;
  parentId: string | null;
  isDefault: boolean;
  createdAt: Date;
}

export class SlugTakenError extends Error {}

export class CategoriesRepository {
  constructor(private readonly prisma: BudgetDb) {}

  /** Inserts the default categories a user lacks; safe to run concurrently (unique user+slug). */
  async insertDefaults(userId: string): Promise<void> {
    await this.prisma.category.createMany({
      // Default ids are derived from user and slug, so other domains can name them (see @centavo/categories).
      data: DEFAULT_CATEGORIES.map((c) => ({ ...c, id: defaultCategoryId(userId, c.slug), userId, isDefault: true })),
      skipDuplicates: true,
    });
  }

  countDefaults(userId: string): Promise<number> {
    return this.prisma.category.count({ where: { userId, isDefault: true } });
  }

  listByUser(userId: string): Promise<CategoryRecord[]> {
    return this.prisma.category.findMany({
      where: { userId },
      orderBy: [{ isDefault: 'desc' }, { createdAt: 'asc' }, { name: 'asc' }],
    });
  }

  findManyForUser(userId: string, ids: readonly string[]): Promise<CategoryRecord[]> {
    return this.prisma.category.findMany({ where: { userId, id: { in: [...ids] } } });
  }

  /**
   * Creates a custom category unless the user already has `max` of them (defaults do not
   * count); null then. Counted and inserted under the user's advisory lock, so concurrent
   * creates cannot overshoot the cap. Its category.created event goes to the outbox in the same
   * transaction: other domains hear of every category that exists, and of no other.
   */
  async createWithin(
    max: number,
    data: { userId: string; slug: string; name: string; kind: CategoryKind; parentId: string | null },
    requestId?: string,
  ): Promise<CategoryRecord | null> {
    const db = rootClient(this.prisma);
    try {
      return await retryOnConflict(() =>
        db.$transaction(async (tx) => {
          await advisoryXactLock(tx, 'categories-quota', data.userId);
          if ((await tx.category.count({ where: { userId: data.userId, isDefault: false } })) >= max) return null;
          const created = await tx.category.create({ data });
          await tx.outboxEvent.create({ data: categoryCreatedRow(created, requestId) });
          return created;
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new SlugTakenError(data.slug);
      throw error;
    }
  }
}
