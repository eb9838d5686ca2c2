import { describe, expect, it } from 'vitest';
import { compileRegex, ruleMatches, type MatchableRule } from './rule-matcher.js';

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
    expect(ruleMatches(evil, { ...target, description: `${'a'.repeat(5000)}!` })).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(ruleMatches(rule({ operator: 'REGEX', value: 'uber\\s+\\*trip' }), target)).toBe(true);
  });

  it('rejects invalid or unsupported regexes with BAD_USER_INPUT on value', () => {
    expect(() => compileRegex('(unclosed')).toThrow(/Invalid regular expression/);
    expect(() => compileRegex('(a)\\1')).toThrow(/Invalid regular expression/);
  });
});
