import { loadDataset } from '../../subgraphs/ai/src/modules/categorize/dataset.js';
import { normalizeDescription } from '../../subgraphs/ai/src/modules/categorize/normalize.js';
import type { Slug } from '../../subgraphs/ai/src/modules/categorize/slugs.js';
import { createColdCategorizer, type ColdDecision } from '../../subgraphs/ai/src/modules/categorization/cold-categorizer.js';
import { priorTokens } from '../../subgraphs/ai/src/modules/categorization/user-priors.js';

/** One bank line the seeder reuses: a labelled row of the ai data set and what the product makes of it. */
export interface CatalogLine {
  description: string;
  /** Signed cents as in the data set; the seeder varies it per use. */
  amountMinor: number;
  /** The true category: what a user would choose. */
  slug: Slug;
  /** The normalized merchant (what the merchant memory is keyed on). */
  merchant: string | null;
  /** The words a user's choice teaches (user_token_priors). */
  tokens: string[];
  /** The dictionary and model's decision (categorize worker, without the user's rules and memory). */
  cold: ColdDecision;
}

export interface Catalog {
  lines: CatalogLine[];
  /** The version of the model that made the decisions (stored with each categorization). */
  modelVersion: string;
}

/**
 * The 7,591 labelled lines of subgraphs/ai/data (Portuguese and English bank descriptions),
 * each with the decision of the same dictionary and model the ai worker runs: seeded
 * categorizations are the ones the product would have made (the model trains in about 2 s).
 */
export function loadCatalog(): Catalog {
  const cold = createColdCategorizer(0.5);
  const lines = loadDataset().map((row): CatalogLine => {
    const normalized = normalizeDescription(row.description);
    return {
      description: row.description,
      amountMinor: row.amountMinor === 0 ? -100 : row.amountMinor,
      slug: row.slug,
      merchant: normalized.merchant,
      tokens: priorTokens(normalized.tokens),
      cold: cold.categorize(row.description, BigInt(row.amountMinor)),
    };
  });
  return { lines, modelVersion: cold.version };
}
