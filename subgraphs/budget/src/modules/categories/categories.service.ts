import { badInput, conflict, limitExceeded, notFound } from '@centavo/errors';
import type { CategoryKind } from '../../generated/prisma/client.js';
import { DEFAULT_CATEGORIES } from '@centavo/categories';
import { SlugTakenError, type CategoriesRepository, type CategoryRecord } from './categories.repository.js';

/** "Café & Bar" → "cafe_bar": accents folded, anything else non-alphanumeric becomes one "_". */
export function slugify(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

const DEFAULT_ORDER = new Map<string, number>(DEFAULT_CATEGORIES.map((c, i) => [c.slug, i]));

// Users already known to have their defaults; bounded so a long-running process stays small.
const SEEDED_CACHE_LIMIT = 50_000;

export class CategoriesService {
  private readonly seeded = new Set<string>();

  constructor(
    private readonly categories: CategoriesRepository,
    /** MAX_CATEGORIES_PER_USER: custom categories only. */
    private readonly maxCategories: number,
    /** Called after a commit that wrote a category event, so the relay sends it at once. */
    private readonly onEvents: () => void = () => undefined,
  ) {}

  /** Gives a user the default categories the first time they need them. */
  async ensureDefaults(userId: string): Promise<void> {
    if (this.seeded.has(userId)) return;
    if ((await this.categories.countDefaults(userId)) < DEFAULT_CATEGORIES.length) {
      await this.categories.insertDefaults(userId);
    }
    if (this.seeded.size >= SEEDED_CACHE_LIMIT) this.seeded.clear();
    this.seeded.add(userId);
  }

  /** The defaults in the order of categories.md, then the user's own in creation order. */
  async list(userId: string): Promise<CategoryRecord[]> {
    await this.ensureDefaults(userId);
    const rows = await this.categories.listByUser(userId);
    const rank = (c: CategoryRecord) => (c.isDefault ? (DEFAULT_ORDER.get(c.slug) ?? 0) : DEFAULT_ORDER.size);
    return rows.sort((a, b) => rank(a) - rank(b) || a.createdAt.getTime() - b.createdAt.getTime());
  }

  async create(
    userId: string,
    input: { name: string; kind: CategoryKind; parentId?: string | null },
    loadParent: (id: string) => Promise<CategoryRecord | null>,
    requestId?: string,
  ): Promise<CategoryRecord> {
    await this.ensureDefaults(userId);
    const name = input.name.trim().replace(/\s+/g, ' ');
    if (!name) throw badInput('name', 'Category name must not be empty');
    if (name.length > 60) throw badInput('name', 'Category name must have at most 60 characters');
    const slug = slugify(name);
    if (!slug) throw badInput('name', 'Category name must contain letters or digits');
    let parentId: string | null = null;
    if (input.parentId) {
      const parent = await loadParent(input.parentId);
      if (!parent) throw notFound('Parent category');
      if (parent.kind !== input.kind) {
        throw badInput('parentId', `A ${input.kind} category cannot be nested under a ${parent.kind} category`);
      }
      parentId = parent.id;
    }
    let created: CategoryRecord | null;
    try {
      created = await this.categories.createWithin(this.maxCategories, { userId, slug, name, kind: input.kind, parentId }, requestId);
    } catch (error) {
      if (error instanceof SlugTakenError) throw conflict(`A category with slug "${slug}" already exists`, 'name');
      throw error;
    }
    if (!created) throw limitExceeded('categories', this.maxCategories);
    this.onEvents();
    return created;
  }
}
