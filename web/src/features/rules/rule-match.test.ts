import { describe, expect, it } from 'vitest';
import { compareDecimal, ruleMatches } from './rule-match';

const t = (description: string, amount: string, merchant: string | null = null) => ({ description, amount, merchant });

describe('testing a rule on recent transactions', () => {
  it('matches as the server does: case, accents and spaces folded', () => {
    expect(ruleMatches({ field: 'DESCRIPTION', operator: 'CONTAINS', value: 'padaria pao' }, t('PADARIA  PÃO QUENTE', '-12.50'))).toBe(true);
    expect(ruleMatches({ field: 'DESCRIPTION', operator: 'STARTS_WITH', value: 'pão' }, t('PADARIA PÃO', '-1'))).toBe(false);
    expect(ruleMatches({ field: 'MERCHANT', operator: 'EQUALS', value: 'netflix' }, t('NETFLIX.COM', '-55.90', 'Netflix'))).toBe(true);
    expect(ruleMatches({ field: 'MERCHANT', operator: 'EQUALS', value: 'netflix' }, t('NETFLIX.COM', '-55.90', null))).toBe(false);
    expect(ruleMatches({ field: 'DESCRIPTION', operator: 'REGEX', value: '^uber\\s+\\*' }, t('UBER *TRIP', '-9'))).toBe(true);
    expect(ruleMatches({ field: 'DESCRIPTION', operator: 'REGEX', value: '(' }, t('UBER', '-9'))).toBe(false);
  });

  it('bounds the absolute amount exactly, without floats', () => {
    const rule = { field: 'DESCRIPTION' as const, operator: 'CONTAINS' as const, value: 'posto', minAmount: '100.00', maxAmount: '300' };
    expect(ruleMatches(rule, t('POSTO SHELL', '-100.00'))).toBe(true);
    expect(ruleMatches(rule, t('POSTO SHELL', '-99.99'))).toBe(false);
    expect(ruleMatches(rule, t('POSTO SHELL', '300.001'))).toBe(false);
    expect(compareDecimal('0.30', '0.3')).toBe(0);
    expect(compareDecimal('-0.1', '0.1')).toBe(-1);
    expect(compareDecimal('10000000000000000.01', '10000000000000000.00')).toBe(1);
  });
});
