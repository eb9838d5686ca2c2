import { describe, expect, it } from 'vitest';
import type { DomainError } from '@centavo/errors';
import { compileBoundedRegex, compileRegex, DEFAULT_MATCHER_OPTIONS, RuleMatcher, ruleMatches, type MatchableRule } from './rule-matcher.js';

const rule = (r: Partial<MatchableRule>): MatchableRule => ({
  field: 'DESCRIPTION',
  operator: 'CONTAINS',
  value: 'uber',
  minScaled: null,
  maxScaled: null,
  ...r,
});
const target = { description: 'UBER *TRIP São Paulo', merchant: 'UBER', absScaled: 25_0000n };

describe('rule matching', () => {
  it('compares case- and accent-insensitively', () => {
    expect(ruleMatches(rule({ value: 'sao paulo' }), target)).toBe(true);
    expect(ruleMatches(rule({ operator: 'STARTS_WITH', value: 'Uber *trip' }), target)).toBe(true);
    expect(ruleMatches(rule({ operator: 'EQUALS', field: 'MERCHANT', value: 'uber' }), target)).toBe(true);
    expect(ruleMatches(rule({ operator: 'EQUALS', value: 'uber' }), target)).toBe(false);
  });

  it('honours amount bounds on the absolute amount', () => {
    expect(ruleMatches(rule({ minScaled: 30_0000n }), target)).toBe(false);
    expect(ruleMatches(rule({ maxScaled: 20_0000n }), target)).toBe(false);
    expect(ruleMatches(rule({ minScaled: 25_0000n, maxScaled: 25_0000n }), target)).toBe(true);
  });

  it('runs regexes in linear time, even patterns that hang backtracking engines', () => {
    const evil = rule({ operator: 'REGEX', value: '^(a+)+$' });
    const started = performance.now();
    expect(ruleMatches(evil, { ...target, description: `${'a'.repeat(490)}!` })).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(ruleMatches(rule({ operator: 'REGEX', value: 'uber\\s+\\*trip' }), target)).toBe(true);
  });

  it('rejects invalid or unsupported regexes with BAD_USER_INPUT on value', () => {
    expect(() => compileRegex('(unclosed')).toThrow(/Invalid regular expression/);
    expect(() => compileRegex('(a)\\1')).toThrow(/Invalid regular expression/);
  });
});

describe('bounded regex work', () => {
  const regexRule = (value: string): MatchableRule => rule({ operator: 'REGEX', value });
  const long = (seed: number) => Array.from({ length: 100 }, (_, i) => `w${(i * 7919 + seed) % 1000}`).join(' ').slice(0, 500);

  it('refuses a pattern over the program-size limit as BAD_USER_INPUT on value with the limit, before compiling a huge one', () => {
    const error = (pattern: string) => {
      try {
        compileBoundedRegex(pattern, 500);
      } catch (e) {
        return e as DomainError;
      }
      throw new Error(`${pattern} was accepted`);
    };
    for (const pattern of ['(a|aa){100}', '(a|aa){1000}'.repeat(16)]) {
      const e = error(pattern);
      expect([e.code, e.field, e.details?.limit]).toEqual(['BAD_USER_INPUT', 'value', 500]);
    }
    // What real rules look like stays far below the limit.
    expect(compileBoundedRegex('uber|99 ?pop|cabify|ifood|rappi|ze delivery|james delivery|aiqfome|loggi|lalamove|indrive', 500).programSize).toBeLessThan(120);
  });

  it('stops starting REGEX rules once the step budget (program size × text length) is spent; other rules still run', () => {
    const description = 'UBER TRIP SAO PAULO 12345678';
    // Room for the first regex over this text, not for the second.
    const matcher = new RuleMatcher({ ...DEFAULT_MATCHER_OPTIONS, stepBudget: compileRegex('x{3}y').programSize() * (description.length + 1) + 1 });
    const rules = [regexRule('x{3}y'), regexRule('never'), regexRule('trip'), rule({ value: 'trip' })];
    const outcome = matcher.firstMatch(rules, { ...target, merchant: null, description });
    expect(outcome.budget).toBe('steps');
    expect(outcome.skipped).toBeGreaterThan(0);
    expect(outcome.rule).toBe(rules[3]);
  });

  it('stops starting REGEX rules past the time budget', () => {
    const matcher = new RuleMatcher({ ...DEFAULT_MATCHER_OPTIONS, timeBudgetMs: 0 });
    const busy = performance.now() + 5;
    while (performance.now() < busy); // the clock must move past a 0 ms budget
    const outcome = matcher.firstMatch([regexRule('uber'), regexRule('trip')], target);
    expect(outcome).toMatchObject({ rule: null, budget: 'time' });
  });

  it('never runs a stored rule over the limit (one created before it), and compiles it at most once', () => {
    const matcher = new RuleMatcher();
    const attack = regexRule('(a|aa){1000}'.repeat(16));
    expect(matcher.firstMatch([attack], { ...target, description: 'a'.repeat(500) }).oversized).toBe(1);
    expect(matcher.firstMatch([attack], { ...target, description: 'a'.repeat(500) }).oversized).toBe(1);
    expect(matcher.cacheStats.entries).toBe(1);
  });

  it('keeps compiled regexes and their DFAs within the cache budget in bytes', () => {
    const maxBytes = 2 * 1024 * 1024;
    const matcher = new RuleMatcher({ ...DEFAULT_MATCHER_OPTIONS, cacheMaxBytes: maxBytes });
    for (let i = 0; i < 40; i++) {
      // DFA-hungry patterns of about 100 instructions, each different.
      matcher.firstMatch([regexRule(`(.)*a.{${90 + (i % 8)}}z${i}`), regexRule(`[\\pL\\pN ]{${60 + i}}q`)], { ...target, description: long(i) });
      expect(matcher.cacheStats.bytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(matcher.cacheStats.entries).toBeLessThan(80);
    expect(matcher.cacheStats.bytes).toBeGreaterThan(maxBytes / 2);
  });

  it('looks at no more than the first 500 characters of a text', () => {
    const text = `${'x'.repeat(500)}uber`;
    expect(ruleMatches(regexRule('uber'), { ...target, description: text })).toBe(false);
    expect(ruleMatches(rule({ value: 'uber' }), { ...target, description: text })).toBe(false);
  });
});
