import type { RuleField, RuleOperator } from '../../generated/graphql';

export interface RuleDraft {
  field: RuleField;
  operator: RuleOperator;
  value: string;
  minAmount?: string | null;
  maxAmount?: string | null;
}

export interface Candidate {
  description: string;
  merchant: string | null;
  amount: string;
}

/** Compares two decimal strings exactly (no floats): -1, 0 or 1. */
export function compareDecimal(a: string, b: string): number {
  const norm = (s: string) => {
    const negative = s.trim().startsWith('-');
    const [whole = '0', fraction = ''] = s.trim().replace(/^[-+]/, '').split('.');
    return { negative, whole: whole.replace(/^0+(?=\d)/, ''), fraction };
  };
  const x = norm(a);
  const y = norm(b);
  const width = Math.max(x.fraction.length, y.fraction.length);
  const digits = (n: ReturnType<typeof norm>) => BigInt(`${n.whole}${n.fraction.padEnd(width, '0')}` || '0') * (n.negative ? -1n : 1n);
  const dx = digits(x);
  const dy = digits(y);
  return dx === dy ? 0 : dx < dy ? -1 : 1;
}

/** Case and accents folded, spaces collapsed: as the ai subgraph compares rule values and texts. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Whether a rule would match a transaction, as the ai subgraph's rules do: case- and accent-insensitive text,
 * bounds on the absolute amount. Lets a user test a rule on recent transactions before saving it.
 */
export function ruleMatches(rule: RuleDraft, t: Candidate): boolean {
  const text = rule.field === 'MERCHANT' ? (t.merchant ?? '') : t.description;
  const value = fold(rule.value);
  if (!value) return false;
  let hit: boolean;
  switch (rule.operator) {
    case 'CONTAINS':
      hit = fold(text).includes(value);
      break;
    case 'EQUALS':
      hit = fold(text) === value;
      break;
    case 'STARTS_WITH':
      hit = fold(text).startsWith(value);
      break;
    case 'REGEX':
      // The server runs RE2; its syntax is a subset of JavaScript's for what rules use.
      try {
        hit = new RegExp(rule.value, 'i').test(text);
      } catch {
        hit = false;
      }
      break;
  }
  if (!hit) return false;
  const absolute = t.amount.replace(/^-/, '');
  if (rule.minAmount && compareDecimal(absolute, rule.minAmount) < 0) return false;
  if (rule.maxAmount && compareDecimal(absolute, rule.maxAmount) > 0) return false;
  return true;
}
