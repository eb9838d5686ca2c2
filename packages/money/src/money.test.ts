import { describe, expect, it } from 'vitest';
import { currencyExponent, formatAmount, normalizeCurrency, parseAmount, parseScaled } from './index.js';

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

  it('refuses an over-long amount by its length, before any regex or BigInt', () => {
    const huge = '9'.repeat(900_000);
    for (const parse of [() => parseAmount(huge, 'BRL'), () => parseScaled(huge, 4), () => parseAmount(`-${huge}.00`, 'USD')]) {
      expect(parse).toThrow(/at most 40 characters/);
    }
    // The message never echoes the input back.
    expect(() => parseAmount(huge, 'BRL')).toThrow(expect.objectContaining({ message: expect.stringMatching(/^.{0,80}$/) }));
    expect(() => parseAmount(`${'x'.repeat(10_000)}`, 'BRL')).toThrow(/at most 40 characters/);
    // Leading zeros are fine; significant digits beyond 10^13 are not.
    expect(parseAmount('000000000000000000000001.50', 'BRL')).toBe(150n);
    expect(() => parseAmount('123456789012345678', 'BRL')).toThrow(/10\^13/);
    expect(() => normalizeCurrency('B'.repeat(100_000))).toThrow(/^not an ISO 4217 currency code$/);
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
