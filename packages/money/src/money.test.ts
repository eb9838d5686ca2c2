import { describe, expect, it } from 'vitest';
import { currencyExponent, formatAmount, normalizeCurrency, parseAmount } from './index.js';

describe('money', () => {
  it('knows currency exponents from ISO 4217', () => {
    expect(currencyExponent('BRL')).toBe(2);
    expect(currencyExponent('jpy')).toBe(0);
    expect(currencyExponent('BHD')).toBe(3);
  });

  it('rejects unknown currency codes', () => {
    expect(() => normalizeCurrency('XXQ')).toThrow(/ISO 4217/);
    expect(() => normalizeCurrency('usd ')).not.toThrow();
    expect(() => normalizeCurrency('US')).toThrow();
  });

  it('parses decimal strings into exact minor units', () => {
    expect(parseAmount('-1234.50', 'BRL')).toBe(-123450n);
    expect(parseAmount('0.1', 'USD')).toBe(10n);
    expect(parseAmount('1000', 'JPY')).toBe(1000n);
    expect(parseAmount('1.234', 'BHD')).toBe(1234n);
    expect(parseAmount('12.300', 'BRL')).toBe(1230n);
    expect(parseAmount('9999999999999.99', 'BRL')).toBe(999999999999999n);
  });

  it('rejects what is not an exact amount', () => {
    for (const bad of ['', ' ', 'NaN', '1e3', '1.234', '12,30', '0x10', 'Infinity', '1.', '.5', '--1']) {
      expect(() => parseAmount(bad, 'BRL'), bad).toThrow();
    }
    expect(() => parseAmount('1.5', 'JPY')).toThrow(/decimal places/);
    expect(() => parseAmount('10000000000000.01', 'USD')).toThrow(/10\^13/);
  });

  it('formats minor units with the currency exponent', () => {
    expect(formatAmount(-123450n, 'BRL')).toBe('-1234.50');
    expect(formatAmount(5n, 'USD')).toBe('0.05');
    expect(formatAmount(-5n, 'USD')).toBe('-0.05');
    expect(formatAmount(1000n, 'JPY')).toBe('1000');
    expect(formatAmount(1n, 'BHD')).toBe('0.001');
    expect(formatAmount(0n, 'BRL')).toBe('0.00');
  });
});
