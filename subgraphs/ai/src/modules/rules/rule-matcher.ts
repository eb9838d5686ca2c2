import { RE2JS } from 're2js';
import { ByteLru } from './byte-lru.js';
import { badInput, DomainError } from '@centavo/errors';
import { expandedSize } from './regex-size.js';

export type RuleOperator = 'CONTAINS' | 'EQUALS' | 'STARTS_WITH' | 'REGEX';
export type RuleField = 'DESCRIPTION' | 'MERCHANT';

export const MAX_RULE_VALUE_LENGTH = 200;
/** Texts are cut to this before matching: the transactions domain keeps descriptions within it. */
export const MAX_MATCH_TEXT_LENGTH = 500;
/**
 * Each compiled regex lazily builds a DFA whose state cache re2js lets grow to 8 MB; real rules
 * use a few KB. Past this, re2js resets the cache or falls back to its (linear) NFA.
 */
export const REGEX_DFA_MAX_BYTES = 256 * 1024;
/** Patterns estimated (from their text) above this multiple of the limit are refused uncompiled. */
const PRECHECK_FACTOR = 4;
// Measured with re2js 2.10: about 200-310 bytes per instruction kept, plus a few KB per pattern.
const ENTRY_BYTES = 2048;
const INSTRUCTION_BYTES = 320;

/** Case and accents folded, spaces collapsed: how rule values and texts are compared. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Compiles a REGEX rule with RE2 (linear time: no catastrophic backtracking, so a rule cannot
 * hang the process); a syntax error is BAD_USER_INPUT on `value`.
 */
export function compileRegex(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    throw badInput('value', `Invalid regular expression: ${(error as Error).message}`);
  }
}

export interface CompiledRegex {
  regex: RE2JS;
  /** RE2 instructions: what matching a character costs, at most, and about what it keeps in memory. */
  programSize: number;
}

const tooLarge = (limit: number, detail: string) =>
  new DomainError('BAD_USER_INPUT', `This regular expression is too large (${detail}); the limit is ${limit} instructions`, 'value', { limit });

/**
 * Compiles a REGEX rule within the program-size limit (counted repetitions unroll: `(a|aa){1000}`
 * is 6,000 instructions). Over it, BAD_USER_INPUT on `value` with `extensions.limit`.
 */
export function compileBoundedRegex(pattern: string, maxProgramSize: number): CompiledRegex {
  const estimate = expandedSize(pattern);
  if (estimate > PRECHECK_FACTOR * maxProgramSize) throw tooLarge(maxProgramSize, `its repetitions expand to about ${estimate} elements`);
  const regex = compileRegex(pattern);
  const programSize = regex.programSize();
  if (programSize > maxProgramSize) throw tooLarge(maxProgramSize, `it compiles to ${programSize} instructions`);
  const dfa = regex.re2().dfa;
  dfa.maxMem = dfa.stateBudget = dfa.memBudget = REGEX_DFA_MAX_BYTES;
  return { regex, programSize };
}

export interface MatchableRule {
  field: RuleField;
  operator: RuleOperator;
  value: string;
  /** Bounds on the absolute amount, scaled by 10^4. */
  minScaled: bigint | null;
  maxScaled: bigint | null;
}

export interface MatchTarget {
  description: string;
  merchant: string | null;
  /** Absolute amount scaled by 10^4. */
  absScaled: bigint;
}

export interface RuleMatcherOptions {
  /** Per rule; stored rules above it (created before the limit) are skipped. */
  maxProgramSize: number;
  /** Memory for compiled regexes and their DFAs, shared by every user. */
  cacheMaxBytes: number;
  /** Per decision: the sum of program size × text length of the REGEX rules run. */
  stepBudget: number;
  /** Per decision: no further REGEX rule starts after this many milliseconds. */
  timeBudgetMs: number;
}

export const DEFAULT_MATCHER_OPTIONS: RuleMatcherOptions = {
  maxProgramSize: 500,
  cacheMaxBytes: 64 * 1024 * 1024,
  stepBudget: 3_000_000,
  timeBudgetMs: 100,
};

export interface MatchOutcome<R> {
  rule: R | null;
  /** REGEX rules not run because the decision's step or time budget was spent. */
  skipped: number;
  budget: 'steps' | 'time' | null;
  /** Stored REGEX rules over the program-size limit, never run. */
  oversized: number;
}

type CacheEntry = (CompiledRegex & { bytes: number }) | { refused: true };

/**
 * Runs a user's rules in order with bounded work: texts are cut to MAX_MATCH_TEXT_LENGTH, each
 * regex keeps a small DFA, compiled regexes share a cache bounded in bytes, and a decision stops
 * starting REGEX rules once its step or time budget is spent (the other rules still run).
 */
export class RuleMatcher {
  private readonly cache: ByteLru<string, CacheEntry>;

  constructor(readonly options: RuleMatcherOptions = DEFAULT_MATCHER_OPTIONS) {
    this.cache = new ByteLru(options.cacheMaxBytes);
  }

  /** For a new rule: compiles within the limits (throws BAD_USER_INPUT) and keeps it for matching. */
  compile(pattern: string): CompiledRegex {
    const compiled = compileBoundedRegex(pattern, this.options.maxProgramSize);
    this.remember(pattern, compiled);
    return compiled;
  }

  get cacheStats(): { entries: number; bytes: number; maxBytes: number } {
    return { entries: this.cache.size, bytes: this.cache.bytes, maxBytes: this.cache.maxBytes };
  }

  /** The first rule (in the given order) that matches, and what the budget left out. */
  firstMatch<R extends MatchableRule>(rules: readonly R[], target: MatchTarget): MatchOutcome<R> {
    const outcome: MatchOutcome<R> = { rule: null, skipped: 0, budget: null, oversized: 0 };
    const deadline = performance.now() + this.options.timeBudgetMs;
    let steps = 0;
    for (const rule of rules) {
      if (!withinBounds(rule, target)) continue;
      const text = bounded(rule.field === 'MERCHANT' ? target.merchant : target.description);
      if (!text) continue;
      if (rule.operator !== 'REGEX') {
        if (literalMatches(rule, text)) return { ...outcome, rule };
        continue;
      }
      if (outcome.budget === null && performance.now() > deadline) outcome.budget = 'time';
      if (outcome.budget !== null) {
        outcome.skipped++;
        continue;
      }
      const entry = this.entry(rule.value);
      if ('refused' in entry) {
        outcome.oversized++;
        continue;
      }
      const cost = entry.programSize * (text.length + 1);
      if (steps + cost > this.options.stepBudget) {
        outcome.budget = 'steps';
        outcome.skipped++;
        continue;
      }
      steps += cost;
      const matched = entry.regex.test(text);
      this.resize(rule.value, entry);
      if (matched) return { ...outcome, rule };
    }
    return outcome;
  }

  private entry(pattern: string): CacheEntry {
    const cached = this.cache.get(pattern);
    if (cached) return cached;
    try {
      return this.remember(pattern, compileBoundedRegex(pattern, this.options.maxProgramSize));
    } catch {
      // Stored before the limits (or invalid): never run; remembered so it is not compiled again.
      const refused = { refused: true } as const;
      this.cache.set(pattern, refused, ENTRY_BYTES + 2 * pattern.length);
      return refused;
    }
  }

  private remember(pattern: string, compiled: CompiledRegex): CacheEntry {
    const entry = { ...compiled, bytes: 0 };
    entry.bytes = entryBytes(pattern, entry);
    this.cache.set(pattern, entry, entry.bytes);
    return entry;
  }

  /** A DFA grows as it matches: charge what it holds now. */
  private resize(pattern: string, entry: CompiledRegex & { bytes: number }): void {
    const bytes = entryBytes(pattern, entry);
    if (bytes === entry.bytes) return;
    entry.bytes = bytes;
    this.cache.resize(pattern, bytes);
  }
}

function entryBytes(pattern: string, { regex, programSize }: CompiledRegex): number {
  const dfa = regex.re2().dfa;
  const dfaBytes = dfa.stateBudget - dfa.memBudget;
  return ENTRY_BYTES + 2 * pattern.length + INSTRUCTION_BYTES * programSize + Math.ceil(1.25 * dfaBytes);
}

function bounded(text: string | null): string | null {
  return text && text.length > MAX_MATCH_TEXT_LENGTH ? text.slice(0, MAX_MATCH_TEXT_LENGTH) : text;
}

function withinBounds(rule: MatchableRule, target: MatchTarget): boolean {
  if (rule.minScaled !== null && target.absScaled < rule.minScaled) return false;
  return rule.maxScaled === null || target.absScaled <= rule.maxScaled;
}

function literalMatches(rule: MatchableRule, text: string): boolean {
  const haystack = fold(text);
  const needle = fold(rule.value);
  switch (rule.operator) {
    case 'CONTAINS':
      return haystack.includes(needle);
    case 'EQUALS':
      return haystack === needle;
    case 'STARTS_WITH':
      return haystack.startsWith(needle);
    case 'REGEX':
      return false;
  }
}

const defaultMatcher = new RuleMatcher();

/** One rule against one text, with the default limits (tests and one-off checks). */
export function ruleMatches(rule: MatchableRule, target: MatchTarget): boolean {
  return defaultMatcher.firstMatch([rule], target).rule !== null;
}
