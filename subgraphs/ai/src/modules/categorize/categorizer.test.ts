import { describe, expect, it } from 'vitest';
import { categorize, DICTIONARY_CONFIDENCE, type SlugPredictor } from './categorizer.js';
import { MerchantMemory, TokenPriors } from './memory.js';
import { normalizeDescription } from './normalize.js';
import { personalTokens } from '../categorization/user-priors.js';
import type { Suggestion } from './model.js';
import { datasetModel } from '../training/model-artifact.js';
import { allowedSlugs, type Slug } from './slugs.js';

/** A predictor with these probabilities (of the slugs the direction allows), the rest spread evenly. */
function spread(given: Partial<Record<Slug, number>>): SlugPredictor {
  return {
    version: 'stub-2',
    predict(_description: string, amountMinor: bigint | number): Suggestion[] {
      const allowed = allowedSlugs(Number(amountMinor));
      const named = allowed.filter((s) => given[s] !== undefined);
      const left = 1 - named.reduce((a, s) => a + given[s]!, 0);
      const rest = allowed.filter((s) => given[s] === undefined);
      return [...named.map((slug) => ({ slug, confidence: given[slug]! })), ...rest.map((slug) => ({ slug, confidence: left / rest.length }))].sort(
        (a, b) => b.confidence - a.confidence,
      );
    },
    explain: (_d, _a, slug) => `model: tokens '${slug}'`,
  };
}

/** A predictor that answers `top` (when the direction allows it) and spreads the rest evenly. */
function stub(top: Slug, confidence: number): SlugPredictor {
  return {
    version: 'stub-1',
    predict(_description: string, amountMinor: bigint | number): Suggestion[] {
      const allowed = allowedSlugs(Number(amountMinor));
      const first = allowed.includes(top) ? top : allowed[0]!;
      const rest = allowed.filter((s) => s !== first);
      return [{ slug: first, confidence }, ...rest.map((slug) => ({ slug, confidence: (1 - confidence) / rest.length }))];
    },
    explain: (_d, _a, slug) => `model: tokens '${slug}'`,
  };
}

describe('categorize', () => {
  it('answers from the dictionary first, with its reason', () => {
    const r = categorize({ description: 'NETFLIX.COM 866-579-7172 CA', amountMinor: -3990n }, stub('groceries', 0.8));
    expect(r).toMatchObject({ merchant: 'NETFLIX', slug: 'subscriptions', confidence: DICTIONARY_CONFIDENCE, source: 'DICTIONARY', modelVersion: 'stub-1' });
    expect(r.explanation).toBe('dictionary: NETFLIX is subscriptions');
    expect(r.suggestions[0]).toEqual({ slug: 'subscriptions', confidence: DICTIONARY_CONFIDENCE });
    expect(r.suggestions.reduce((s, x) => s + x.confidence, 0)).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('masks the dictionary by sign: money in from an expense merchant is a refund or a payout', () => {
    const refund = categorize({ description: 'UBER *TRIP', amountMinor: 2350n }, stub('salary', 0.9));
    expect(refund).toMatchObject({ slug: 'refunds', source: 'DICTIONARY' });
    expect(refund.explanation).toBe('dictionary: UBER is transport; money in from it is refunds');
    expect(categorize({ description: 'AIRBNB PAYOUT', amountMinor: 120000n }, stub('salary', 0.9)).slug).toBe('other_income');
    expect(categorize({ description: 'UBER *TRIP', amountMinor: -2350n }, stub('salary', 0.9)).slug).toBe('transport');
    // Pay from a company the dictionary knows as a shop is the employer's: the model decides.
    expect(categorize({ description: 'SASOL LTD SALARY', amountMinor: 2500000n }, stub('salary', 0.9))).toMatchObject({ slug: 'salary', source: 'MODEL' });
    // Gambling is allowed both ways: winnings stay gambling.
    expect(categorize({ description: 'BET365', amountMinor: 50000n }, stub('salary', 0.9)).slug).toBe('gambling');
  });

  it('falls back to the model, below the threshold offering suggestions only', () => {
    const sure = categorize({ description: 'PADARIA SAO JOAO', amountMinor: -1250n }, stub('groceries', 0.8));
    expect(sure).toMatchObject({ slug: 'groceries', confidence: 0.8, source: 'MODEL', explanation: "model: tokens 'groceries'" });
    const unsure = categorize({ description: 'XPTO COMERCIO', amountMinor: -1250n }, stub('shopping', 0.3));
    expect(unsure.slug).toBeNull();
    expect(unsure.suggestions.map((s) => s.slug)[0]).toBe('shopping');
    expect(unsure.suggestions).toHaveLength(3);
    expect(categorize({ description: 'XPTO COMERCIO', amountMinor: -1250n }, stub('shopping', 0.3), { threshold: 0.25 }).slug).toBe('shopping');
  });

  it('consults the memory before anything else, in the same direction only', () => {
    const memory = new MerchantMemory();
    memory.record('NETFLIX', 'out', 'entertainment');
    memory.record('NETFLIX', 'out', 'entertainment');
    const r = categorize({ description: 'NETFLIX.COM', amountMinor: -3990n, memory: memory.asLookup() }, stub('groceries', 0.8));
    expect(r).toMatchObject({ slug: 'entertainment', source: 'MEMORY', explanation: 'merchant NETFLIX seen 2 times as entertainment' });
    const back = categorize({ description: 'NETFLIX.COM', amountMinor: 3990n, memory: memory.asLookup() }, stub('groceries', 0.8));
    expect(back).toMatchObject({ slug: 'refunds', source: 'DICTIONARY' });
  });

  it('ignores a memory the sign forbids and passes a category id through', () => {
    const forbidden = categorize(
      { description: 'PADARIA SAO JOAO', amountMinor: 1000n, memory: () => ({ slug: 'groceries', count: 4 }) },
      stub('refunds', 0.7),
    );
    expect(forbidden).toMatchObject({ source: 'MODEL', slug: 'refunds' });
    const custom = categorize(
      { description: 'PADARIA SAO JOAO', amountMinor: -1000n, memory: (merchant) => (merchant === 'PADARIA SAO JOAO' ? { categoryId: 'cat-42', count: 1 } : null) },
      stub('groceries', 0.7),
    );
    expect(custom).toMatchObject({ source: 'MEMORY', slug: null, categoryId: 'cat-42' });
  });

  it("applies the model's calibrated threshold of the money's direction, unless the caller gives one", () => {
    const calibrated = (top: Slug, confidence: number): SlugPredictor => ({ ...stub(top, confidence), acceptAt: 0.5, acceptAtFor: (d) => (d === 'in' ? 0.8 : 0.3) });
    // Money out at 0.4: above money out's 0.3, though below the pooled 0.5.
    expect(categorize({ description: 'KOTA KING', amountMinor: -4500 }, calibrated('restaurants', 0.4)).slug).toBe('restaurants');
    // Money in at 0.7: below money in's 0.8; the suggestion stays.
    const income = categorize({ description: 'THABO NKOSI', amountMinor: 45000 }, calibrated('transfer', 0.7));
    expect(income.slug).toBeNull();
    expect(income.suggestions[0]).toEqual({ slug: 'transfer', confidence: 0.7 });
    expect(categorize({ description: 'KOTA KING', amountMinor: -4500 }, calibrated('restaurants', 0.4), { threshold: 0.5 }).slug).toBeNull();
  });

  it('runs end to end on the trained model', () => {
    const model = datasetModel();
    const r = categorize({ description: 'FARMACIA SAO JOAO', amountMinor: -4590n }, model);
    expect(r).toMatchObject({ merchant: 'FARMACIA SAO JOAO', slug: 'health', source: 'MODEL', modelVersion: model.version });
    expect(r.explanation).toMatch(/^model: tokens .*'farmacia'/);
    const income = categorize({ description: 'PIX RECEBIDO ACME TECNOLOGIA LTDA', amountMinor: 850000n }, model);
    expect(['salary', 'transfer', 'other_income']).toContain(income.suggestions[0]!.slug);
  }, 180_000);

  describe('learning from corrections', () => {
    /** A user's memory and priors after correcting these lines, as evaluate() and the service learn. */
    function taught(corrections: [string, number, Slug][]) {
      const memory = new MerchantMemory();
      const priors = new TokenPriors();
      for (const [description, amount, slug] of corrections) {
        const n = normalizeDescription(description);
        const direction = amount > 0 ? 'in' : 'out';
        if (n.merchant) memory.record(n.merchant, direction, slug);
        priors.record(direction, personalTokens(n), slug);
      }
      return { memory: memory.asLookup(), priors: (d: Parameters<TokenPriors['lookup']>[0], t: readonly string[]) => priors.lookup(d, t) };
    }

    it("carries a correction over to another branch of the merchant's chain, above a model that is not sure", () => {
      const user = taught([['POS Purchase MEGAMART Northgate * 24 Aug', -12000, 'groceries']]);
      const unsure = spread({ shopping: 0.3, restaurants: 0.2, groceries: 0.01 });
      const branch = categorize({ description: 'Card Purchase MEGAMART Eastside Sandton', amountMinor: -5000, ...user }, unsure);
      expect(branch).toMatchObject({ slug: 'groceries' });
      expect(branch.explanation).toContain('megamart');
      expect(categorize({ description: 'MEGAMART', amountMinor: -5000, ...user }, unsure).slug).toBe('groceries');
      // Without the correction the same model says shopping.
      expect(categorize({ description: 'Card Purchase MEGAMART Eastside Sandton', amountMinor: -5000 }, unsure).suggestions[0]!.slug).toBe('shopping');
    });

    it("judges an answer the corrections re-weighed by that source's own calibrated threshold, a cold one by the model's", () => {
      const user = taught([['#Monthly Account Fee', -6900, 'fees']]);
      const strict = (priors: number): SlugPredictor => ({ ...spread({ subscriptions: 0.35, fees: 0.25 }), acceptAt: 0.95, acceptAtFor: (_d, source) => (source === 'PRIORS' ? priors : 0.95) });
      const next = categorize({ description: 'SMS Notification Fee', amountMinor: -1500, ...user }, strict(0.45));
      expect(next).toMatchObject({ slug: 'fees', withPriors: true });
      expect(next.confidence).toBeLessThan(0.95);
      // The same blend where re-weighed answers are calibrated like the model's: left uncategorized.
      expect(categorize({ description: 'SMS Notification Fee', amountMinor: -1500, ...user }, strict(0.95)).slug).toBeNull();
      // A row the corrections say nothing about keeps the model's threshold.
      expect(categorize({ description: 'KOTA KING', amountMinor: -4500, ...user }, strict(0.45))).toMatchObject({ slug: null, withPriors: false });
    });

    it('lets a sure model keep its answer for an unrelated shop that only shares a first word', () => {
      const user = taught([['VIJAYA DRIVING SCHOOL', -30000, 'education']]);
      const sure = spread({ fuel: 0.85, education: 0.002 });
      expect(categorize({ description: 'VIJAYA GAS STATION', amountMinor: -4000, ...user }, sure).slug).toBe('fuel');
    });

    it('carries a correction over to the next line of the same kind through its words', () => {
      const user = taught([['#Monthly Account Fee', -6900, 'fees']]);
      const model = spread({ subscriptions: 0.35, fees: 0.25 });
      expect(categorize({ description: 'SMS Notification Fee', amountMinor: -1500 }, model).suggestions[0]!.slug).toBe('subscriptions');
      const next = categorize({ description: 'SMS Notification Fee', amountMinor: -1500, ...user }, model);
      expect(next.slug).toBe('fees');
      expect(next.explanation).toBe("your corrections: token 'fee' → fees");
    });

    it('leaves unrelated rows exactly as they were, channel words included', () => {
      const user = taught([
        ['POS Purchase MEGAMART Northgate * 24 Aug', -12000, 'groceries'],
        ['Rtc Express Pmt To Thabo Nkosi', -50000, 'gifts'],
      ]);
      for (const [description, amount] of [
        ['POS Purchase Engen Quickshop * 24 Aug', -80000],
        ['Rtc Express Pmt To Lerato Dlamini', -20000],
        ['NETFLIX.COM', -9900],
        ['KOTA KING', -4500],
      ] as const) {
        const alone = categorize({ description, amountMinor: amount }, stub('restaurants', 0.55));
        expect(categorize({ description, amountMinor: amount, ...user }, stub('restaurants', 0.55)), description).toEqual(alone);
      }
    });

    it('does not carry a correction over through a first word that names a place, not a chain', () => {
      // GARDEN R (a restaurant in the Garden Route) and GARDEN ROUTE THEATER share a region, not an owner.
      const user = taught([['Pos Purchase Ikhokha*Garden R * 18 Jan', -7200, 'restaurants']]);
      const unsure = spread({ entertainment: 0.65, restaurants: 0.1 });
      expect(categorize({ description: 'Card Purchase Garden Route Theater Hermanus', amountMinor: -11319, ...user }, unsure).slug).toBe('entertainment');
      const town = taught([['POS Purchase UMHLANGA ROCKS B * 28 FEB', -34329, 'restaurants']]);
      expect(categorize({ description: 'Umhlanga Rocks Hos Pretoria Za', amountMinor: -6299, ...town }, spread({ health: 0.6, restaurants: 0.1 })).slug).toBe('health');
    });

    it("does not let money out teach money in", () => {
      const user = taught([['MEGAMART NORTHGATE', -12000, 'groceries']]);
      expect(categorize({ description: 'MEGAMART EASTSIDE', amountMinor: 12000, ...user }, stub('refunds', 0.8)).slug).toBe('refunds');
    });
  });
});
