import { isUuid, normalizeTags } from '@centavo/server';
import type { TransactionFilter as FilterInput } from '../../resolvers.generated.js';
import { optionalText, parseDate } from './transaction-input.js';
import type { TransactionFilter } from './transactions.repository.js';

const NONE = '00000000-0000-0000-0000-000000000000';
// Searched with ILIKE over three columns: a bounded pattern keeps the query cheap.
export const MAX_SEARCH_LENGTH = 200;

/** The repository's filter from the API's: dates parsed, search bounded, ids that are no UUID match nothing. */
export function toFilter(input: FilterInput | null | undefined): TransactionFilter {
  const f = input ?? {};
  return {
    // An id that is no UUID matches nothing, like another user's id.
    accountId: f.accountId ? (isUuid(f.accountId) ? f.accountId : NONE) : null,
    categoryId: f.categoryId ? (isUuid(f.categoryId) ? f.categoryId : NONE) : null,
    from: f.from ? parseDate(f.from, 'from') : null,
    to: f.to ? parseDate(f.to, 'to') : null,
    search: optionalText(f.search, 'search', MAX_SEARCH_LENGTH),
    uncategorized: f.uncategorized ?? null,
    tags: f.tag || f.tags ? normalizeTags([...(f.tag ? [f.tag] : []), ...(f.tags ?? [])], f.tags ? 'tags' : 'tag') : null,
  };
}
