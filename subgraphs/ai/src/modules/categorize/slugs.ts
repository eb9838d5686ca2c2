/** The category slugs the categorizer may answer with, grouped by the kind of money movement. */
export const EXPENSE_SLUGS = [
  'groceries',
  'restaurants',
  'transport',
  'fuel',
  'housing',
  'home',
  'utilities',
  'shopping',
  'clothing',
  'health',
  'personal_care',
  'subscriptions',
  'entertainment',
  'travel',
  'education',
  'insurance',
  'fees',
  'cash',
  'gifts',
  'pets',
  'taxes',
  'loan_payments',
  'gambling',
  'other_expense',
] as const;

export const INCOME_SLUGS = ['salary', 'investment_income', 'refunds', 'other_income'] as const;

export const TRANSFER_SLUGS = ['transfer'] as const;

export const SLUGS = [...EXPENSE_SLUGS, ...INCOME_SLUGS, ...TRANSFER_SLUGS] as const;

export type Slug = (typeof SLUGS)[number];
export type SlugKind = 'EXPENSE' | 'INCOME' | 'TRANSFER';
export type Direction = 'in' | 'out' | 'none';

const SLUG_SET: ReadonlySet<string> = new Set(SLUGS);
const EXPENSE_SET: ReadonlySet<string> = new Set(EXPENSE_SLUGS);
const INCOME_SET: ReadonlySet<string> = new Set(INCOME_SLUGS);

export function isSlug(value: string): value is Slug {
  return SLUG_SET.has(value);
}

export function slugKind(slug: Slug): SlugKind {
  if (EXPENSE_SET.has(slug)) return 'EXPENSE';
  if (INCOME_SET.has(slug)) return 'INCOME';
  return 'TRANSFER';
}

/** Money in is positive, money out negative; zero (or NaN) carries no direction. */
export function directionOf(amount: number): Direction {
  if (amount > 0) return 'in';
  if (amount < 0) return 'out';
  return 'none';
}

/**
 * Sign policy. Money out may be any EXPENSE slug or a transfer; money in may be any INCOME
 * slug, a transfer, or gambling (winnings are booked under gambling). Refunds are income only:
 * a reversal of a refund is rare enough to leave to a manual correction.
 */
export function isAllowedForDirection(slug: Slug, direction: Direction): boolean {
  if (direction === 'none') return true;
  if (slug === 'transfer') return true;
  if (direction === 'out') return EXPENSE_SET.has(slug);
  return INCOME_SET.has(slug) || slug === 'gambling';
}

export function isAllowed(slug: Slug, amount: number): boolean {
  return isAllowedForDirection(slug, directionOf(amount));
}

const ALLOWED: Record<Direction, readonly Slug[]> = {
  in: SLUGS.filter((s) => isAllowedForDirection(s, 'in')),
  out: SLUGS.filter((s) => isAllowedForDirection(s, 'out')),
  none: SLUGS,
};

export function allowedSlugs(amount: number): readonly Slug[] {
  return ALLOWED[directionOf(amount)];
}
