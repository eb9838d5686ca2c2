/**
 * Prints the categorizer's scores on the held-out merchants, per country and per mode.
 *
 *   pnpm eval:categorize [--details] [--confusions N] [--country-out]
 *
 * --country-out also trains one model per country without any of that country's rows (train or
 * test) and scores its held-out rows cold: how the model does on a country's banks it has never
 * read, as it meets real statements that differ from the generated ones.
 * cold: every row alone (suggestCategories' top-1). prequential: each country's rows as one user's
 * history in date order, the user correcting every miss; a row left uncategorized counts as a miss.
 * Both are also shown on the other's basis ("answered" for cold, "top-1" with corrections): cold
 * top-1 against answered-with-corrections mixes what the corrections did with the rows the
 * threshold leaves uncategorized, whose right top suggestion only the first counts.
 * The replay of the same through a running system is `pnpm eval:categorize:replay` (replay-cli.ts).
 */
import { loadDataset, type LabelledRow } from './dataset.js';
import { evaluate, type EvalResult } from './evaluate.js';
import { CategorizerModel } from './model.js';

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function details(r: EvalResult, confusions: number): void {
  console.log(`\n== ${r.mode} (${r.rows} held-out rows, model ${r.modelVersion})`);
  console.log(`top-1 accuracy ${pct(r.accuracy)}   answered right ${pct(r.answeredAccuracy)}   macro-F1 ${r.macroF1.toFixed(4)}`);
  const sources = Object.entries(r.bySource)
    .filter(([, s]) => s.rows > 0)
    .map(([name, s]) => `${name} ${s.rows} rows ${pct(s.correct / s.rows)}`);
  console.log(`by source: ${sources.join(' | ')}`);
  console.log(`answered at threshold: ${r.accepted.rows} rows (${pct(r.accepted.rows / r.rows)}), precision ${pct(r.accepted.correct / Math.max(1, r.accepted.rows))}`);
  if (r.afterFirstCorrection) {
    const a = r.afterFirstCorrection;
    console.log(`after a merchant's first correction: ${a.correct}/${a.rows} = ${pct(a.accuracy)}`);
  }
  console.log('per slug (support, accuracy, F1):');
  const cells = r.perSlug.map((s) => `${s.slug.padEnd(17)} ${String(s.support).padStart(4)} ${pct(s.accuracy).padStart(7)} ${s.f1.toFixed(3)}`);
  for (let i = 0; i < cells.length; i += 3) console.log(`  ${cells.slice(i, i + 3).join('   ')}`);
  console.log(`top confusions (truth -> predicted): ${r.confusions.slice(0, confusions).map((c) => `${c.truth}->${c.predicted} ${c.count}`).join(', ') || 'none'}`);
}

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const confusions = Number(arg('--confusions') ?? 10);

const started = performance.now();
const model = CategorizerModel.fromDataset();
const trainMs = Math.round(performance.now() - started);
const train = loadDataset().filter((r) => r.split === 'train').length;
console.log(
  `trained ${model.version} on ${train} rows in ${trainMs} ms (temperature ${model.temperature.toFixed(3)}, ` +
    `calibrated threshold ${model.acceptAt.toFixed(3)}: money in ${model.acceptAtFor('in').toFixed(3)}, out ${model.acceptAtFor('out').toFixed(3)}, re-weighed by corrections ${model.acceptAtWithPriors?.toFixed(3) ?? 'as its direction'}; weights ${(model.toParts().w.byteLength / 2 ** 20).toFixed(1)} MiB)`,
);

const test = loadDataset().filter((r) => r.split === 'test');
const byCountry = new Map<string, LabelledRow[]>();
for (const r of test) byCountry.set(r.country || '??', [...(byCountry.get(r.country || '??') ?? []), r]);

console.log('\ncountry   rows   cold top-1  (uncat.)  answered   with corrections  (uncat.)  top-1   after 1st correction   made worse');
const line = (name: string, cold: EvalResult, preq: EvalResult): void => {
  const after = preq.afterFirstCorrection;
  console.log(
    `${name.padEnd(7)} ${String(cold.rows).padStart(6)}   ${pct(cold.accuracy).padStart(9)}  (${pct(cold.uncategorizedShare).padStart(5)})  ${pct(cold.answeredAccuracy).padStart(8)}   ` +
      `${pct(preq.answeredAccuracy).padStart(15)}  (${pct(preq.uncategorizedShare).padStart(5)})  ${pct(preq.accuracy).padStart(6)}   ${(after ? `${after.correct}/${after.rows}` : '-').padEnd(20)}   ${preq.worseThanCold ?? '-'}`,
  );
};
let rows = 0;
let coldRight = 0;
let preqRight = 0;
const left = { MODEL: { rows: 0, topRight: 0 }, PRIORS: { rows: 0, topRight: 0 } };
for (const [country, rs] of [...byCountry].sort()) {
  const cold = evaluate('cold', { model, rows: rs });
  // One user per country: a person's statements come from one country's banks.
  const preq = evaluate('prequential', { model, rows: rs });
  line(country, cold, preq);
  rows += rs.length;
  coldRight += cold.correct;
  preqRight += preq.answeredAccuracy * rs.length;
  for (const source of ['MODEL', 'PRIORS'] as const) {
    left[source].rows += preq.uncategorized[source].rows;
    left[source].topRight += preq.uncategorized[source].topRight;
  }
}
console.log(`${'all'.padEnd(7)} ${String(rows).padStart(6)}   ${pct(coldRight / rows).padStart(9)}              ${pct(preqRight / rows).padStart(15)}`);
const leftLine = (name: string, l: { rows: number; topRight: number }): string => `${name} ${l.rows} rows, top right in ${l.topRight}${l.rows ? ` (${pct(l.topRight / l.rows)})` : ''}`;
console.log(`left uncategorized with corrections (the threshold rule wants under half right): ${leftLine('model alone', left.MODEL)}; ${leftLine('re-weighed by corrections', left.PRIORS)}`);

if (process.argv.includes('--details')) {
  details(evaluate('cold', { model, rows: test }), confusions);
  details(evaluate('prequential', { model, rows: test }), confusions);
}

if (process.argv.includes('--country-out')) {
  console.log('\nleave one country out (trained without any of its rows; cold top-1 on its held-out rows)');
  const all = loadDataset();
  for (const country of [...byCountry.keys()].sort()) {
    const t0 = performance.now();
    const without = CategorizerModel.train(all.filter((r) => r.split === 'train' && r.country !== country));
    const cold = evaluate('cold', { model: without, rows: byCountry.get(country) ?? [] });
    const within = evaluate('cold', { model, rows: byCountry.get(country) ?? [] });
    console.log(
      `${country.padEnd(7)} ${pct(cold.accuracy).padStart(7)}  (uncat. ${pct(cold.uncategorizedShare)}; with the country in training ${pct(within.accuracy)}; trained in ${Math.round(performance.now() - t0)} ms)`,
    );
  }
}
