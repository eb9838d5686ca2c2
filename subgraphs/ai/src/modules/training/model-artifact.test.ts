import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabelledRow } from '../categorize/dataset.js';
import { CategorizerModel } from '../categorize/model.js';
import type { Slug } from '../categorize/slugs.js';
import { artifactName, decodeModel, encodeModel, ModelStore } from './model-artifact.js';

const row = (description: string, amountMinor: number, slug: Slug): LabelledRow => ({ description, amountMinor, slug, date: '2024-01-01', split: 'train', country: 'BR' });
const ROWS = [
  row('FARMACIA SAO JOAO', -4500, 'health'),
  row('DROGARIA BOA VISTA', -8900, 'health'),
  row('SUPERMERCADO POPULAR', -25000, 'groceries'),
  row('MERCADO BOA VISTA', -9900, 'groceries'),
  row('SALARIO ACME TECNOLOGIA', 800000, 'salary'),
  row('PIX RECEBIDO MARIA SILVA', 15000, 'transfer'),
];
const LINES: [string, number][] = [
  ['FARMACIA POPULAR', -2300],
  ['MERCADO SAO JOAO', -1200],
  ['SALARIO ACME', 500000],
  ['UNKNOWN THING', -100],
];

describe('model files', () => {
  const model = CategorizerModel.train(ROWS);
  const dir = mkdtempSync(path.join(tmpdir(), 'centavo-models-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('load as the very model that was written: same version, threshold and predictions', () => {
    const loaded = decodeModel(encodeModel(model));
    expect(loaded.version).toBe(model.version);
    expect(loaded.acceptAt).toBe(model.acceptAt);
    expect(loaded.acceptAtFor('in')).toBe(model.acceptAtFor('in'));
    const calibrated = CategorizerModel.fromParts({ ...model.toParts(), acceptAtByDirection: { in: 0.62, out: 0.41 } });
    expect(decodeModel(encodeModel(calibrated)).acceptAtByDirection).toEqual({ in: 0.62, out: 0.41 });
    const withPriors = CategorizerModel.fromParts({ ...model.toParts(), acceptAtWithPriors: 0.34 });
    expect(decodeModel(encodeModel(withPriors)).acceptAtFor('out', 'PRIORS')).toBe(0.34);
    expect(loaded.temperature).toBe(model.temperature);
    for (const [description, amount] of LINES) {
      expect(loaded.predict(description, amount)).toEqual(model.predict(description, amount));
      expect(loaded.explain(description, amount, 'health')).toBe(model.explain(description, amount, 'health'));
    }
  });

  it('load alike from bytes at any offset of a shared buffer (a copy) and from a file of their own (a view)', () => {
    const bytes = encodeModel(model);
    const shared = Buffer.alloc(bytes.length + 3);
    bytes.copy(shared, 3);
    const file = path.join(dir, 'loose.model');
    writeFileSync(file, bytes);
    const fromFile = readFileSync(file);
    rmSync(file);
    const weights = (m: CategorizerModel) => Buffer.from(m.toParts().w.buffer, m.toParts().w.byteOffset, m.toParts().w.byteLength);
    for (const loaded of [decodeModel(shared.subarray(3)), decodeModel(fromFile)]) {
      expect(weights(loaded).equals(weights(model))).toBe(true);
      for (const [description, amount] of LINES) expect(loaded.predict(description, amount)).toEqual(model.predict(description, amount));
    }
  });

  it('are refused when written by other code or data, or cut short', () => {
    const bytes = encodeModel(model);
    const forged = Buffer.from(bytes.toString('latin1').replace(/"fingerprint":"[0-9a-f]+"/, '"fingerprint":"0000000000000000"'), 'latin1');
    expect(() => decodeModel(forged)).toThrow(/other code or data/);
    expect(() => decodeModel(bytes.subarray(0, bytes.length - 4))).toThrow(/truncated/);
    expect(() => decodeModel(Buffer.from('not a model'))).toThrow(/not a model file/);
  });

  it('are stored per version, atomically, and a bad file reads as none', () => {
    const store = new ModelStore(dir);
    expect(store.read(model.version)).toBeNull();
    store.write(model.version, model);
    store.write(null, model);
    expect(readdirSync(dir).sort()).toEqual([artifactName(null), artifactName(model.version)].sort());
    expect(artifactName(null)).toMatch(/^dataset-[0-9a-f]{16}\.model$/);
    expect(store.read(model.version)?.predict('FARMACIA POPULAR', -2300)).toEqual(model.predict('FARMACIA POPULAR', -2300));
    const file = path.join(dir, artifactName(model.version));
    writeFileSync(file, readFileSync(file).subarray(0, 100));
    expect(new ModelStore(dir).read(model.version)).toBeNull();
  });
});

describe('a model directory', () => {
  it('keeps the newest four files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'centavo-models-'));
    try {
      const store = new ModelStore(dir);
      const models = ['A', 'B', 'C', 'D', 'E'].map((name) => CategorizerModel.train([row(`SHOP ${name}`, -100, 'shopping'), ...ROWS.slice(0, 2)], { validationShare: 0 }));
      for (const m of models) store.write(m.version, m);
      expect(readdirSync(dir)).toHaveLength(4);
      expect(store.read(models[4]!.version)?.version).toBe(models[4]!.version);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
