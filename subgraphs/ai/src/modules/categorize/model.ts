import { priorsCalibrationPoints } from './calibration.js';
import type { ThresholdSource } from './categorizer.js';
import { loadDataset, type LabelledRow } from './dataset.js';
import { cloneFeatures, DEFAULT_FEATURE_WEIGHTS, FEATURE_COUNT, featurize, type Features, type FeatureWeights } from './features.js';
import { fnv1a, fnvMix, mulberry32 } from './hash.js';
import { normalizeCached } from './normalized-cache.js';
import { normalizeDescription } from './normalize.js';
import { lookupMerchant } from './merchant-dictionary.js';
import { directionOf, isAllowed, isAllowedForDirection, SLUGS, type Direction, type Slug } from './slugs.js';

/**
 * Multinomial logistic regression over hashed features, trained by SGD at start-up (about two
 * seconds for the committed dataset, so no model file is shipped). The softmax only ever runs over
 * the slugs the money's direction allows, in training as in prediction, so the model spends no
 * capacity on impossible answers and money in can never come out as groceries.
 *
 * Chosen over complement naive Bayes on the same features: on merchant-grouped folds of the
 * training split it scored 0.774 top-1 against 0.755 for the best NB smoothing.
 */
/** What training needs of a row; LabelledRow (with date and split) is one. */
export type TrainingRow = Pick<LabelledRow, 'description' | 'slug'> & { amountMinor: bigint | number } & Partial<Pick<LabelledRow, 'date' | 'country'>>;

export interface Suggestion {
  slug: Slug;
  confidence: number;
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  /** L2 penalty applied to the weights a row touches. */
  l2?: number;
  seed?: number;
  /** Share of training merchants held out to fit the temperature; 0 skips calibration. */
  validationShare?: number;
  features?: FeatureWeights;
  /**
   * Rows of a merchant seen n times weigh n^-x each. Repeats teach the merchant's own name, not
   * the category's vocabulary, so without this the model memorizes frequent names.
   */
  merchantDamping?: number;
}

const C = SLUGS.length;
const SLUG_INDEX = new Map<Slug, number>(SLUGS.map((s, i) => [s, i]));
const ALLOWED: Record<Direction, Int32Array> = {
  in: Int32Array.from(SLUGS.flatMap((s, i) => (isAllowedForDirection(s, 'in') ? [i] : []))),
  out: Int32Array.from(SLUGS.flatMap((s, i) => (isAllowedForDirection(s, 'out') ? [i] : []))),
  none: Int32Array.from(SLUGS.map((_, i) => i)),
};

const DEFAULTS: Required<TrainOptions> = {
  epochs: 8,
  learningRate: 0.4,
  l2: 1e-3,
  seed: 7,
  // A quarter, as the test split holds a quarter of merchants: at 0.15 the threshold rested on ~300 uncertain rows.
  validationShare: 0.25,
  features: DEFAULT_FEATURE_WEIGHTS,
  merchantDamping: 0.5,
};

interface Example {
  f: Features;
  y: number;
  dir: Direction;
  weight: number;
}

interface Weights {
  // Plain (not shared) buffers, so they can be transferred between threads.
  w: Float32Array<ArrayBuffer>;
  b: Float32Array<ArrayBuffer>;
}

/** A trained model as plain data, to cross a worker thread (the weights' buffers can be transferred). */
export interface ModelParts extends Weights {
  temperature: number;
  /** Lowest top confidence at which the top slug is right at least as often as wrong (0.5 when unknown). */
  acceptAt?: number;
  /** The same per direction of the money, where the held-out rows of that direction sufficed. */
  acceptAtByDirection?: AcceptByDirection;
  /** The same for answers the user's corrections re-weighed (calibration.ts), when enough held-out rows were. */
  acceptAtWithPriors?: number;
  version: string;
  featureWeights: FeatureWeights;
}

/** Calibrated thresholds of money in and money out (a direction missing uses `acceptAt`). */
export type AcceptByDirection = Partial<Record<'in' | 'out', number>>;

/**
 * Held-out merchants of one direction needed to calibrate its own threshold. Money in has 5 allowed slugs
 * and money out 24, so the same top confidence means different odds: on the held-out training
 * merchants the top slug of money in at 0.7-0.8 was wrong 16 times out of 16, while money out
 * crossed 50% right near 0.43. Fewer rows than this and the direction shares the pooled threshold.
 */
const MIN_DIRECTION_POINTS = 200;
/**
 * Held-out rows the user's corrections re-weighed, needed to calibrate their own threshold (the
 * committed data set gives about 110). Fewer and they share the model's threshold of their direction.
 */
const MIN_PRIORS_POINTS = 50;

const toNumber = (amount: bigint | number): number => (typeof amount === 'bigint' ? Number(amount) : amount);

function examplesOf(rows: readonly TrainingRow[], fw: FeatureWeights, damping: number): Example[] {
  const normalized = rows.map((r) => normalizeDescription(r.description));
  const counts = new Map<string, number>();
  const keys = normalized.map((n, i) => `${n.merchant ?? n.normalized}|${rows[i]!.slug}`);
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  const raw = keys.map((k) => (counts.get(k) ?? 1) ** -damping);
  // Mean weight 1, so the learning rate means the same whatever the damping.
  const mean = raw.reduce((a, b) => a + b, 0) / Math.max(1, raw.length);
  return rows.map((r, i) => ({
    f: cloneFeatures(featurize(normalized[i]!, toNumber(r.amountMinor), fw)),
    y: SLUG_INDEX.get(r.slug) ?? 0,
    dir: directionOf(toNumber(r.amountMinor)),
    weight: raw[i]! / mean,
  }));
}

/** Writes the raw scores of the allowed classes into `z` (others untouched) and returns the allowed set. */
function scores(m: Weights, f: Features, dir: Direction, z: Float64Array): Int32Array {
  const allowed = ALLOWED[dir];
  for (let a = 0; a < allowed.length; a++) {
    const c = allowed[a]!;
    z[c] = m.b[c]!;
  }
  const { idx, val } = f;
  for (let k = 0; k < idx.length; k++) {
    const base = idx[k]! * C;
    const v = val[k]!;
    for (let a = 0; a < allowed.length; a++) {
      const c = allowed[a]!;
      z[c] = z[c]! + v * m.w[base + c]!;
    }
  }
  return allowed;
}

/** In-place softmax of the allowed classes of `z` at temperature `t`; returns nothing, fills `p`. */
function softmax(z: Float64Array, allowed: Int32Array, t: number, p: Float64Array): void {
  let max = -Infinity;
  for (let a = 0; a < allowed.length; a++) max = Math.max(max, z[allowed[a]!]! / t);
  let sum = 0;
  for (let a = 0; a < allowed.length; a++) {
    const c = allowed[a]!;
    const e = Math.exp(z[c]! / t - max);
    p[c] = e;
    sum += e;
  }
  for (let a = 0; a < allowed.length; a++) p[allowed[a]!] = p[allowed[a]!]! / sum;
}

function fit(examples: readonly Example[], o: Required<TrainOptions>): Weights {
  const m: Weights = { w: new Float32Array(FEATURE_COUNT * C), b: new Float32Array(C) };
  const rng = mulberry32(o.seed);
  const order = examples.map((_, i) => i);
  const z = new Float64Array(C);
  const p = new Float64Array(C);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    // Decaying step: big moves while the classes separate, small ones to settle.
    const lr = o.learningRate / (1 + epoch * 0.5);
    const decay = 1 - lr * o.l2;
    for (const i of order) {
      const ex = examples[i]!;
      const allowed = scores(m, ex.f, ex.dir, z);
      softmax(z, allowed, 1, p);
      const { idx, val } = ex.f;
      for (let a = 0; a < allowed.length; a++) {
        const c = allowed[a]!;
        const g = (p[c]! - (c === ex.y ? 1 : 0)) * ex.weight;
        if (Math.abs(g) < 1e-4) continue;
        m.b[c] = m.b[c]! - lr * g;
        for (let k = 0; k < idx.length; k++) {
          const at = idx[k]! * C + c;
          m.w[at] = m.w[at]! * decay - lr * g * val[k]!;
        }
      }
    }
  }
  return m;
}

/** Temperature minimizing the negative log-likelihood of held-out rows (golden-section on log T). */
function fitTemperature(m: Weights, examples: readonly Example[]): number {
  if (examples.length === 0) return 1;
  const z = new Float64Array(C);
  const p = new Float64Array(C);
  const raw = examples.map((ex) => {
    const zz = new Float64Array(C);
    const allowed = scores(m, ex.f, ex.dir, zz);
    return { zz, allowed, y: ex.y };
  });
  const nll = (logT: number): number => {
    const t = Math.exp(logT);
    let loss = 0;
    for (const r of raw) {
      z.set(r.zz);
      softmax(z, r.allowed, t, p);
      loss -= Math.log(Math.max(1e-12, p[r.y]!));
    }
    return loss;
  };
  let lo = Math.log(0.2);
  let hi = Math.log(10);
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 40; i++) {
    const a = hi - phi * (hi - lo);
    const b = lo + phi * (hi - lo);
    if (nll(a) < nll(b)) hi = b;
    else lo = a;
  }
  return Math.exp((lo + hi) / 2);
}

/**
 * The expected-cost threshold from held-out rows: a wrong category costs the user a fix, an empty
 * one a choice, so a row should stay uncategorized only where the top slug is more often wrong than
 * right. Accuracy as a function of the top confidence is fitted monotone (pool adjacent violators
 * over rows sorted by confidence: calibration per confidence band, the bands chosen by the data)
 * and read between the bands' mean confidences; the answer is where it crosses `minShare`.
 * A point's `weight` (default 1) is how much of a held-out merchant it is (see `merchantWeights`).
 */
export interface CalibrationPoint {
  confidence: number;
  correct: boolean;
  weight?: number;
}

export function acceptanceThreshold(points: readonly CalibrationPoint[], minShare = 0.5): number {
  if (points.length === 0) return 0.5;
  const sorted = [...points].sort((a, b) => a.confidence - b.confidence);
  // Blocks of [correct weight, weight, weighted sum of confidences], merged while one is less accurate than the one before.
  const blocks: { hits: number; n: number; conf: number }[] = [];
  for (const p of sorted) {
    const w = p.weight ?? 1;
    if (!(w > 0)) continue;
    blocks.push({ hits: p.correct ? w : 0, n: w, conf: w * p.confidence });
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1]!;
      const prev = blocks[blocks.length - 2]!;
      if (prev.hits / prev.n <= last.hits / last.n) break;
      blocks.pop();
      prev.hits += last.hits;
      prev.n += last.n;
      prev.conf += last.conf;
    }
  }
  const at = blocks.findIndex((b) => b.hits / b.n >= minShare);
  if (at < 0) return 1;
  if (at === 0) return sorted.find((p) => (p.weight ?? 1) > 0)!.confidence;
  // Linear between the mean confidences of the last band below and the first band above.
  const lo = blocks[at - 1]!;
  const hi = blocks[at]!;
  const [x0, y0, x1, y1] = [lo.conf / lo.n, lo.hits / lo.n, hi.conf / hi.n, hi.hits / hi.n];
  return x0 + ((minShare - y0) / (y1 - y0)) * (x1 - x0);
}

/**
 * Calibration weights of held-out rows: each merchant's rows share a weight of 1. The model alone
 * decides a merchant's first line; after a correction its repeats are the user's memory's. Counted
 * per row, one held-out merchant seen 16 times (PAYONEER salary, read as a refund at 0.76) made
 * money in look wrong at every confidence below 0.8.
 */
export function merchantWeights(merchants: readonly string[]): number[] {
  const counts = new Map<string, number>();
  for (const m of merchants) counts.set(m, (counts.get(m) ?? 0) + 1);
  return merchants.map((m) => 1 / (counts.get(m) ?? 1));
}

/** The pooled threshold and, for each direction with enough held-out merchants, its own. */
export function acceptanceThresholds(points: readonly (CalibrationPoint & { dir: Direction })[]): { acceptAt: number; byDirection: AcceptByDirection } {
  const byDirection: AcceptByDirection = {};
  for (const dir of ['in', 'out'] as const) {
    const own = points.filter((p) => p.dir === dir);
    if (own.reduce((sum, p) => sum + (p.weight ?? 1), 0) >= MIN_DIRECTION_POINTS) byDirection[dir] = acceptanceThreshold(own);
  }
  return { acceptAt: acceptanceThreshold(points), byDirection };
}

function topPoints(m: Weights, examples: readonly Example[], t: number): (CalibrationPoint & { dir: Direction })[] {
  const z = new Float64Array(C);
  const p = new Float64Array(C);
  return examples.map((ex) => {
    const allowed = scores(m, ex.f, ex.dir, z);
    softmax(z, allowed, t, p);
    let best = allowed[0]!;
    for (let a = 1; a < allowed.length; a++) if (p[allowed[a]!]! > p[best]!) best = allowed[a]!;
    return { confidence: p[best]!, correct: best === ex.y, dir: ex.dir };
  });
}

function answeredByDictionary(r: TrainingRow): boolean {
  const known = lookupMerchant(normalizeCached(r.description).merchant);
  return known !== null && isAllowed(known, toNumber(r.amountMinor));
}

function merchantOf(description: string): string {
  const n = normalizeDescription(description);
  return n.merchant ?? n.normalized;
}

let datasetModel: CategorizerModel | null = null;

export class CategorizerModel {
  private readonly z = new Float64Array(C);
  private readonly p = new Float64Array(C);

  private constructor(
    private readonly m: Weights,
    /** Softmax temperature fitted on held-out training merchants (1 = uncalibrated). */
    readonly temperature: number,
    readonly version: string,
    private readonly featureWeights: FeatureWeights,
    /** Calibrated on held-out merchants: below this top confidence a row is more often wrong than right. */
    readonly acceptAt = 0.5,
    /** The same calibrated per direction of the money (`acceptAtFor`). */
    readonly acceptAtByDirection: AcceptByDirection = {},
    /** Calibrated on answers the user's corrections re-weighed (undefined: the direction's own threshold). */
    readonly acceptAtWithPriors?: number,
  ) {}

  /**
   * The calibrated threshold of a line whose money goes this way (the pooled one when a direction
   * has none); with `source` PRIORS, of an answer the user's corrections re-weighed.
   */
  acceptAtFor(direction: Direction, source: ThresholdSource = 'MODEL'): number {
    if (source === 'PRIORS' && this.acceptAtWithPriors !== undefined) return this.acceptAtWithPriors;
    return (direction === 'in' || direction === 'out' ? this.acceptAtByDirection[direction] : undefined) ?? this.acceptAt;
  }

  static train(rows: readonly TrainingRow[], options: TrainOptions = {}): CategorizerModel {
    const o: Required<TrainOptions> = { ...DEFAULTS, ...options };
    let h = fnv1a(JSON.stringify({ ...o, seed: o.seed }));
    for (const r of rows) h = fnvMix(fnv1a(`${r.description}\t${r.amountMinor}\t${r.slug}`, h), rows.length);
    const version = `lr-${h.toString(16).padStart(8, '0')}`;

    const all = examplesOf(rows, o.features, o.merchantDamping);
    let temperature = 1;
    let acceptAt = 0.5;
    let byDirection: AcceptByDirection = {};
    let withPriors: number | undefined;
    if (o.validationShare > 0) {
      // Hold out whole merchants, as the test split does, so the temperature reflects unseen names.
      const cut = Math.round(o.validationShare * 1000);
      const isVal = rows.map((r) => fnv1a(merchantOf(r.description), 0x9e3779b9) % 1000 < cut);
      const train = all.filter((_, i) => !isVal[i]);
      const val = all.filter((_, i) => isVal[i]);
      if (train.length > 0 && val.length > 0) {
        const held = fit(train, o);
        temperature = fitTemperature(held, val);
        const valRows = rows.filter((_, i) => isVal[i]);
        const weights = merchantWeights(valRows.map((r) => `${merchantOf(r.description)}|${directionOf(toNumber(r.amountMinor))}`));
        // The threshold decides only the rows the model answers: a line the dictionary knows (a chain's
        // bare name, which no model could read) never reaches it, so it says nothing of where to stop.
        const points = topPoints(held, val, temperature).map((p, i) => ({ ...p, weight: answeredByDictionary(valRows[i]!) ? 0 : weights[i] }));
        ({ acceptAt, byDirection } = acceptanceThresholds(points));
        // The held-out merchants replayed as users correcting every miss, at the thresholds just found.
        const replayed = priorsCalibrationPoints(new CategorizerModel(held, temperature, version, o.features, acceptAt, byDirection), valRows);
        if (replayed.length >= MIN_PRIORS_POINTS) withPriors = acceptanceThreshold(replayed);
      }
    }
    return new CategorizerModel(fit(all, o), temperature, version, o.features, acceptAt, byDirection, withPriors);
  }

  /** The model as data (shares the weights' memory: transfer or copy them, do not write to them). */
  toParts(): ModelParts {
    return {
      w: this.m.w,
      b: this.m.b,
      temperature: this.temperature,
      acceptAt: this.acceptAt,
      acceptAtByDirection: this.acceptAtByDirection,
      ...(this.acceptAtWithPriors === undefined ? {} : { acceptAtWithPriors: this.acceptAtWithPriors }),
      version: this.version,
      featureWeights: this.featureWeights,
    };
  }

  static fromParts(p: ModelParts): CategorizerModel {
    if (p.w.length !== FEATURE_COUNT * C || p.b.length !== C) throw new Error(`model ${p.version}: weights of the wrong shape`);
    return new CategorizerModel({ w: p.w, b: p.b }, p.temperature, p.version, p.featureWeights, p.acceptAt ?? 0.5, p.acceptAtByDirection ?? {}, p.acceptAtWithPriors);
  }

  /** Trains on the committed dataset's train split; one model per process. */
  static fromDataset(): CategorizerModel {
    datasetModel ??= CategorizerModel.train(loadDataset().filter((r) => r.split === 'train'));
    return datasetModel;
  }

  /** Every slug the amount's direction allows, most likely first; confidences sum to 1. */
  predict(description: string, amountMinor: bigint | number): Suggestion[] {
    const amount = toNumber(amountMinor);
    const f = featurize(normalizeCached(description), amount, this.featureWeights);
    const allowed = scores(this.m, f, directionOf(amount), this.z);
    softmax(this.z, allowed, this.temperature, this.p);
    const out: Suggestion[] = [];
    for (let a = 0; a < allowed.length; a++) {
      const c = allowed[a]!;
      out.push({ slug: SLUGS[c]!, confidence: this.p[c]! });
    }
    return out.sort((x, y) => y.confidence - x.confidence);
  }

  /**
   * Names the words that pushed the line towards `slug` rather than the other allowed slugs,
   * e.g. "model: tokens 'farmacia', 'sao joao'".
   */
  explain(description: string, amountMinor: bigint | number, slug: Slug): string {
    const amount = toNumber(amountMinor);
    const n = normalizeCached(description);
    const f = featurize(n, amount, this.featureWeights, true);
    const target = SLUG_INDEX.get(slug) ?? 0;
    const allowed = ALLOWED[directionOf(amount)];
    // Evidence per readable token: its word feature, its bigrams, and the character n-grams that
    // fall inside it (so a glued or misspelt name still reads as the word it came from).
    const evidence = new Map<string, number>();
    const { idx, val, owner, labels } = f;
    for (let k = 0; k < idx.length; k++) {
      const o = owner?.[k] ?? -1;
      const token = o >= 0 ? labels?.[o] : undefined;
      if (!token) continue;
      const base = idx[k]! * C;
      let mean = 0;
      for (let a = 0; a < allowed.length; a++) mean += this.m.w[base + allowed[a]!]!;
      mean /= allowed.length;
      evidence.set(token, (evidence.get(token) ?? 0) + val[k]! * (this.m.w[base + target]! - mean));
    }
    const top = [...evidence]
      .filter(([, score]) => score > 0.1)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([token]) => `'${token}'`);
    if (top.length > 0) return `model: tokens ${top.join(', ')}`;
    return `model: amount and direction (${amount > 0 ? 'money in' : amount < 0 ? 'money out' : 'no amount'})`;
  }
}
