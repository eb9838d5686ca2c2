import { startsWithPlace } from '../categorize/normalize.js';
import { AMBIGUOUS_LEADS, AMBIGUOUS_WORDS } from './ambiguous-words.generated.js';

/**
 * Per-user priors: what the user's corrections say about description words, blended with the
 * model's probabilities. Exact merchant memory only helps the merchant corrected; priors let a
 * correction of "PADARIA DO ZE" reach "PADARIA SANTA LUZIA" through the word they share.
 */

export interface PriorCount {
  token: string;
  categoryId: string;
  count: number;
}

export interface Scored {
  categoryId: string;
  confidence: number;
}

export interface BlendOptions {
  /**
   * Pseudo-count of the model: the priors weigh n/(n+strength), n being the corrections behind
   * the best-supported token. 1 gives one correction half the say.
   */
  strength?: number;
  /** Categories the amount's sign forbids (default categories only; custom ones have no kind here). */
  allowed?: (categoryId: string) => boolean;
  /**
   * Categories the model can predict (the default ones). Evidence for those multiplies the model's
   * probability instead of replacing it, so a shared word never overrules a model that is sure of
   * something else; a category only the user knows (a custom one) can only come from the mixture.
   * Default: none, i.e. the mixture for every category.
   */
  known?: (categoryId: string) => boolean;
}

export interface BlendResult {
  ranked: Scored[];
  /** Share of the blend the priors had (0 when the user taught nothing about these words). */
  weight: number;
  /** For each category the priors back, the words that back it (for the explanation). */
  evidence: Map<string, string[]>;
}

const MIN_TOKEN_LENGTH = 3;
/** Pseudo-count of the model against chain evidence: one correction of a chain gets 2/3 of the say. */
const CHAIN_STRENGTH = 0.5;
const MAX_TOKENS = 12;
/**
 * Words shared by unrelated merchants (legal forms, channels, payment verbs): a correction of
 * one Pix must not pull every Pix along.
 */
const STOP = new Set([
  'ltda', 'eireli', 'epp', 'com', 'br', 'the', 'and', 'for', 'inc', 'llc', 'pix', 'ted', 'doc', 'tef', 'enviado', 'recebido',
  'enviada', 'recebida', 'transf', 'transferencia', 'compra', 'pagamento', 'pag', 'pgto', 'debito', 'credito', 'cartao', 'card',
  'payment', 'purchase', 'online', 'loja', 'store', 'shop', 'dos', 'das', 'por', 'para', 'pos', 'eftpos', 'debit', 'visa',
  'cheque', 'local', 'from', 'pmt', 'trf', 'transfer', 'app', 'express', 'immediate', 'order', 'direct', 'upi', 'imps', 'neft',
  'ltd', 'pty', 'limited', 'plc', 'corp', 'company',
]);

/** Prior tokens that name a merchant's chain start with this (no description word can). */
export const CHAIN_PREFIX = '^';
/** First words that name no chain: articles, titles, generic business nouns in either language. */
const NOT_A_CHAIN = new Set([
  'the', 'mr', 'mrs', 'ms', 'dr', 'st', 'sao', 'santa', 'santo', 'casa', 'loja', 'lojas', 'big', 'new', 'old', 'cafe', 'bar',
  'shop', 'store', 'mercado', 'supermercado', 'padaria', 'farmacia', 'drogaria', 'restaurante', 'auto', 'posto',
]);

let ambiguous: Set<string> | null = null;
let ambiguousLeads: Set<string> | null = null;

/**
 * Words that training merchants of three or more categories print, none of them with a majority: surnames and
 * places (GRAHAM, SEA POINT, RICHMOND HILL, VAN DER) that unrelated businesses share. A correction of
 * GRAHAM SPORTS must not teach GRAHAM AQUATICS, nor SEA POINT FISHMONGER a SEA POINT vet. Words the
 * data has never seen (a new chain's name) stay teachable. Written with the data set by
 * subgraphs/ai/data/generate-dataset.ts (training split only).
 */
export function ambiguousWords(): ReadonlySet<string> {
  ambiguous ??= new Set(AMBIGUOUS_WORDS.split(' '));
  return ambiguous;
}

/**
 * First words that start training merchants of three or more categories, none with a majority
 * (GARDEN: GARDEN ROUTE FIBER, GARDEN ROUTE STEAKHOUSE, GARDEN ROUTE CHARITY SHOP): a place or a
 * name many businesses begin with, though the word alone may mostly mean one thing (a garden centre).
 */
export function ambiguousLeadWords(): ReadonlySet<string> {
  ambiguousLeads ??= new Set(AMBIGUOUS_LEADS.split(' '));
  return ambiguousLeads;
}

/**
 * The chain of a merchant: its leading word after normalization, so a correction of
 * "MEGAMART NORTHGATE" reaches "MEGAMART EASTSIDE" and a plain "MEGAMART". Null when the first
 * word is too short or generic to name one, or names a place (UMHLANGA ROCKS B, a restaurant, says
 * nothing of UMHLANGA ROCKS HOS, a hospital), or starts merchants of every kind in the training data.
 */
export function chainToken(merchant: string | null): string | null {
  if (!merchant) return null;
  const first = merchant.split(' ')[0]!.toLowerCase();
  if (first.length < 3 || /\d/.test(first) || NOT_A_CHAIN.has(first) || STOP.has(first) || ambiguousWords().has(first)) return null;
  if (ambiguousLeadWords().has(first) || startsWithPlace(merchant)) return null;
  return `${CHAIN_PREFIX}${first}`;
}

/** Everything a correction teaches and a decision looks up: the description's words and the merchant's chain. */
export function personalTokens(n: { merchant: string | null; textTokens?: readonly string[]; tokens: readonly string[] }): string[] {
  const words = priorTokens(n.textTokens ?? n.tokens);
  const chain = chainToken(n.merchant);
  return chain ? [chain, ...words] : words;
}

/** The description words worth remembering: unique, not short, without digits, not stop words. */
export function priorTokens(tokens: readonly string[]): string[] {
  const out = new Set<string>();
  for (const t of tokens) {
    if (t.length < MIN_TOKEN_LENGTH || /\d/.test(t) || STOP.has(t) || ambiguousWords().has(t)) continue;
    out.add(t);
    if (out.size >= MAX_TOKENS) break;
  }
  return [...out];
}

/** A chain says more than any one word: its distribution weighs as much as this many words. */
const CHAIN_WEIGHT = 3;

/**
 * P_user(category | words): each word's own distribution over the user's categories,
 * averaged over the words the user taught anything about (the merchant's chain counting
 * CHAIN_WEIGHT times), the evidence n behind it, and whether the chain was among them.
 */
export function userPrior(counts: readonly PriorCount[], allowed: (categoryId: string) => boolean = () => true): { p: Map<string, number>; n: number; chain: boolean } {
  const byToken = new Map<string, Map<string, number>>();
  for (const c of counts) {
    if (c.count <= 0 || !allowed(c.categoryId)) continue;
    const m = byToken.get(c.token) ?? new Map<string, number>();
    m.set(c.categoryId, (m.get(c.categoryId) ?? 0) + c.count);
    byToken.set(c.token, m);
  }
  const p = new Map<string, number>();
  let n = 0;
  let chain = false;
  let mass = 0;
  for (const token of byToken.keys()) mass += token.startsWith(CHAIN_PREFIX) ? CHAIN_WEIGHT : 1;
  for (const [token, m] of byToken) {
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    const weight = token.startsWith(CHAIN_PREFIX) ? CHAIN_WEIGHT : 1;
    if (weight > 1) chain = true;
    n = Math.max(n, total);
    for (const [categoryId, count] of m) p.set(categoryId, (p.get(categoryId) ?? 0) + (weight * count) / total / mass);
  }
  return { p, n, chain };
}

/**
 * A Bayesian-style mixture: (1 - w) * P_model + w * P_user with w = n / (n + strength). The
 * model's list may be a truncated distribution (its top suggestions); the mixture of two
 * (sub-)distributions stays one, so nothing is renormalized upwards.
 */
/** Likelihood ratio of one correction sharing a word (and of the chain, when the model is sure). */
const CHAIN_RATIO = 40;
/** A model this sure of its top category keeps it against the chain's history (not the merchant's). */
const SURE = 0.8;
const WORD_RATIO = 2;
/** Evidence stops growing after this many corrections of one token. */
const MAX_EVIDENCE = 3;
/** The model's probability of a category missing from its list (pass the whole distribution). */
const FLOOR = 0.001;

/**
 * Evidence for known categories as likelihood ratios: P(c | line, user) ∝ P_model(c) × (1 +
 * CHAIN_RATIO × chain(c) + WORD_RATIO × word(c)), chain(c) and word(c) being the share of the
 * chain's (or best word's) corrections that chose c, times how many there were (up to
 * MAX_EVIDENCE). One correction of MEGAMART NORTHGATE makes groceries 41 times likelier for
 * MEGAMART EASTSIDE; a shared first word of two unrelated shops (VIJAYA DRIVING SCHOOL, VIJAYA GAS
 * STATION) does not beat a model that reads "gas station" as fuel.
 */
function productOfExperts(model: readonly Scored[], counts: readonly PriorCount[], allowed: (c: string) => boolean, strength: number): Scored[] {
  const byToken = new Map<string, Map<string, number>>();
  for (const c of counts) {
    if (c.count <= 0 || !allowed(c.categoryId)) continue;
    const m = byToken.get(c.token) ?? new Map<string, number>();
    m.set(c.categoryId, (m.get(c.categoryId) ?? 0) + c.count);
    byToken.set(c.token, m);
  }
  const chainE = new Map<string, number>();
  const wordE = new Map<string, number>();
  for (const [token, m] of byToken) {
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    const target = token.startsWith(CHAIN_PREFIX) ? chainE : wordE;
    for (const [categoryId, count] of m) {
      const e = (count / total) * Math.min(total, MAX_EVIDENCE);
      target.set(categoryId, Math.max(target.get(categoryId) ?? 0, e));
    }
  }
  const scores = new Map<string, number>();
  for (const s of model) if (allowed(s.categoryId)) scores.set(s.categoryId, s.confidence);
  for (const id of [...chainE.keys(), ...wordE.keys()]) if (!scores.has(id)) scores.set(id, FLOOR);
  let sum = 0;
  for (const [id, p] of scores) {
    const factor = 1 + (CHAIN_RATIO * (chainE.get(id) ?? 0) + WORD_RATIO * (wordE.get(id) ?? 0)) / strength;
    scores.set(id, Math.max(p, FLOOR) * factor);
    sum += Math.max(p, FLOOR) * factor;
  }
  // Renormalized to the mass the model's list had, so a truncated list stays a sub-distribution.
  const mass = Math.min(1, model.reduce((a, s) => a + (allowed(s.categoryId) ? s.confidence : 0), 0) || 1);
  return [...scores].map(([categoryId, v]) => ({ categoryId, confidence: (v / sum) * mass })).sort((a, b) => b.confidence - a.confidence);
}

export function blendWithPriors(model: readonly Scored[], counts: readonly PriorCount[], options: BlendOptions = {}): BlendResult {
  const allowed = options.allowed ?? (() => true);
  const { p, n, chain } = userPrior(counts, allowed);
  const evidence = new Map<string, string[]>();
  if (n === 0) return { ranked: [...model].sort((a, b) => b.confidence - a.confidence), weight: 0, evidence };
  for (const c of counts) {
    if (c.count <= 0 || !p.has(c.categoryId)) continue;
    const words = evidence.get(c.categoryId) ?? [];
    const word = c.token.startsWith(CHAIN_PREFIX) ? c.token.slice(CHAIN_PREFIX.length) : c.token;
    if (!words.includes(word)) words.push(word);
    evidence.set(c.categoryId, words);
  }
  const known = options.known;
  if (known && [...p.keys()].every(known)) {
    const words = productOfExperts(model, counts.filter((c) => !c.token.startsWith(CHAIN_PREFIX)), allowed, options.strength ?? 1);
    const chainCounts = counts.filter((c) => c.token.startsWith(CHAIN_PREFIX));
    const chainPrior = userPrior(chainCounts, allowed);
    // The user's history of the merchant's chain comes before the model wherever the model is
    // not sure (a new branch it has never seen); a sure model is only outvoted by this very merchant.
    const top = model.reduce((a, s) => Math.max(a, allowed(s.categoryId) ? s.confidence : 0), 0);
    if (chainPrior.n === 0 || top >= SURE) return { ranked: words, weight: n / (n + (options.strength ?? 1)), evidence };
    const w = chainPrior.n / (chainPrior.n + CHAIN_STRENGTH);
    const scores = new Map(words.map((s) => [s.categoryId, (1 - w) * s.confidence]));
    for (const [categoryId, pu] of chainPrior.p) scores.set(categoryId, (scores.get(categoryId) ?? 0) + w * pu);
    const ranked = [...scores].map(([categoryId, confidence]) => ({ categoryId, confidence })).sort((a, b) => b.confidence - a.confidence);
    return { ranked, weight: w, evidence };
  }
  // The user's own history of the merchant's chain outweighs the global model, a dictionary hit included.
  const strength = chain ? Math.min(options.strength ?? 1, CHAIN_STRENGTH) : (options.strength ?? 1);
  const w = n / (n + strength);
  const scores = new Map<string, number>();
  for (const s of model) if (allowed(s.categoryId)) scores.set(s.categoryId, (1 - w) * s.confidence);
  for (const [categoryId, pu] of p) scores.set(categoryId, (scores.get(categoryId) ?? 0) + w * pu);
  const ranked = [...scores].map(([categoryId, confidence]) => ({ categoryId, confidence })).sort((a, b) => b.confidence - a.confidence);
  return { ranked, weight: w, evidence };
}

export function explainPriors(words: readonly string[], as: string): string {
  return `your corrections: ${words.length === 1 ? 'token' : 'tokens'} ${words.map((w) => `'${w}'`).join(', ')} → ${as}`;
}
