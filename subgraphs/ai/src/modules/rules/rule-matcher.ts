import { RE2JS } from 're2js';
import { badInput } from '@centavo/errors';

export type RuleOperator = 'CONTAINS' | 'EQUALS' | 'STARTS_WITH' | 'REGEX';
export type RuleField = 'DESCRIPTION' | 'MERCHANT';

export const MAX_RULE_VALUE_LENGTH = 200;

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

const regexCache = new Map<string, RE2JS>();

export function ruleMatches(rule: MatchableRule, target: MatchTarget): boolean {
  if (rule.minScaled !== null && target.absScaled < rule.minScaled) return false;
  if (rule.maxScaled !== null && target.absScaled > rule.maxScaled) return false;
  const text = rule.field === 'MERCHANT' ? target.merchant : target.description;
  if (!text) return false;
  if (rule.operator === 'REGEX') {
    let regex = regexCache.get(rule.value);
    if (!regex) {
      regex = compileRegex(rule.value);
      if (regexCache.size > 10_000) regexCache.clear();
      regexCache.set(rule.value, regex);
    }
    return regex.test(text);
  }
  const haystack = fold(text);
  const needle = fold(rule.value);
  switch (rule.operator) {
    case 'CONTAINS':
      return haystack.includes(needle);
    case 'EQUALS':
      return haystack === needle;
    case 'STARTS_WITH':
      return haystack.startsWith(needle);
  }
}
