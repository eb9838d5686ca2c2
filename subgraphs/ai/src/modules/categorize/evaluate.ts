import { categorize, type CategorizeSource, type SlugPredictor } from './categorizer.js';
import { loadDataset, type LabelledRow } from './dataset.js';
import { personalTokens } from '../categorization/user-priors.js';
import { MerchantMemory, TokenPriors } from './memory.js';
import { datasetModel } from '../training/model-artifact.js';
import { normalizeDescription } from './normalize.js';
import { directionOf, SLUGS, type Slug } from './slugs.js';

/**
 * Scores the pipeline on the held-out split (merchants never seen in training).
 *
 * - `cold`: every row alone, dictionary + model, as for a brand-new user.
 * - `prequential`: rows in date order as one user's history; the user's memory and priors are
 *   consulted first and, after each row the pipeline got wrong or left uncategorized, told the true
 *   slug, as a user correcting every miss would (a right answer is left alone, as users do).
 *   `afterFirstCorrection` scores only rows whose merchant the memory had already been told
 *   about in that direction; it must be 1: a corrected merchant is never wrong again.
 *   `worseThanCold` counts rows the corrections made worse: answered right by the row alone (cold)
 *   but not with the user's memory and priors; it must be 0 (issue 12: a correction must never make
 *   a later prediction of an unrelated row worse).
 *
 * `accuracy` is top-1 (the best suggestion, whether or not it clears the threshold), as
 * suggestCategories answers; `answeredAccuracy` counts a row left uncategorized as a miss, as the
 * user sees a stored transaction (the score of the prequential mode).
 */
export type EvalMode = 'cold' | 'prequential';

export interface SlugScore {
  slug: Slug;
  support: number;
  correct: number;
  /** Recall: share of this slug's rows answered with it. */
  accuracy: number;
  precision: number;
  f1: number;
}

export interface Confusion {
  truth: Slug;
  predicted: Slug;
  count: number;
}

export interface EvalResult {
  mode: EvalMode;
  rows: number;
  correct: number;
  accuracy: number;
  macroF1: number;
  perSlug: SlugScore[];
  /** Most frequent mistakes first. */
  confusions: Confusion[];
  bySource: Record<CategorizeSource, { rows: number; correct: number }>;
  /** Rows answered with a slug at the default threshold, and how many of those were right. */
  accepted: { rows: number; correct: number };
  /** Rows whose answered slug (null when left uncategorized) was right, over all rows. */
  answeredAccuracy: number;
  /** Share of rows left uncategorized (below the threshold). */
  uncategorizedShare: number;
  /**
   * Rows left uncategorized, and how many of them had a right top suggestion, by whose confidence
   * the threshold judged (the cold answer's, or a blend with the user's corrections): the threshold
   * rule (issue 12) wants fewer than half right in each.
   */
  uncategorized: Record<'MODEL' | 'PRIORS', { rows: number; topRight: number }>;
  afterFirstCorrection: { rows: number; correct: number; accuracy: number } | null;
  /** Prequential only: rows answered right cold but not with the corrections so far (null when cold). */
  worseThanCold: number | null;
  modelVersion: string;
}

export interface EvaluateOptions {
  model?: SlugPredictor;
  /** Rows to score; defaults to the committed dataset's test split. */
  rows?: readonly LabelledRow[];
  threshold?: number;
}

function byDate(rows: readonly LabelledRow[]): LabelledRow[] {
  // Stable: rows of the same day keep the file's order.
  return rows.map((r, i) => ({ r, i })).sort((a, b) => (a.r.date < b.r.date ? -1 : a.r.date > b.r.date ? 1 : a.i - b.i)).map((x) => x.r);
}

export function evaluate(mode: EvalMode, options: EvaluateOptions = {}): EvalResult {
  const model = options.model ?? datasetModel();
  const source = options.rows ?? loadDataset().filter((r) => r.split === 'test');
  const rows = mode === 'prequential' ? byDate(source) : [...source];
  const memory = mode === 'prequential' ? new MerchantMemory() : null;
  const priors = mode === 'prequential' ? new TokenPriors() : null;
  const lookup = memory?.asLookup();
  const priorsLookup = priors ? (direction: Parameters<TokenPriors['lookup']>[0], tokens: readonly string[]) => priors.lookup(direction, tokens) : undefined;

  const support = new Map<Slug, number>();
  const predicted = new Map<Slug, number>();
  const hits = new Map<Slug, number>();
  const confusions = new Map<string, Confusion>();
  const bySource: EvalResult['bySource'] = { MEMORY: { rows: 0, correct: 0 }, DICTIONARY: { rows: 0, correct: 0 }, MODEL: { rows: 0, correct: 0 } };
  const accepted = { rows: 0, correct: 0 };
  const uncategorized: EvalResult['uncategorized'] = { MODEL: { rows: 0, topRight: 0 }, PRIORS: { rows: 0, topRight: 0 } };
  const after = { rows: 0, correct: 0 };
  let correct = 0;
  let answered = 0;
  let worse = 0;

  for (const row of rows) {
    const result = categorize({ description: row.description, amountMinor: row.amountMinor, memory: lookup, priors: priorsLookup }, model, { threshold: options.threshold });
    const guess = result.slug ?? result.suggestions[0]?.slug ?? null;
    const ok = guess === row.slug;
    support.set(row.slug, (support.get(row.slug) ?? 0) + 1);
    if (guess) predicted.set(guess, (predicted.get(guess) ?? 0) + 1);
    bySource[result.source].rows++;
    if (result.slug) accepted.rows++;
    else if (!result.categoryId) {
      const left = uncategorized[result.withPriors ? 'PRIORS' : 'MODEL'];
      left.rows++;
      if (ok) left.topRight++;
    }
    if (result.slug === row.slug) answered++;
    if (ok) {
      correct++;
      hits.set(row.slug, (hits.get(row.slug) ?? 0) + 1);
      bySource[result.source].correct++;
      if (result.slug) accepted.correct++;
    } else if (guess) {
      const key = `${row.slug}>${guess}`;
      const c = confusions.get(key) ?? { truth: row.slug, predicted: guess, count: 0 };
      c.count++;
      confusions.set(key, c);
    }
    if (memory && priors) {
      if (result.slug !== row.slug && categorize({ description: row.description, amountMinor: row.amountMinor }, model, { threshold: options.threshold }).slug === row.slug) worse++;
      const n = normalizeDescription(row.description);
      const direction = directionOf(row.amountMinor);
      if (n.merchant && memory.lookupExact(n.merchant, direction)) {
        after.rows++;
        if (ok) after.correct++;
      }
      // The user corrects what was wrong or left empty; both the merchant and the words learn.
      if (result.slug !== row.slug) {
        if (n.merchant) memory.record(n.merchant, direction, row.slug);
        priors.record(direction, personalTokens(n), row.slug);
      }
    }
  }

  const perSlug: SlugScore[] = [];
  for (const slug of SLUGS) {
    const n = support.get(slug) ?? 0;
    const p = predicted.get(slug) ?? 0;
    if (n === 0 && p === 0) continue;
    const h = hits.get(slug) ?? 0;
    const recall = n ? h / n : 0;
    const precision = p ? h / p : 0;
    perSlug.push({ slug, support: n, correct: h, accuracy: recall, precision, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 });
  }
  return {
    mode,
    rows: rows.length,
    correct,
    accuracy: rows.length ? correct / rows.length : 0,
    macroF1: perSlug.length ? perSlug.reduce((s, x) => s + x.f1, 0) / perSlug.length : 0,
    perSlug,
    confusions: [...confusions.values()].sort((a, b) => b.count - a.count),
    bySource,
    accepted,
    answeredAccuracy: rows.length ? answered / rows.length : 0,
    uncategorizedShare: rows.length ? (rows.length - accepted.rows) / rows.length : 0,
    uncategorized,
    afterFirstCorrection: memory ? { ...after, accuracy: after.rows ? after.correct / after.rows : 1 } : null,
    worseThanCold: memory ? worse : null,
    modelVersion: model.version,
  };
}
