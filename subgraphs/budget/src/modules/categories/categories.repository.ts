import { advisoryXactLock, isUniqueViolation, retryOnConflict } from '@centavo/db';
import { rootClient, type BudgetDb } from '../../db.js';
import type { CategoryKind } from '../../generated/prisma/client.js';
import { DEFAULT_CATEGORIES, defaultCategoryId } from '@centavo/categories';

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
   * creates cannot overshoot the cap.
   */
  async createWithin(
    max: number,
    data: { userId: string; slug: string; name: string; kind: CategoryKind; parentId: string | null },
  ): Promise<CategoryRecord | null> {
    const db = rootClient(this.prisma);
    try {
      return await retryOnConflict(() =>
        db.$transaction(async (tx) => {
          await advisoryXactLock(tx, 'categories-quota', data.userId);
          if ((await tx.category.count({ where: { userId: data.userId, isDefault: false } })) >= max) return null;
          return tx.category.create({ data });
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new SlugTakenError(data.slug);
      throw error;
    }
  }
}
