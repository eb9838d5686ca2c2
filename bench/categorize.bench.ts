/**
 * Categorizer latency on one core (Node runs the loop on a single thread).
 *
 *   npx tsx bench/categorize.bench.ts
 *
 * Targets: p99 < 5 ms per prediction, >= 20,000 predictions/s.
 */
import { categorize } from '../subgraphs/ai/src/modules/categorize/categorizer.js';
import { loadDataset } from '../subgraphs/ai/src/modules/categorize/dataset.js';
import { CategorizerModel } from '../subgraphs/ai/src/modules/categorize/model.js';

const WARMUP = 2_000;
const RUNS = 40_000;

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

function measure(name: string, lines: readonly { description: string; amountMinor: number }[], fn: (d: string, a: number) => unknown): boolean {
  for (let i = 0; i < WARMUP; i++) {
    const l = lines[i % lines.length]!;
    fn(l.description, l.amountMinor);
  }
  const times = new Float64Array(RUNS);
  const started = process.hrtime.bigint();
  for (let i = 0; i < RUNS; i++) {
    const l = lines[i % lines.length]!;
    const t0 = process.hrtime.bigint();
    fn(l.description, l.amountMinor);
    times[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  times.sort();
  const p50 = percentile(times, 0.5);
  const p99 = percentile(times, 0.99);
  const perSecond = RUNS / (totalMs / 1000);
  const ok = p99 < 5 && perSecond >= 20_000;
  console.log(
    `${name.padEnd(26)} p50 ${(p50 * 1000).toFixed(1).padStart(6)} µs   p99 ${(p99 * 1000).toFixed(1).padStart(6)} µs   ` +
      `max ${(times[times.length - 1]! * 1000).toFixed(0).padStart(6)} µs   ${Math.round(perSecond).toLocaleString('en-US').padStart(8)} /s   ${ok ? 'OK' : 'BELOW TARGET'}`,
  );
  return ok;
}

const rows = loadDataset();
const lines = rows.filter((r) => r.split === 'test').map((r) => ({ description: r.description, amountMinor: r.amountMinor }));

const t0 = performance.now();
const model = CategorizerModel.fromDataset();
console.log(`trained ${model.version} on ${rows.length - lines.length} rows in ${Math.round(performance.now() - t0)} ms; ${lines.length} held-out lines, ${RUNS} calls each`);

const results = [
  measure('model.predict', lines, (d, a) => model.predict(d, a)),
  measure('categorize (cold)', lines, (d, a) => categorize({ description: d, amountMinor: a }, model)),
  measure('model.explain', lines, (d, a) => model.explain(d, a, 'groceries')),
];
if (!results[0] || !results[1]) process.exitCode = 1;
