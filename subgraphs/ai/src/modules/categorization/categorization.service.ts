import { DEFAULT_CATEGORIES, defaultCategoryId, type DefaultSlug } from '@centavo/categories';
import type { TransactionEvent } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import { currencyExponent } from '@centavo/money';
import { RuleMatcher, type MatchableRule, type MatchOutcome } from '../rules/rule-matcher.js';
import type { RuleRecord, RulesRepository } from '../rules/rules.repository.js';
import { RULE_AMOUNT_SCALE } from '../rules/rules.service.js';
import type { CategorizationRecord, CategorizationRepository, MemoryRecord } from './categorization.repository.js';
import { DEFAULT_THRESHOLD, type ThresholdSource } from '../categorize/categorizer.js';
import { normalizeCached } from '../categorize/normalized-cache.js';
import { allowedSlugs, directionOf, isAllowedForDirection, isSlug, type Direction } from '../categorize/slugs.js';
import type { ColdCategorizer, ColdDecision } from './cold-categorizer.js';
import type { ExternalModel } from './external-model.js';
import { blendWithPriors, explainPriors, personalTokens, type PriorCount } from './user-priors.js';

export interface Decision {
  merchant: string | null;
  /** Null when nothing is sure enough: the transaction stays uncategorized. */
  categoryId: string | null;
  confidence: number;
  source: 'RULE' | 'AI';
  explanation: string;
  modelVersion: string;
  suggestions: { categoryId: string; confidence: number }[];
  /** A rule's tags for the transaction (RULE decisions only). */
  addTags?: string[];
}

export interface DecisionInput {
  description: string;
  /** Signed amount in cents-equivalent (2 decimals), which the model's amount features expect. */
  cents: bigint;
  /** Absolute amount scaled by 10^4, which rule bounds use. */
  absScaled: bigint;
}

export interface CategorizationOptions {
  /** Below this confidence nothing is chosen; by default the cold categorizer's calibrated threshold. */
  threshold?: number;
  /** The optional external model, asked only when the local decision is below the threshold. */
  external?: ExternalModel | null;
  /** Runs the user's rules within the regex limits and budgets (a default one otherwise). */
  matcher?: RuleMatcher;
  logger?: Logger;
  /** Told how many REGEX rules a decision left out, and why (a metric). */
  onRegexSkipped?: (reason: 'steps' | 'time' | 'oversized', count: number) => void;
}

/**
 * What decisions for one user read, loaded once for a batch of transactions (loadContext): the
 * user's rules, the memory of every merchant the batch names and the priors of all its words.
 */
export interface UserContext {
  userId: string;
  rules: RuleRecord[];
  memory: Map<string, MemoryRecord>;
  priors: (PriorCount & { direction: string })[];
}

/** An input's cold decision and its words (CategorizationService.prepare). */
export interface Prepared {
  cold: ColdDecision;
  tokens: string[];
}

const MEMORY_CONFIDENCE = 0.95;
const SLUG_MAPS_KEPT = 1000;
/** The external model gives no probability; its answer counts as just sure enough, no more. */
const EXTERNAL_CONFIDENCE = 0.6;
/** A dictionary hit names the merchant itself: the user's word priors need more evidence to beat it. */
const PRIOR_STRENGTH = { DICTIONARY: 3, default: 1 } as const;

/** Amount features of a transaction in any currency (JPY has 0 decimals, BHD 3). */
export function decisionAmounts(amountMinor: bigint, currency: string): Pick<DecisionInput, 'cents' | 'absScaled'> {
  const exponent = currencyExponent(currency);
  const scale = (value: bigint, to: number) => (to >= exponent ? value * 10n ** BigInt(to - exponent) : value / 10n ** BigInt(exponent - to));
  const abs = amountMinor < 0n ? -amountMinor : amountMinor;
  return { cents: scale(amountMinor, 2), absScaled: scale(abs, RULE_AMOUNT_SCALE) };
}

function asMatchable(rule: RuleRecord): MatchableRule {
  const scaled = (d: RuleRecord['minAmount']) => (d === null ? null : BigInt(d.mul(10 ** RULE_AMOUNT_SCALE).toFixed(0)));
  return { field: rule.field, operator: rule.operator, value: rule.value, minScaled: scaled(rule.minAmount), maxScaled: scaled(rule.maxAmount) };
}

/**
 * The categorization pipeline of the ai domain, in order: the user's rules (by priority),
 * the user's own memory of a merchant (one correction suffices), then the global merchant
 * dictionary and the model. It never writes another domain's tables: callers send decisions on.
 */
export class CategorizationService {
  private readonly matcher: RuleMatcher;
  private readonly slugsByUser = new Map<string, Map<string, string>>();

  constructor(
    private readonly repo: CategorizationRepository,
    private readonly rules: RulesRepository,
    private readonly cold: ColdCategorizer,
    private readonly options: CategorizationOptions = {},
  ) {
    this.matcher = options.matcher ?? new RuleMatcher();
  }

  /** The caller's threshold, else the cold categorizer's calibrated one for the money's direction and the answer's source. */
  private threshold(direction: Direction, source: ThresholdSource = 'MODEL'): number {
    return this.options.threshold ?? this.cold.acceptAtFor?.(direction, source) ?? this.cold.acceptAt ?? DEFAULT_THRESHOLD;
  }

  /** The default slug of a user's category id (or null for a custom one): a map per recent user. */
  private slugOf(userId: string, categoryId: string): string | null {
    let slugs = this.slugsByUser.get(userId);
    if (!slugs) {
      if (this.slugsByUser.size >= SLUG_MAPS_KEPT) this.slugsByUser.clear();
      slugs = new Map(DEFAULT_CATEGORIES.map((c) => [defaultCategoryId(userId, c.slug), c.slug]));
      this.slugsByUser.set(userId, slugs);
    }
    return slugs.get(categoryId) ?? null;
  }

  /**
   * Reads once what deciding these descriptions for the user needs (three queries). `seen`: what
   * the caller already worked out of each description (its cold decision's merchant and its
   * words), so a batch does not categorize every row twice.
   */
  async loadContext(userId: string, descriptions: readonly string[], seen?: readonly Pick<Prepared, 'cold' | 'tokens'>[]): Promise<UserContext> {
    const merchants = new Set<string>();
    const tokens = new Set<string>();
    for (const [i, description] of descriptions.entries()) {
      const merchant = seen?.[i]?.cold.merchant ?? this.cold.categorize(description, 0n).merchant;
      if (merchant) merchants.add(merchant);
      for (const token of seen?.[i]?.tokens ?? personalTokens(normalizeCached(description))) tokens.add(token);
    }
    const [rules, memory, priors] = await Promise.all([
      this.rules.listByUser(userId),
      this.repo.memories(userId, [...merchants]),
      this.repo.priorsAnyDirection(userId, [...tokens]),
    ]);
    return { userId, rules, memory: new Map(memory.map((m) => [m.merchant, m])), priors };
  }

  /**
   * `external`: whether a low-confidence decision may ask the external model (the worker's path).
   * `context`: the user's rules, memory and priors read once for a batch (loadContext).
   * `prepared`: the input's cold decision and words, when the caller has them (prepare()).
   */
  async decide(
    userId: string,
    input: DecisionInput,
    { external = false, context, prepared }: { external?: boolean; context?: UserContext; prepared?: Prepared } = {},
  ): Promise<Decision> {
    if (context && context.userId !== userId) throw new Error('a decision context of another user');
    const cold = prepared?.cold ?? this.cold.categorize(input.description, input.cents);
    const merchant = cold.merchant;
    const suggestions = cold.suggestions.map((s) => ({ categoryId: defaultCategoryId(userId, s.slug as DefaultSlug), confidence: s.confidence }));
    const base = { merchant, modelVersion: this.cold.version, suggestions };

    const rules = (context ? context.rules : await this.rules.listByUser(userId)).map((r) => ({ ...asMatchable(r), record: r }));
    const matched = this.matcher.firstMatch(rules, { description: input.description, merchant, absScaled: input.absScaled });
    this.reportSkipped(userId, matched);
    if (matched.rule) {
      const rule = matched.rule.record;
      const op = rule.operator.toLowerCase().replace('_', ' ');
      return {
        ...base,
        categoryId: rule.categoryId,
        confidence: 1,
        source: 'RULE',
        explanation: `rule: ${rule.field.toLowerCase()} ${op} ${rule.value}`,
        ...(rule.addTags.length > 0 ? { addTags: rule.addTags } : {}),
      };
    }
    if (merchant) {
      const memory = context ? (context.memory.get(merchant) ?? null) : await this.repo.memory(userId, merchant);
      if (memory) {
        const as = this.slugOf(userId, memory.categoryId) ?? 'your category';
        const times = memory.count === 1 ? 'once' : `${memory.count} times`;
        return { ...base, categoryId: memory.categoryId, confidence: MEMORY_CONFIDENCE, source: 'AI', explanation: `merchant ${merchant} seen ${times} as ${as}` };
      }
    }
    const direction = directionOf(Number(input.cents));
    const local = await this.withPriors(userId, prepared?.tokens ?? personalTokens(normalizeCached(input.description)), direction, {
      ...base,
      categoryId: cold.slug ? defaultCategoryId(userId, cold.slug as DefaultSlug) : null,
      confidence: cold.confidence,
      source: 'AI',
      explanation: cold.explanation,
    }, cold.source === 'DICTIONARY' ? PRIOR_STRENGTH.DICTIONARY : PRIOR_STRENGTH.default, context);
    if (local.categoryId || !external || !this.options.external) return local;
    const slug = await this.options.external.pick(input.description, direction, allowedSlugs(Number(input.cents)));
    if (!slug) return local;
    return {
      ...local,
      categoryId: defaultCategoryId(userId, slug),
      confidence: Math.max(this.threshold(direction), EXTERNAL_CONFIDENCE),
      explanation: `external model ${this.options.external.name}: ${slug}`,
      modelVersion: `external:${this.options.external.name}`,
    };
  }

  /** What decide() works out of an input before it reads anything of the user's. */
  prepare(input: DecisionInput): Prepared {
    const cold = this.cold.categorize(input.description, input.cents);
    return { cold, tokens: personalTokens(normalizeCached(input.description)) };
  }

  /** REGEX rules a decision could not afford (or that exceed today's limits) are logged and counted. */
  private reportSkipped(userId: string, outcome: MatchOutcome<MatchableRule>): void {
    if (outcome.skipped === 0 && outcome.oversized === 0) return;
    this.options.logger?.warn({ userId, skipped: outcome.skipped, budget: outcome.budget, oversized: outcome.oversized }, 'REGEX rules left out of a categorization');
    if (outcome.skipped > 0 && outcome.budget) this.options.onRegexSkipped?.(outcome.budget, outcome.skipped);
    if (outcome.oversized > 0) this.options.onRegexSkipped?.('oversized', outcome.oversized);
  }

  /** Blends the cold decision with what the user's corrections taught about its words. */
  /** `tokens`: the description's words and the merchant's chain ("MEGAMART" of "MEGAMART NORTHGATE"). */
  private async withPriors(userId: string, tokens: string[], direction: Direction, cold: Decision, strength: number, context?: UserContext): Promise<Decision> {
    const wanted = new Set(tokens);
    const counts = context
      ? context.priors.filter((p) => wanted.has(p.token) && (direction === 'none' || p.direction === direction)).map(({ token, categoryId, count }) => ({ token, categoryId, count }))
      : await this.repo.priors(userId, direction, tokens);
    // Sign masking: a default category must suit the money's direction; a custom one was learned
    // from the same direction (priors are kept per direction).
    const allowed = (categoryId: string) => {
      const slug = this.slugOf(userId, categoryId);
      return slug === null || !isSlug(slug) || isAllowedForDirection(slug, direction);
    };
    // Default categories are the model's: evidence multiplies its probabilities; custom ones only the user knows.
    const known = (categoryId: string) => this.slugOf(userId, categoryId) !== null;
    const blend = blendWithPriors(cold.suggestions, counts, { strength, allowed, known });
    const top = blend.ranked[0];
    if (blend.weight === 0 || !top) return cold;
    const words = blend.evidence.get(top.categoryId);
    return {
      ...cold,
      suggestions: blend.ranked.slice(0, Math.max(cold.suggestions.length, 1)),
      categoryId: top.confidence >= this.threshold(direction, 'PRIORS') ? top.categoryId : null,
      confidence: top.confidence,
      explanation: words ? explainPriors(words, this.slugOf(userId, top.categoryId) ?? 'your category') : cold.explanation,
    };
  }

  /** What the pipeline would choose, without storing anything. */
  async suggest(userId: string, input: DecisionInput, limit: number): Promise<{ categoryId: string; confidence: number }[]> {
    const decision = await this.decide(userId, input);
    const top = decision.categoryId && decision.source === 'RULE' ? [{ categoryId: decision.categoryId, confidence: 1 }] : [];
    if (decision.categoryId && decision.source === 'AI' && !decision.suggestions.some((s) => s.categoryId === decision.categoryId)) {
      top.push({ categoryId: decision.categoryId, confidence: decision.confidence });
    }
    const seen = new Set(top.map((t) => t.categoryId));
    const rest = decision.suggestions
      .filter((s) => !seen.has(s.categoryId))
      .map((s) => (s.categoryId === decision.categoryId ? { ...s, confidence: Math.max(s.confidence, decision.confidence) } : s))
      .sort((a, b) => b.confidence - a.confidence);
    return [...top, ...rest].slice(0, limit);
  }

  /**
   * Reacts to one user's batch of transaction changes, in order: forgets deleted transactions,
   * learns from the user's choices, and decides a category for the transactions the user has not
   * categorized, reading the user's rules, memory and priors once and storing every decision in
   * one statement. Returns, per event, the decision to send to the transactions domain, or null.
   */
  async onTransactionEvents(userId: string, events: readonly TransactionEvent[]): Promise<((Decision & { categoryId: string }) | null)[]> {
    const out: ((Decision & { categoryId: string }) | null)[] = events.map(() => null);
    const toDecide: number[] = [];
    for (const [i, event] of events.entries()) {
      const t = event.transaction;
      if (t.userId !== userId) throw new Error(`transaction ${t.id} is not user ${userId}'s`);
      if (t.deleted || t.categorySource === 'USER') await this.onTransactionEvent(event);
      // Our own decision coming back, or a split row (its parts carry the categories): nothing to decide.
      else if (event.type !== 'transaction.categorized' && !isSplit(t)) toDecide.push(i);
    }
    if (toDecide.length === 0) return out;
    // Only the newest version of a transaction in the batch is worth deciding.
    const newest = new Map<string, number>();
    for (const i of toDecide) newest.set(events[i]!.transaction.id, i);
    const latest = [...newest.values()];
    // Each row's input, cold decision and words, worked out once for the context and the decision.
    const inputs = latest.map((i) => {
      const t = events[i]!.transaction;
      return { description: t.description, ...decisionAmounts(BigInt(t.amountMinor), t.currency) };
    });
    const prepared = inputs.map((input) => this.prepare(input));
    const context = await this.loadContext(userId, inputs.map((input) => input.description), prepared);
    const records: CategorizationRecord[] = [];
    for (const [n, i] of latest.entries()) {
      const t = events[i]!.transaction;
      const decision = await this.decide(userId, inputs[n]!, { external: true, context, prepared: prepared[n]! });
      records.push(recordOf({ ...t, userId }, decision));
      if (decision.categoryId) out[i] = decision as Decision & { categoryId: string };
    }
    await this.repo.saveDecisions(records);
    return out;
  }

  /**
   * Reacts to a transaction change: learns from a user's choice, or decides a category for a
   * transaction the user has not categorized. Returns the decision to send to the
   * transactions domain, or null.
   */
  async onTransactionEvent(event: TransactionEvent): Promise<(Decision & { categoryId: string }) | null> {
    const t = event.transaction;
    if (t.deleted) {
      await this.repo.forget(t.id);
      return null;
    }
    if (t.categorySource === 'USER') {
      // A category the user gave (at creation or as a correction) teaches the memory at once.
      if ((event.type === 'transaction.categorized' || event.type === 'transaction.created') && t.categoryId) {
        const merchant = this.cold.categorize(t.description, 0n).merchant;
        const tokens = personalTokens(normalizeCached(t.description));
        // A transfer's category says nothing about the words of its description.
        if ((merchant || tokens.length > 0) && !t.transferPeerId) {
          const direction = directionOf(Number(t.amountMinor));
          await this.repo.learn({ userId: t.userId, merchant, categoryId: t.categoryId, transactionId: t.id, version: t.version, direction, tokens });
        }
        await this.repo.saveDecision({
          transactionId: t.id,
          userId: t.userId,
          categoryId: t.categoryId,
          suggestions: [{ categoryId: t.categoryId, confidence: 1 }],
          confidence: 1,
          source: 'USER',
          explanation: 'chosen by you',
          modelVersion: this.cold.version,
          transactionVersion: t.version,
        });
      }
      return null;
    }
    // Our own decision coming back, or a split row (its parts carry the categories): nothing to decide.
    if (event.type === 'transaction.categorized' || isSplit(t)) return null;
    const decision = await this.decide(t.userId, { description: t.description, ...decisionAmounts(BigInt(t.amountMinor), t.currency) }, { external: true });
    // Not sure enough: the transaction stays uncategorized, but its top suggestions are kept.
    await this.repo.saveDecision(recordOf(t, decision));
    return decision.categoryId ? (decision as Decision & { categoryId: string }) : null;
  }
}

/** The user split the row into parts with their own categories: the categorizer leaves it alone. */
const isSplit = (t: TransactionEvent['transaction']): boolean => (t.splits?.length ?? 0) > 0;

/** What is stored of a decision about one version of a transaction (its top three suggestions kept). */
function recordOf(t: { id: string; userId: string; version: number }, decision: Decision): CategorizationRecord {
  return {
    transactionId: t.id,
    userId: t.userId,
    categoryId: decision.categoryId,
    suggestions: decision.suggestions.slice(0, 3),
    confidence: decision.confidence,
    source: decision.source,
    explanation: decision.explanation,
    modelVersion: decision.modelVersion,
    transactionVersion: t.version,
  };
}
