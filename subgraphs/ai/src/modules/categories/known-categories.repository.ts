import type { KnownCategory } from '@centavo/categories';
import type { AiPrisma } from '../../db.js';

/** A custom category as a category event announces it. */
export interface KnownCategoryRecord extends KnownCategory {
  userId: string;
}

/** The ai domain's read model of users' custom categories (filled by the budget domain's events). */
export class KnownCategoriesRepository {
  constructor(private readonly prisma: AiPrisma) {}

  /**
   * Records a category once: a replayed or reordered event finds the row there and changes nothing
   * (categories are never deleted or re-kinded, so the first write is the truth).
   */
  async remember(category: KnownCategoryRecord): Promise<void> {
    await this.prisma.knownCategory.createMany({ data: [category], skipDuplicates: true });
  }

  /** The user's custom category with this id, or null when it is unknown or another user's. */
  find(userId: string, id: string): Promise<KnownCategory | null> {
    return this.prisma.knownCategory.findFirst({ where: { id, userId }, select: { id: true, slug: true, kind: true } });
  }
}
