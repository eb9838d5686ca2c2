import { describe, expect, it } from 'vitest';
import { blendWithPriors, chainToken, explainPriors, priorTokens, userPrior } from './user-priors.js';

const model = [
  { categoryId: 'groceries', confidence: 0.8 },
  { categoryId: 'restaurants', confidence: 0.15 },
];

describe('priorTokens', () => {
  it('keeps distinct words of three letters or more, without digits or stop words', () => {
    expect(priorTokens(['pix', 'enviado', 'padaria', 'do', 'ze', 'padaria', 'loja42', '2024', 'flamboyant'])).toEqual(['padaria', 'flamboyant']);
  });

  it('leaves out surnames and places that businesses of many kinds share, so one correction cannot drag them along', () => {
    // SANTA (Santa Luzia, Santa Cruz), GRAHAM and SEA POINT name shops of every kind in the training data.
    expect(priorTokens(['padaria', 'santa', 'graham', 'sea', 'point'])).toEqual(['padaria']);
    expect(chainToken('GRAHAM AQUATICS')).toBeNull();
    expect(chainToken('MEGAMART EASTSIDE')).toBe('^megamart');
    // A town first (UMHLANGA ROCKS B, a restaurant; UMHLANGA ROCKS HOS, a hospital) names no chain.
    expect(chainToken('UMHLANGA ROCKS HOS')).toBeNull();
    expect(chainToken('CAPE TOWN FISH MARKET')).toBeNull();
    // GARDEN is mostly a garden centre's word, but starts training merchants of every kind (GARDEN ROUTE ...).
    expect(chainToken('GARDEN ROUTE THEATER')).toBeNull();
  });
});

describe('userPrior', () => {
  it("averages each word's own distribution and reports the best-supported word's evidence", () => {
    const { p, n } = userPrior([
      { token: 'padaria', categoryId: 'gifts', count: 3 },
      { token: 'padaria', categoryId: 'groceries', count: 1 },
      { token: 'santa', categoryId: 'gifts', count: 1 },
    ]);
    expect(n).toBe(4);
    expect(p.get('gifts')).toBeCloseTo((3 / 4 + 1) / 2);
    expect(p.get('groceries')).toBeCloseTo(1 / 8);
  });
});

describe('blendWithPriors', () => {
  it('leaves the model alone when the user taught nothing about these words', () => {
    const r = blendWithPriors(model, []);
    expect(r.weight).toBe(0);
    expect(r.ranked).toEqual(model);
  });

  it("lets one correction put the user's category (even a custom one) first, with the words as evidence", () => {
    const r = blendWithPriors(model, [{ token: 'padaria', categoryId: 'my-custom', count: 1 }]);
    expect(r.weight).toBeCloseTo(0.5);
    expect(r.ranked[0]).toEqual({ categoryId: 'my-custom', confidence: 0.5 });
    expect(r.ranked[1]!.confidence).toBeCloseTo(0.4);
    expect(r.evidence.get('my-custom')).toEqual(['padaria']);
  });

  it('needs more evidence when the model is given more weight', () => {
    const counts = [{ token: 'padaria', categoryId: 'gifts', count: 1 }];
    expect(blendWithPriors(model, counts, { strength: 3 }).ranked[0]!.categoryId).toBe('groceries');
    const more = [{ token: 'padaria', categoryId: 'gifts', count: 6 }];
    expect(blendWithPriors(model, more, { strength: 3 }).ranked[0]!.categoryId).toBe('gifts');
  });

  it('keeps the sign masking: categories the direction forbids are dropped from both sides', () => {
    const allowed = (id: string) => id !== 'salary';
    const r = blendWithPriors(model, [{ token: 'padaria', categoryId: 'salary', count: 5 }], { allowed });
    expect(r.weight).toBe(0);
    expect(r.ranked.map((s) => s.categoryId)).not.toContain('salary');
  });

  it('stays a (sub-)distribution', () => {
    const r = blendWithPriors(model, [
      { token: 'padaria', categoryId: 'gifts', count: 2 },
      { token: 'padaria', categoryId: 'groceries', count: 1 },
    ]);
    expect(r.ranked.reduce((a, s) => a + s.confidence, 0)).toBeLessThanOrEqual(1 + 1e-9);
  });
});

describe('explainPriors', () => {
  it('names the words and the category', () => {
    expect(explainPriors(['padaria'], 'gifts')).toBe("your corrections: token 'padaria' → gifts");
    expect(explainPriors(['padaria', 'santa'], 'your category')).toBe("your corrections: tokens 'padaria', 'santa' → your category");
  });
});
