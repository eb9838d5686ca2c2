// Prints the closing line of a test run, "N passed, N failed", from vitest's JSON reports
// (the root suite's, then any others, e.g. the web app's component tests) plus the lint and
// typecheck checks; exits 1 when anything failed or nothing ran.
import { existsSync, readFileSync } from 'node:fs';

const [file, checksPassed = '0', checksFailed = '0', ...moreFiles] = process.argv.slice(2);
let passed = Number(checksPassed);
let failed = Number(checksFailed);
let ran = 0;
for (const report of [file, ...moreFiles]) {
  if (!report || !existsSync(report)) {
    failed += 1;
    continue;
  }
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed += result.numPassedTests ?? 0;
  // A file that failed outside its tests (load error, failing hook, unhandled error) counts once.
  const failedHere =
    (result.numFailedTests ?? 0) +
    (result.testResults ?? []).filter((r) => r.status === 'failed' && !(r.assertionResults ?? []).some((a) => a.status === 'failed')).length;
  failed += failedHere;
  // Unhandled errors fail the run even when every test passed.
  if (result.success === false && failedHere === 0) failed += 1;
  ran += result.numTotalTests ?? 0;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || ran === 0 ? 1 : 0);
