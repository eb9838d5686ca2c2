import type { KnownCategory } from '@centavo/categories';
import type { TransactionsPrisma } from '../../db.js';

/** A custom category of a user, as the budget domain announced it. */
export interface KnownCategoryRecord extends KnownCategory {
  userId: string;
}

/** The read model of the users' custom categories (prisma/transactions/schema.prisma, KnownCategory). */
export class KnownCategoriesRepository {
  constructor(private readonly prisma: TransactionsPrisma) {}

  /**
   * Records a category once: categories are never deleted or re-kinded, so a repeated or
   * late event changes nothing; ON CONFLICT DO NOTHING also lets two racing ones both succeed.
   */
  async remember(category: KnownCategoryRecord): Promise<void> {
    await this.prisma.knownCategory.createMany({ data: [category], skipDuplicates: true });
  }

  /** The user's category with this id; another user's id is null, like a missing one. */
  find(userId: string, id: string): Promise<KnownCategory | null> {
    return this.prisma.knownCategory.findFirst({ where: { id, userId }, select: { id: true, slug: true, kind: true } });
  }
}
