import type { KnownCategory } from './directory.js';

/** A custom category of a user, as the budget domain announced it in a category event. */
export interface KnownCategoryRow extends KnownCategory {
  userId: string;
}

/**
 * What the read model needs of a domain's `known_categories` table: the slice of its Prisma
 * delegate (`prisma.knownCategory`) used here. Each consuming domain has the same table in its
 * own database (prisma/transactions, prisma/ai).
 */
export interface KnownCategoryTable {
  createMany(args: { data: KnownCategoryRow[]; skipDuplicates: true }): Promise<unknown>;
  findUnique(args: { where: { id: string }; select: { id: true; userId: true; slug: true; kind: true } }): Promise<KnownCategoryRow | null>;
}

/** A domain's read model of the users' custom categories, filled by category events. */
export class KnownCategories {
  constructor(private readonly table: KnownCategoryTable) {}

  /**
   * Records a category once (ON CONFLICT DO NOTHING): categories are never deleted or re-kinded,
   * so the first write is the truth and a replayed, racing or late event changes nothing.
   */
  async remember(category: KnownCategoryRow): Promise<void> {
    const { id, userId, slug, kind } = category;
    await this.table.createMany({ data: [{ id, userId, slug, kind }], skipDuplicates: true });
  }

  /** The category with this id, whoever owns it (the directory tells owners apart). */
  find(id: string): Promise<KnownCategoryRow | null> {
    return this.table.findUnique({ where: { id }, select: { id: true, userId: true, slug: true, kind: true } });
  }
}
