import { fnv1a } from './hash.js';
import type { NormalizedDescription } from './normalize.js';

/**
 * Hashed sparse features of one bank line. Words carry the category vocabulary ("farmacia",
 * "posto"), bigrams the phrases ("pix enviado", "sao joao"), character n-grams survive typos,
 * truncation and glued names ("PADARIASAOJOAO"), and the amount separates a R$ 4 coffee from
 * R$ 4,000 rent and money in from money out.
 */
// 2^17 buckets x 29 slugs of float32 is 15 MB; 2^18 scored the same on validation folds.
export const FEATURE_BITS = 17;
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
  /**
   * Only when explaining: for each feature, the index in `labels` of the readable token it
   * belongs to (a word, a bigram, or the merchant word a character n-gram falls in), or -1.
   */
  owner: Int32Array | null;
  labels: string[] | null;
}

// Per-kind hash seeds so 'pix' the word and 'pix' the trigram land in different buckets.
const SEED = { word: 0x1b873593, bigram: 0x85ebca6b, char: 0xc2b2ae35, amount: 0x27d4eb2f, processor: 0x165667b1 } as const;

const MIN_GRAM = 3;
const MAX_GRAM = 5;

/** Scratch buffers reused across calls: featurizing is on the hot path of every prediction. */
let scratchIdx = new Int32Array(512);
let scratchVal = new Float32Array(512);
let scratchOwner = new Int32Array(512);

function grow(): void {
  const n = scratchIdx.length * 2;
  const idx = new Int32Array(n);
  idx.set(scratchIdx);
  const val = new Float32Array(n);
  val.set(scratchVal);
  const owner = new Int32Array(n);
  owner.set(scratchOwner);
  scratchIdx = idx;
  scratchVal = val;
  scratchOwner = owner;
}

/** fnv1a of text.slice(start, end) without allocating the slice. */
function rangeHash(text: string, start: number, end: number, seed: number): number {
  let h = seed;
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function featurize(
  n: NormalizedDescription,
  amountMinor: number,
  weights: FeatureWeights = DEFAULT_FEATURE_WEIGHTS,
  explain = false,
): Features {
  let count = 0;
  const labels: string[] | null = explain ? [] : null;
  const label = (text: string): number => {
    if (!labels) return -1;
    labels.push(text);
    return labels.length - 1;
  };
  const pushHash = (hash: number, value: number, owner: number): void => {
    if (count === scratchIdx.length) grow();
    scratchIdx[count] = hash & MASK;
    scratchVal[count] = value;
    scratchOwner[count] = owner;
    count++;
  };
  const push = (kind: FeatureKind, text: string, value: number, owner = -1): void => {
    pushHash(fnv1a(text, SEED[kind]), value, owner);
  };

  const tokens = n.tokens;
  for (const t of tokens) push('word', t, weights.word, label(t));
  for (let i = 1; i < tokens.length; i++) {
    const bigram = `${tokens[i - 1]} ${tokens[i]}`;
    push('bigram', bigram, weights.bigram, label(bigram));
  }

  // Character n-grams of the merchant (the part that names the business), spaces as '_'.
  // A labelled purpose ("Huur", "Gehalt") reads with the name, as the unlabelled lines print it.
  const source = (n.merchant && n.purpose.length > 0 ? `${n.merchant} ${n.purpose.join(' ')}` : (n.merchant ?? n.normalized)).toLowerCase();
  if (source) {
    const text = `^${source.replace(/\s+/g, '_')}$`;
    // When explaining, a gram belongs to the word under its middle character.
    let wordAt: Int32Array | null = null;
    if (labels) {
      wordAt = new Int32Array(text.length).fill(-1);
      let start = 1;
      for (let i = 1; i <= text.length - 1; i++) {
        if (i === text.length - 1 || text[i] === '_') {
          const id = label(text.slice(start, i));
          wordAt.fill(id, start, i);
          start = i + 1;
        }
      }
    }
    let grams = 0;
    for (let g = MIN_GRAM; g <= MAX_GRAM; g++) grams += Math.max(0, text.length - g + 1);
    const value = grams > 0 ? weights.char / Math.sqrt(grams) : 0;
    for (let g = MIN_GRAM; g <= MAX_GRAM; g++) {
      for (let i = 0; i + g <= text.length; i++) {
        const mid = i + (g >> 1);
        pushHash(rangeHash(text, i, i + g, SEED.char), value, wordAt ? (wordAt[mid] ?? -1) : -1);
      }
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

  return {
    idx: scratchIdx.subarray(0, count),
    val: scratchVal.subarray(0, count),
    owner: labels ? scratchOwner.slice(0, count) : null,
    labels,
  };
}

/** Copies a feature vector out of the scratch buffers (training keeps every row's features). */
export function cloneFeatures(f: Features): Features {
  return { idx: f.idx.slice(), val: f.val.slice(), owner: f.owner, labels: f.labels };
}
