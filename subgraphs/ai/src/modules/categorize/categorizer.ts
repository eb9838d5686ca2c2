import { blendWithPriors, explainPriors, personalTokens, type PriorCount } from '../categorization/user-priors.js';
import { lookupMerchantEntry } from './merchant-dictionary.js';
import { explainMemory, memoryConfidence, type MemoryHit } from './memory.js';
import type { Suggestion } from './model.js';
import { normalizeCached } from './normalized-cache.js';
import { directionOf, isAllowedForDirection, isSlug, SLUGS, type Direction, type Slug } from './slugs.js';

/**
 * The cold pipeline: the user's memory, then the global dictionary, then the model.
 *
 * Sign masking holds at every step. A memory entry whose slug the direction forbids is ignored.
 * A dictionary merchant paying money IN cannot be its expense slug: that credit is a refund
 * (a reversal, a chargeback, a returned purchase), unless the line says it is a payout
 * (PAYOUT, REPASSE, DEPOSIT, EARNINGS: marketplace and platform settlements), which is other_income.
 */
export type CategorizeSource = 'MEMORY' | 'DICTIONARY' | 'MODEL';

/**
 * Whose confidence a threshold judges: the cold answer's (dictionary or model) or a blend of it with
 * the user's corrections (user-priors.ts), which is right more often at the same confidence.
 */
export type ThresholdSource = 'MODEL' | 'PRIORS';

/** `categorize` only needs this much of a model, so tests and the service can substitute one. */
export interface SlugPredictor {
  readonly version: string;
  /** The calibrated expected-cost threshold of the model's confidences, if it has one. */
  readonly acceptAt?: number;
  /**
   * The same calibrated for one direction of the money (money in and out have different odds) and,
   * with `source` PRIORS, for answers the user's corrections re-weighed.
   */
  acceptAtFor?(direction: Direction, source?: ThresholdSource): number;
  predict(description: string, amountMinor: bigint | number): Suggestion[];
  explain(description: string, amountMinor: bigint | number, slug: Slug): string;
}

export type MemoryLookup = (merchant: string, direction: Direction) => MemoryHit | null;

/** The user's counts for these prior tokens (words and chain) in one direction, with slugs as category ids. */
export type PriorsLookup = (direction: Direction, tokens: readonly string[]) => PriorCount[];

export interface CategorizeInput {
  description: string;
  /** Signed minor units: money in positive, money out negative. */
  amountMinor: bigint | number;
  memory?: MemoryLookup;
  /** What the user's corrections taught about the description's words and the merchant's chain. */
  priors?: PriorsLookup;
}

export interface CategorizeOptions {
  /**
   * Below this confidence the answer is `slug: null` and only suggestions are offered; by default
   * the model's calibrated `acceptAt` (where its top slug starts to be right more often than wrong).
   */
  threshold?: number;
  /** How many suggestions to return. */
  suggestions?: number;
}

export interface CategorizeResult {
  merchant: string | null;
  slug: Slug | null;
  /** Set when the memory knows the user's category id (custom categories have no slug). */
  categoryId: string | null;
  confidence: number;
  source: CategorizeSource;
  /** Whether the user's corrections of the line's words or chain re-weighed the answer. */
  withPriors: boolean;
  explanation: string;
  suggestions: Suggestion[];
  modelVersion: string;
}

export const DEFAULT_THRESHOLD = 0.5;
export const DICTIONARY_CONFIDENCE = 0.97;
/** Lower than a direct hit: the direction rule infers the slug, the dictionary did not state it. */
export const DICTIONARY_FALLBACK_CONFIDENCE = 0.9;

const PAYOUT = /\b(?:payout|payouts|repasse|deposit|earnings|ganhos|settlement|vendas?)\b/;
/** Money in from a well-known company that says it is pay: the company is the employer, not a shop refunding. */
const PAY = /\b(?:salary|salaries|salario|salarios|wages?|payroll|ordenado|vencimentos?|proventos|stipend)\b/;

function fallbackForIncoming(normalized: string): Slug {
  return PAYOUT.test(normalized) ? 'other_income' : 'refunds';
}

/** Puts `slug` first at `confidence` and shares the rest among the model's other suggestions. */
function withAlternatives(slug: Slug, confidence: number, model: Suggestion[], k: number): Suggestion[] {
  const rest = model.filter((s) => s.slug !== slug);
  const mass = rest.reduce((sum, s) => sum + s.confidence, 0) || 1;
  return [{ slug, confidence }, ...rest.slice(0, k - 1).map((s) => ({ slug: s.slug, confidence: ((1 - confidence) * s.confidence) / mass }))];
}

/** The threshold `categorize` applies: the caller's, else the model's calibrated one for the direction and source. */
export function thresholdOf(model: SlugPredictor, options: CategorizeOptions = {}, direction?: Direction, source: ThresholdSource = 'MODEL'): number {
  return options.threshold ?? (direction ? model.acceptAtFor?.(direction, source) : undefined) ?? model.acceptAt ?? DEFAULT_THRESHOLD;
}

/**
 * The cold answer (`coldCategorize`) blended with what the user's corrections taught about the
 * line's words and its merchant's chain (user-priors.ts). An exact merchant memory is final.
 */
export function categorize(input: CategorizeInput, model: SlugPredictor, options: CategorizeOptions = {}): CategorizeResult {
  if (!input.priors) return coldCategorize(input, model, options);
  // The priors re-weigh the whole distribution; the list is cut to `suggestions` afterwards.
  const cold = coldCategorize(input, model, { ...options, suggestions: SLUGS.length });
  const k = Math.max(1, options.suggestions ?? 3);
  if (cold.source === 'MEMORY') return cold;
  const n = normalizeCached(input.description);
  const direction = directionOf(typeof input.amountMinor === 'bigint' ? Number(input.amountMinor) : input.amountMinor);
  const counts = input.priors(direction, personalTokens(n));
  if (counts.length === 0) return { ...cold, suggestions: cold.suggestions.slice(0, k) };
  const allowed = (slug: string) => isAllowedForDirection(slug as Slug, direction);
  const blend = blendWithPriors(
    cold.suggestions.map((s) => ({ categoryId: s.slug, confidence: s.confidence })),
    counts,
    { strength: cold.source === 'DICTIONARY' ? 3 : 1, allowed, known: isSlug },
  );
  const top = blend.ranked[0];
  if (blend.weight === 0 || !top) return { ...cold, suggestions: cold.suggestions.slice(0, k) };
  const threshold = thresholdOf(model, options, direction, 'PRIORS');
  const words = blend.evidence.get(top.categoryId);
  return {
    ...cold,
    withPriors: true,
    slug: top.confidence >= threshold ? (top.categoryId as Slug) : null,
    confidence: top.confidence,
    explanation: words ? explainPriors(words, top.categoryId) : cold.explanation,
    suggestions: blend.ranked.slice(0, k).map((s) => ({ slug: s.categoryId as Slug, confidence: s.confidence })),
  };
}

function coldCategorize(input: CategorizeInput, model: SlugPredictor, options: CategorizeOptions): CategorizeResult {
  const k = Math.max(1, options.suggestions ?? 3);
  const amount = typeof input.amountMinor === 'bigint' ? Number(input.amountMinor) : input.amountMinor;
  const direction = directionOf(amount);
  const threshold = thresholdOf(model, options, direction);
  const n = normalizeCached(input.description);
  const merchant = n.merchant;
  const base = { merchant, modelVersion: model.version, withPriors: false };
  const accept = (slug: Slug | null, confidence: number): Slug | null => (confidence >= threshold ? slug : null);

  if (merchant && input.memory) {
    const hit = input.memory(merchant, direction);
    const usable = hit && (hit.slug ? isAllowedForDirection(hit.slug, direction) : Boolean(hit.categoryId));
    if (hit && usable) {
      const confidence = memoryConfidence(hit.count);
      const accepted = confidence >= threshold;
      return {
        ...base,
        slug: accepted ? (hit.slug ?? null) : null,
        categoryId: accepted ? (hit.categoryId ?? null) : null,
        confidence,
        source: 'MEMORY',
        explanation: explainMemory(merchant, hit),
        suggestions: hit.slug ? [{ slug: hit.slug, confidence }] : [],
      };
    }
  }

  const predictions = model.predict(input.description, input.amountMinor);

  const entry = lookupMerchantEntry(merchant);
  if (entry) {
    if (isAllowedForDirection(entry.slug, direction)) {
      return {
        ...base,
        slug: accept(entry.slug, DICTIONARY_CONFIDENCE),
        categoryId: null,
        confidence: DICTIONARY_CONFIDENCE,
        source: 'DICTIONARY',
        explanation: `dictionary: ${entry.entry} is ${entry.slug}`,
        suggestions: withAlternatives(entry.slug, DICTIONARY_CONFIDENCE, predictions, k),
      };
    }
    if (direction === 'in' && !PAY.test(n.normalized)) {
      const slug = fallbackForIncoming(n.normalized);
      return {
        ...base,
        slug: accept(slug, DICTIONARY_FALLBACK_CONFIDENCE),
        categoryId: null,
        confidence: DICTIONARY_FALLBACK_CONFIDENCE,
        source: 'DICTIONARY',
        explanation: `dictionary: ${entry.entry} is ${entry.slug}; money in from it is ${slug}`,
        suggestions: withAlternatives(slug, DICTIONARY_FALLBACK_CONFIDENCE, predictions, k),
      };
    }
    // Money out to a merchant the dictionary files as income: the dictionary has nothing to say.
  }

  const top = predictions[0];
  if (!top) {
    return { ...base, slug: null, categoryId: null, confidence: 0, source: 'MODEL', explanation: 'model: no allowed slug', suggestions: [] };
  }
  return {
    ...base,
    slug: accept(top.slug, top.confidence),
    categoryId: null,
    confidence: top.confidence,
    source: 'MODEL',
    explanation: model.explain(input.description, input.amountMinor, top.slug),
    suggestions: predictions.slice(0, k),
  };
}
