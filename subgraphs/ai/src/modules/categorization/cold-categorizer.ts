import { categorize, type ThresholdSource } from '../categorize/categorizer.js';
import type { CategorizerModel } from '../categorize/model.js';
import { SLUGS, type Direction } from '../categorize/slugs.js';
import { datasetModel } from '../training/model-artifact.js';

/** What the pipeline needs from the merchant dictionary and the model (no user data involved). */
export interface ColdDecision {
  merchant: string | null;
  /** A default category slug, or null below the confidence threshold. */
  slug: string | null;
  confidence: number;
  /** Where the answer came from: the user's priors weigh less against a dictionary hit. */
  source: 'MEMORY' | 'DICTIONARY' | 'MODEL';
  explanation: string;
  suggestions: { slug: string; confidence: number }[];
}

export interface ColdCategorizer {
  readonly version: string;
  /** The model's calibrated threshold (below it the top slug is more often wrong than right). */
  readonly acceptAt?: number;
  /** The same for one direction of the money (money in and money out are calibrated apart), and for answers the user's corrections re-weighed. */
  acceptAtFor?(direction: Direction, source?: ThresholdSource): number;
  categorize(description: string, cents: bigint): ColdDecision;
}

/** A cold categorizer whose model a retrain can replace. */
export interface SwappableColdCategorizer extends ColdCategorizer {
  swap(model: CategorizerModel): void;
  /** Whether a model is in place (else the first categorization reads its file or trains it, seconds). */
  readonly loaded: boolean;
}

/**
 * The merchant dictionary and the model trained on the project's labelled data set, behind
 * the interface the pipeline uses. Trained once per process, on first use; a retrained model
 * replaces it with swap().
 */
export function createColdCategorizer(threshold?: number): SwappableColdCategorizer {
  let model: CategorizerModel | undefined;
  const trained = () => (model ??= datasetModel());
  return {
    swap(next) {
      model = next;
    },
    get loaded() {
      return model !== undefined;
    },
    get version() {
      return trained().version;
    },
    get acceptAt() {
      return threshold ?? trained().acceptAt;
    },
    acceptAtFor(direction, source) {
      return threshold ?? trained().acceptAtFor(direction, source);
    },
    categorize(description, cents) {
      // Every allowed slug: the user's priors re-weigh the whole distribution, callers cut the list.
      // No threshold given: the model's own for the money's direction.
      const r = categorize({ description, amountMinor: cents }, trained(), { threshold, suggestions: SLUGS.length });
      return { merchant: r.merchant, slug: r.slug, confidence: r.confidence, source: r.source, explanation: r.explanation, suggestions: r.suggestions };
    },
  };
}
