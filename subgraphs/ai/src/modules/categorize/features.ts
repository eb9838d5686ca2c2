import { fnv1a } from './hash.js';
import type { NormalizedDescription } from './normalize.js';

/**
 * Hashed sparse features of one bank line. Words carry the category vocabulary ("farmacia",
 * "posto"), bigrams the phrases ("pix enviado", "sao joao"), character n-grams survive typos,
 * truncation and glued names ("PADARIASAOJOAO"), and the amount separates a R$ 4 coffee from
 * R$ 4,000 rent and money in from money out.
 */
export const FEATURE_BITS = 18;
export const FEATURE_COUNT = 1 << FEATURE_BITS;
const MASK = FEATURE_COUNT - 1;

export type FeatureKind = 'word' | 'bigram' | 'char' | 'amount' | 'processor';

export interface FeatureWeights {
  word: number;
  bigram: number;
  /** Total L2 norm of the character n-grams, however many there are. */
  char: number;
  amount: number;
  processor: number;
}

export const DEFAULT_FEATURE_WEIGHTS: FeatureWeights = { word: 1, bigram: 0.7, char: 3, amount: 0.6, processor: 0.5 };

export interface Features {
  idx: Int32Array;
  val: Float32Array;
  /** Readable source of each feature; only filled when explaining. */
  names: string[] | null;
  kinds: FeatureKind[] | null;
}

// Per-kind hash seeds so 'pix' the word and 'pix' the trigram land in different buckets.
const SEED = { word: 0x1b873593, bigram: 0x85ebca6b, char: 0xc2b2ae35, amount: 0x27d4eb2f, processor: 0x165667b1 } as const;

const MIN_GRAM = 3;
const MAX_GRAM = 5;

/** Scratch buffers reused across calls: featurizing is on the hot path of every prediction. */
let scratchIdx = new Int32Array(512);
let scratchVal = new Float32Array(512);

export function featurize(
  n: NormalizedDescription,
  amountMinor: number,
  weights: FeatureWeights = DEFAULT_FEATURE_WEIGHTS,
  withNames = false,
): Features {
  let count = 0;
  const names: string[] | null = withNames ? [] : null;
  const kinds: FeatureKind[] | null = withNames ? [] : null;
  const push = (kind: FeatureKind, text: string, value: number): void => {
    if (count === scratchIdx.length) {
      const idx = new Int32Array(count * 2);
      idx.set(scratchIdx);
      const val = new Float32Array(count * 2);
      val.set(scratchVal);
      scratchIdx = idx;
      scratchVal = val;
    }
    scratchIdx[count] = fnv1a(text, SEED[kind]) & MASK;
    scratchVal[count] = value;
    count++;
    names?.push(text);
    kinds?.push(kind);
  };

  const tokens = n.tokens;
  for (const t of tokens) push('word', t, weights.word);
  for (let i = 1; i < tokens.length; i++) push('bigram', `${tokens[i - 1]} ${tokens[i]}`, weights.bigram);

  // Character n-grams of the merchant (the part that names the business), spaces as '_'.
  const source = (n.merchant ?? n.normalized).toLowerCase();
  if (source) {
    const text = `^${source.replace(/\s+/g, '_')}$`;
    let grams = 0;
    for (let g = MIN_GRAM; g <= MAX_GRAM; g++) grams += Math.max(0, text.length - g + 1);
    const value = grams > 0 ? weights.char / Math.sqrt(grams) : 0;
    for (let g = MIN_GRAM; g <= MAX_GRAM; g++) {
      for (let i = 0; i + g <= text.length; i++) push('char', text.slice(i, i + g), value);
    }
  }

  const dir = amountMinor > 0 ? 'in' : amountMinor < 0 ? 'out' : 'zero';
  const major = Math.abs(amountMinor) / 100;
  // Buckets of ~1.6x: fine enough to tell a coffee from a tank of fuel, coarse enough to generalize.
  const bucket = Math.min(30, Math.floor(Math.log(major + 1) / Math.log(1.6)));
  push('amount', `dir:${dir}`, weights.amount);
  push('amount', `amt:${dir}:${bucket}`, weights.amount);
  push('amount', `amt:${dir}:${bucket >> 1}`, weights.amount);
  for (const p of n.processors) push('processor', `${dir}:${p}`, weights.processor);
  if (n.instalment) push('processor', 'instalment', weights.processor);

  return { idx: scratchIdx.subarray(0, count), val: scratchVal.subarray(0, count), names, kinds };
}

/** Copies a feature vector out of the scratch buffers (training keeps every row's features). */
export function cloneFeatures(f: Features): Features {
  return { idx: f.idx.slice(), val: f.val.slice(), names: f.names, kinds: f.kinds };
}
