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
}

export interface BlendResult {
  ranked: Scored[];
  /** Share of the blend the priors had (0 when the user taught nothing about these words). */
  weight: number;
  /** For each category the priors back, the words that back it (for the explanation). */
  evidence: Map<string, string[]>;
}

const MIN_TOKEN_LENGTH = 3;
const MAX_TOKENS = 12;
/**
 * Words shared by unrelated merchants (legal forms, channels, payment verbs): a correction of
 * one Pix must not pull every Pix along.
 */
const STOP = new Set([
  'ltda', 'eireli', 'epp', 'com', 'br', 'the', 'and', 'for', 'inc', 'llc', 'pix', 'ted', 'doc', 'tef', 'enviado', 'recebido',
  'enviada', 'recebida', 'transf', 'transferencia', 'compra', 'pagamento', 'pag', 'pgto', 'debito', 'credito', 'cartao', 'card',
  'payment', 'purchase', 'online', 'loja', 'store', 'shop', 'dos', 'das', 'por', 'para',
]);

/** The description words worth remembering: unique, not short, without digits, not stop words. */
export function priorTokens(tokens: readonly string[]): string[] {
  const out = new Set<string>();
  for (const t of tokens) {
    if (t.length < MIN_TOKEN_LENGTH || /\d/.test(t) || STOP.has(t)) continue;
    out.add(t);
    if (out.size >= MAX_TOKENS) break;
  }
  return [...out];
}

/**
 * P_user(category | words): each word's own distribution over the user's categories,
 * averaged over the words the user taught anything about, and the evidence n behind it.
 */
export function userPrior(counts: readonly PriorCount[], allowed: (categoryId: string) => boolean = () => true): { p: Map<string, number>; n: number } {
  const byToken = new Map<string, Map<string, number>>();
  for (const c of counts) {
    if (c.count <= 0 || !allowed(c.categoryId)) continue;
    const m = byToken.get(c.token) ?? new Map<string, number>();
    m.set(c.categoryId, (m.get(c.categoryId) ?? 0) + c.count);
    byToken.set(c.token, m);
  }
  const p = new Map<string, number>();
  let n = 0;
  for (const m of byToken.values()) {
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    n = Math.max(n, total);
    for (const [categoryId, count] of m) p.set(categoryId, (p.get(categoryId) ?? 0) + count / total / byToken.size);
  }
  return { p, n };
}

/**
 * A Bayesian-style mixture: (1 - w) * P_model + w * P_user with w = n / (n + strength). The
 * model's list may be a truncated distribution (its top suggestions); the mixture of two
 * (sub-)distributions stays one, so nothing is renormalized upwards.
 */
export function blendWithPriors(model: readonly Scored[], counts: readonly PriorCount[], options: BlendOptions = {}): BlendResult {
  const allowed = options.allowed ?? (() => true);
  const { p, n } = userPrior(counts, allowed);
  const evidence = new Map<string, string[]>();
  if (n === 0) return { ranked: [...model].sort((a, b) => b.confidence - a.confidence), weight: 0, evidence };
  const w = n / (n + (options.strength ?? 1));
  const scores = new Map<string, number>();
  for (const s of model) if (allowed(s.categoryId)) scores.set(s.categoryId, (1 - w) * s.confidence);
  for (const [categoryId, pu] of p) scores.set(categoryId, (scores.get(categoryId) ?? 0) + w * pu);
  for (const c of counts) {
    if (c.count <= 0 || !p.has(c.categoryId)) continue;
    const words = evidence.get(c.categoryId) ?? [];
    if (!words.includes(c.token)) words.push(c.token);
    evidence.set(c.categoryId, words);
  }
  const ranked = [...scores].map(([categoryId, confidence]) => ({ categoryId, confidence })).sort((a, b) => b.confidence - a.confidence);
  return { ranked, weight: w, evidence };
}

export function explainPriors(words: readonly string[], as: string): string {
  return `your corrections: ${words.length === 1 ? 'token' : 'tokens'} ${words.map((w) => `'${w}'`).join(', ')} → ${as}`;
}
