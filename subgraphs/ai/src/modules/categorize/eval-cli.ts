/**
 * Prints the categorizer's scores on the held-out merchants.
 *
 *   npx tsx subgraphs/ai/src/modules/categorize/eval-cli.ts [--confusions N]
 */
import { evaluate, type EvalResult } from './evaluate.js';
import { CategorizerModel } from './model.js';

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

function print(r: EvalResult, confusions: number): void {
  console.log(`\n== ${r.mode} (${r.rows} held-out rows, model ${r.modelVersion})`);
  console.log(`top-1 accuracy ${pct(r.accuracy)}   macro-F1 ${r.macroF1.toFixed(4)}`);
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

const arg = process.argv.indexOf('--confusions');
const confusions = arg > 0 ? Number(process.argv[arg + 1] ?? 12) : 12;
const started = performance.now();
const model = CategorizerModel.fromDataset();
console.log(`trained ${model.version} in ${Math.round(performance.now() - started)} ms (temperature ${model.temperature.toFixed(3)})`);
print(evaluate('cold', { model }), confusions);
print(evaluate('prequential', { model }), confusions);
