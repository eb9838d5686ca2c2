import { describe, expect, it } from 'vitest';
import type { LabelledRow } from './dataset.js';
import { acceptanceThreshold, acceptanceThresholds, CategorizerModel, merchantWeights } from './model.js';
import { isAllowed, slugKind, SLUGS, type Slug } from './slugs.js';

const row = (description: string, amountMinor: number, slug: Slug): LabelledRow => ({ description, amountMinor, slug, date: '2024-01-01', split: 'train', country: 'BR' });

const TINY: LabelledRow[] = [
  row('FARMACIA SAO JOAO', -4500, 'health'),
  row('FARMACIA POPULAR', -2300, 'health'),
  row('DROGARIA BOA VISTA', -8900, 'health'),
  row('PADARIA SAO JOAO', -1200, 'groceries'),
  row('SUPERMERCADO POPULAR', -25000, 'groceries'),
  row('MERCADO BOA VISTA', -9900, 'groceries'),
  row('SALARIO ACME TECNOLOGIA', 800000, 'salary'),
  row('PIX RECEBIDO MARIA SILVA', 15000, 'transfer'),
];

describe('CategorizerModel', () => {
  const model = CategorizerModel.fromDataset();

  it('trains from the dataset once per process, within the start-up budget', () => {
    const started = performance.now();
    const again = CategorizerModel.train(TINY, { validationShare: 0 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(again).toBeInstanceOf(CategorizerModel);
    expect(CategorizerModel.fromDataset()).toBe(model);
  });

  it('returns every allowed slug, sorted, with confidences summing to 1', () => {
    const out = model.predict('FARMACIA SAO JOAO', -4590);
    expect(out.length).toBe(SLUGS.filter((s) => isAllowed(s, -1)).length);
    for (let i = 1; i < out.length; i++) expect(out[i - 1]!.confidence).toBeGreaterThanOrEqual(out[i]!.confidence);
    expect(out.reduce((s, x) => s + x.confidence, 0)).toBeCloseTo(1, 9);
    expect(out[0]!.slug).toBe('health');
  });

  it('never answers an expense for money in, nor income for money out', () => {
    const lines = ['UBER *TRIP', 'FARMACIA SAO JOAO', 'SALARIO ACME LTDA', 'RENDIMENTO POUPANCA', 'ESTORNO COMPRA NETFLIX', 'BET365', 'XPTO'];
    for (const d of lines) {
      for (const s of model.predict(d, 5000)) expect(slugKind(s.slug) !== 'EXPENSE' || s.slug === 'gambling').toBe(true);
      for (const s of model.predict(d, -5000)) expect(slugKind(s.slug)).not.toBe('INCOME');
    }
    expect(model.predict('XPTO', 0).length).toBe(SLUGS.length);
  });

  it('accepts bigint and number amounts alike', () => {
    expect(model.predict('POSTO IPIRANGA', -20000n)).toEqual(model.predict('POSTO IPIRANGA', -20000));
  });

  it('is deterministic, versioned by its training data, and calibrated on held-out training merchants', () => {
    const a = CategorizerModel.train(TINY, { validationShare: 0 });
    const b = CategorizerModel.train(TINY, { validationShare: 0 });
    expect(a.version).toMatch(/^lr-[0-9a-f]{8}$/);
    expect(a.version).toBe(b.version);
    expect(a.predict('FARMACIA BOA VISTA', -1000)).toEqual(b.predict('FARMACIA BOA VISTA', -1000));
    expect(CategorizerModel.train(TINY.slice(1), { validationShare: 0 }).version).not.toBe(a.version);
    expect(a.temperature).toBe(1);
    expect(model.temperature).toBeGreaterThan(0.2);
    expect(model.temperature).toBeLessThan(10);
    expect(model.temperature).not.toBe(1);
  });

  it('learns category words from a handful of rows', () => {
    const tiny = CategorizerModel.train(TINY, { validationShare: 0 });
    expect(tiny.predict('FARMACIA CENTRAL', -3000)[0]!.slug).toBe('health');
    expect(tiny.predict('SUPERMERCADO CENTRAL', -3000)[0]!.slug).toBe('groceries');
    expect(tiny.predict('PIX RECEBIDO JOAO COSTA', 3000)[0]!.slug).toBe('transfer');
  });

  it('explains with the tokens that pushed towards the slug', () => {
    expect(model.explain('FARMACIA SAO JOAO', -4590, 'health')).toMatch(/^model: tokens '.*farmacia/);
    expect(model.explain('PAG*PadariaSaoJoao', -1250, 'groceries')).toMatch(/^model: tokens '.*padariasaojoao/);
    expect(model.explain('', 1000, 'transfer')).toMatch(/^model: /);
  });
});

describe('acceptanceThreshold (expected cost: leave a row empty only where the top slug is more often wrong than right)', () => {
  const points = (spec: [number, number, number][]) =>
    spec.flatMap(([confidence, right, wrong]) => [
      ...Array.from({ length: right }, () => ({ confidence, correct: true })),
      ...Array.from({ length: wrong }, () => ({ confidence, correct: false })),
    ]);

  it('crosses one half between the last band below and the first band above', () => {
    // 0.2: 1 in 5 right; 0.3: 2 in 5; 0.4: 3 in 5; above: mostly right. Half is reached halfway from 0.3 to 0.4.
    expect(acceptanceThreshold(points([[0.2, 1, 4], [0.3, 2, 3], [0.4, 3, 2], [0.6, 8, 2], [0.9, 19, 1]]))).toBeCloseTo(0.35);
  });

  it('pools bands that are out of order, so one lucky low band does not open the gate', () => {
    // 0.1 is 2 in 3 right, but pooled with 0.2 (0 in 5) it is 2 in 8 at mean confidence 0.1625.
    const t = acceptanceThreshold(points([[0.1, 2, 1], [0.2, 0, 5], [0.4, 6, 4], [0.8, 9, 1]]));
    expect(t).toBeCloseTo(0.1625 + ((0.5 - 0.25) / (0.6 - 0.25)) * (0.4 - 0.1625));
    expect(t).toBeGreaterThan(0.3);
  });

  it('answers everything when even the least confident band is mostly right, nothing when none is', () => {
    expect(acceptanceThreshold(points([[0.15, 3, 1], [0.5, 9, 1]]))).toBe(0.15);
    expect(acceptanceThreshold(points([[0.3, 1, 3], [0.9, 1, 3]]))).toBe(1);
    expect(acceptanceThreshold([])).toBe(0.5);
  });

  it('is fitted on held-out merchants and travels with the model', () => {
    const model = CategorizerModel.train(TINY, { epochs: 4 });
    expect(model.acceptAt).toBeGreaterThanOrEqual(0);
    expect(model.acceptAt).toBeLessThanOrEqual(1);
    expect(CategorizerModel.fromParts(model.toParts()).acceptAt).toBe(model.acceptAt);
  });

  it('counts each held-out merchant once: one merchant repeated 16 times wrong does not close a band that other merchants show mostly right', () => {
    // Band 0.7: four merchants right once each, one merchant wrong 16 times.
    const merchants = ['A', 'B', 'C', 'D', ...Array.from({ length: 16 }, () => 'PAYONEER'), 'E', 'F', 'G'];
    const correct = [true, true, true, true, ...Array.from({ length: 16 }, () => false), false, false, false];
    const confidence = [0.7, 0.7, 0.7, 0.7, ...Array.from({ length: 16 }, () => 0.7), 0.2, 0.2, 0.2];
    const weights = merchantWeights(merchants);
    expect(weights.slice(4, 20).reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    const points = merchants.map((_, i) => ({ confidence: confidence[i]!, correct: correct[i]! }));
    expect(acceptanceThreshold(points)).toBe(1);
    // Weighted: band 0.7 is 4 of 5 merchants right.
    expect(acceptanceThreshold(points.map((p, i) => ({ ...p, weight: weights[i] })))).toBeLessThan(0.7);
  });

  it('calibrates money in and money out apart when each has enough held-out merchants, else shares the pooled threshold', () => {
    const band = (dir: 'in' | 'out', confidence: number, right: number, wrong: number) => [
      ...Array.from({ length: right }, () => ({ confidence, correct: true, dir })),
      ...Array.from({ length: wrong }, () => ({ confidence, correct: false, dir })),
    ];
    // Money out is mostly right from 0.4; money in is mostly wrong until 0.8.
    const points = [...band('out', 0.3, 40, 60), ...band('out', 0.4, 70, 30), ...band('out', 0.9, 95, 5), ...band('in', 0.5, 30, 70), ...band('in', 0.7, 40, 60), ...band('in', 0.8, 90, 10)];
    const { acceptAt, byDirection } = acceptanceThresholds(points);
    expect(byDirection.out).toBeLessThan(0.4);
    expect(byDirection.in).toBeGreaterThan(0.7);
    expect(acceptAt).toBeGreaterThan(byDirection.out!);
    const few = acceptanceThresholds([...band('out', 0.3, 40, 60), ...band('out', 0.4, 70, 30), ...band('out', 0.9, 95, 5), ...band('in', 0.5, 3, 7)]);
    expect(few.byDirection.in).toBeUndefined();

    const model = CategorizerModel.fromParts({ ...CategorizerModel.train(TINY, { epochs: 2 }).toParts(), acceptAt: 0.5, acceptAtByDirection: { in: 0.7 } });
    expect(model.acceptAtFor('in')).toBe(0.7);
    expect(model.acceptAtFor('out')).toBe(0.5);
    expect(CategorizerModel.fromParts(model.toParts()).acceptAtFor('in')).toBe(0.7);
  });

  it("keeps a threshold of answers the user's corrections re-weighed apart, and falls back to the direction's without one", () => {
    const parts = { ...CategorizerModel.train(TINY, { epochs: 2 }).toParts(), acceptAt: 0.5, acceptAtByDirection: { out: 0.43 } };
    const model = CategorizerModel.fromParts({ ...parts, acceptAtWithPriors: 0.34 });
    expect(model.acceptAtFor('out', 'PRIORS')).toBe(0.34);
    expect(model.acceptAtFor('out')).toBe(0.43);
    expect(CategorizerModel.fromParts(model.toParts()).acceptAtFor('in', 'PRIORS')).toBe(0.34);
    expect(CategorizerModel.fromParts(parts).acceptAtFor('out', 'PRIORS')).toBe(0.43);
  });
});
