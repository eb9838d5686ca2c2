import { describe, expect, it } from 'vitest';
import { loadDataset } from './dataset.js';
import { dictionaryConflicts, dictionarySize, lookupMerchant, lookupMerchantEntry } from './merchant-dictionary.js';
import { normalizeDescription } from './normalize.js';
import { isAllowed, type Slug } from './slugs.js';

const fromLine = (line: string): Slug | null => lookupMerchant(normalizeDescription(line).merchant);

describe('merchant dictionary', () => {
  it('holds several hundred well-known merchants without contradictions', () => {
    expect(dictionarySize()).toBeGreaterThan(300);
    expect(dictionaryConflicts()).toEqual([]);
  });

  it.each([
    ['NETFLIX.COM 866-579-7172 CA', 'subscriptions'],
    ['SPOTIFY P0123ABCD', 'subscriptions'],
    ['UBER *TRIP HELP.UBER.COM', 'transport'],
    ['99APP *99POP', 'transport'],
    ['CABIFY', 'transport'],
    ['UBER* EATS PENDING', 'restaurants'],
    ['IFOOD *BURGER KING', 'restaurants'],
    ['RAPPI*RESTAURANTE X', 'restaurants'],
    ['SHELL SELECT SAO PAULO', 'fuel'],
    ['POSTO IPIRANGA BR 116', 'fuel'],
    ['PETROBRAS', 'fuel'],
    ['CARREFOUR HIPER 123', 'groceries'],
    ['PAO DE ACUCAR LJ 12', 'groceries'],
    ['ASSAI ATACADISTA', 'groceries'],
    ['CARD PAYMENT TO TESCO STORES 3245 ON 12 MAR', 'groceries'],
    ['WALMART #1234 AUSTIN TX', 'groceries'],
    ['CHECKERS HYPER 1234 CAPE TOWN ZA', 'groceries'],
    ['POS PURCHASE WOOLWORTHS SANDTON', 'groceries'],
    ['DROGASIL 1234 SAO PAULO', 'health'],
    ['COMPRA CARTAO DEB 12/03 DROGA RAIA 2231', 'health'],
    ['APPLE.COM/BILL', 'subscriptions'],
    ['AMZN Mktp US*2K3L4M5N6', 'shopping'],
    ['BET365', 'gambling'],
  ])('%s is %s', (line, slug) => {
    expect(fromLine(line)).toBe(slug);
  });

  it('prefers the longest entry a name starts with', () => {
    expect(fromLine('TESCO PFS 3285')).toBe('fuel');
    expect(fromLine('TESCO STORES 3285')).toBe('groceries');
    expect(fromLine('UBER *ONE')).toBe('subscriptions');
    expect(fromLine('APPLE STORE #0503 HOUSTON TX')).toBe('shopping');
    expect(lookupMerchantEntry('SHELL OIL')?.entry).toBe('SHELL');
  });

  it('reads a name a terminal cut short when every entry it starts has one slug', () => {
    expect(fromLine('POS Purchase Builders Warehou * 24 Aug')).toBe('home');
    expect(fromLine('POS Purchase Incredible Conne * 24 Aug')).toBe('shopping');
    expect(lookupMerchantEntry('SPORTSMANS WAREH')?.entry).toBe('SPORTSMANS WAREHOUSE');
    // CITY OF CAPE TOWN (utilities) and CITY OF CAPE TOWN RATES (housing): the cut name could be either.
    expect(lookupMerchant('CITY OF CAPE TOW')).toBeNull();
    // Too short to be sure it is the start of one name.
    expect(lookupMerchant('BUILDERS')).toBeNull();
  });

  it('does not let a name the normalizer cut to one word start other names', () => {
    // SERVICE NSW normalizes to SERVICE (NSW reads as a place), CIRCLE K to CIRCLE, NEXT IE to NEXT.
    expect(fromLine('#Service Fee Cheque Acc')).toBeNull();
    expect(fromLine('NEXT LEVEL GYM')).toBeNull();
    expect(fromLine('CIRCLE K 1234')).toBe('fuel');
    expect(fromLine('LOTTO PURCHASE')).toBe('gambling');
  });

  it('matches short, common words only exactly', () => {
    expect(lookupMerchant('OI')).toBe('utilities');
    expect(lookupMerchant('OI FIBRA')).toBe('utilities');
    expect(lookupMerchant('OI BISTRO')).toBeNull();
    expect(lookupMerchant('EXTRA SPACE STORAGE')).toBeNull();
    expect(lookupMerchant('METRO HANDYMAN')).toBeNull();
  });

  it('finds glued names and says nothing about unknown ones', () => {
    expect(lookupMerchant('DROGARAIA')).toBe('health');
    expect(lookupMerchant('PADARIA SAO JOAO')).toBeNull();
    expect(lookupMerchant(null)).toBeNull();
    expect(lookupMerchant('')).toBeNull();
  });

  it('agrees with every dataset label it can speak for', () => {
    const disagreements = loadDataset()
      .map((r) => ({ r, hit: lookupMerchant(normalizeDescription(r.description).merchant) }))
      .filter(({ r, hit }) => hit !== null && isAllowed(hit, r.amountMinor) && hit !== r.slug)
      .map(({ r, hit }) => `${r.description}: ${hit} vs ${r.slug}`);
    expect(disagreements).toEqual([]);
  });
});
