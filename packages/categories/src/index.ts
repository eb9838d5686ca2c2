import { createHash } from 'node:crypto';

export type CategoryKind = 'EXPENSE' | 'INCOME' | 'TRANSFER';

/** The default categories every user has (listed in the README); slugs are stable and public. */
export const DEFAULT_CATEGORIES = [
  { slug: 'groceries', name: 'Groceries', kind: 'EXPENSE' },
  { slug: 'restaurants', name: 'Restaurants & takeout', kind: 'EXPENSE' },
  { slug: 'transport', name: 'Transport', kind: 'EXPENSE' },
  { slug: 'fuel', name: 'Fuel', kind: 'EXPENSE' },
  { slug: 'housing', name: 'Housing', kind: 'EXPENSE' },
  { slug: 'home', name: 'Home & garden', kind: 'EXPENSE' },
  { slug: 'utilities', name: 'Utilities', kind: 'EXPENSE' },
  { slug: 'shopping', name: 'Shopping', kind: 'EXPENSE' },
  { slug: 'clothing', name: 'Clothing', kind: 'EXPENSE' },
  { slug: 'health', name: 'Health', kind: 'EXPENSE' },
  { slug: 'personal_care', name: 'Personal care', kind: 'EXPENSE' },
  { slug: 'subscriptions', name: 'Subscriptions', kind: 'EXPENSE' },
  { slug: 'entertainment', name: 'Entertainment', kind: 'EXPENSE' },
  { slug: 'travel', name: 'Travel', kind: 'EXPENSE' },
  { slug: 'education', name: 'Education', kind: 'EXPENSE' },
  { slug: 'insurance', name: 'Insurance', kind: 'EXPENSE' },
  { slug: 'fees', name: 'Bank fees & interest', kind: 'EXPENSE' },
  { slug: 'cash', name: 'Cash withdrawal', kind: 'EXPENSE' },
  { slug: 'gifts', name: 'Gifts & donations', kind: 'EXPENSE' },
  { slug: 'pets', name: 'Pets', kind: 'EXPENSE' },
  { slug: 'taxes', name: 'Taxes', kind: 'EXPENSE' },
  { slug: 'loan_payments', name: 'Loan payments', kind: 'EXPENSE' },
  { slug: 'gambling', name: 'Gambling', kind: 'EXPENSE' },
  { slug: 'other_expense', name: 'Other expenses', kind: 'EXPENSE' },
  { slug: 'salary', name: 'Salary', kind: 'INCOME' },
  { slug: 'investment_income', name: 'Investment income', kind: 'INCOME' },
  { slug: 'refunds', name: 'Refunds & cashback', kind: 'INCOME' },
  { slug: 'other_income', name: 'Other income', kind: 'INCOME' },
  { slug: 'transfer', name: 'Transfers', kind: 'TRANSFER' },
] as const satisfies readonly { slug: string; name: string; kind: CategoryKind }[];

export type DefaultSlug = (typeof DEFAULT_CATEGORIES)[number]['slug'];

const NAMESPACE = Buffer.from('6f1c2a4e8b3d4c5fa1e2d3c4b5a69788', 'hex');

/**
 * The id of a user's default category, the same in every domain (a name-based UUID v5 of
 * user and slug): the ai domain can name the user's "groceries" and the transactions domain
 * the user's "transfer" without asking the budget domain, which creates them with these ids.
 */
export function defaultCategoryId(userId: string, slug: DefaultSlug): string {
  const key = `${userId.toLowerCase()}:${slug}`;
  const known = idCache.get(key);
  if (known !== undefined) return known;
  const id = computeDefaultCategoryId(key);
  // Categorizing an import asks for the same few users' ids hundreds of thousands of times.
  if (idCache.size >= ID_CACHE_SIZE) idCache.clear();
  idCache.set(key, id);
  return id;
}

const ID_CACHE_SIZE = 30_000;
const idCache = new Map<string, string>();

function computeDefaultCategoryId(key: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(key).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const isDefaultSlug = (slug: string): slug is DefaultSlug => DEFAULT_CATEGORIES.some((c) => c.slug === slug);

export { CategoryDirectory, defaultCategoryOf, type CategoryDirectoryOptions, type KnownCategory } from './directory.js';
export { KnownCategories, type KnownCategoryRow, type KnownCategoryTable } from './read-model.js';
