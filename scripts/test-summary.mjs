// Prints the closing line of a test run, "N passed, N failed", from vitest's JSON report
// plus the lint and typecheck checks; exits 1 when anything failed or nothing ran.
import { existsSync, readFileSync } from 'node:fs';

const [file, checksPassed = '0', checksFailed = '0'] = process.argv.slice(2);
let passed = Number(checksPassed);
let failed = Number(checksFailed);
let ran = 0;
if (file && existsSync(file)) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  // A file that failed outside its tests (load error, failing hook, unhandled error) counts once.
  failed +=
    (report.numFailedTests ?? 0) +
    (report.testResults ?? []).filter((r) => r.status === 'failed' && !(r.assertionResults ?? []).some((a) => a.status === 'failed')).length;
  // Unhandled errors fail the run even when every test passed.
  if (report.success === false && failed === 0) failed += 1;
  ran = report.numTotalTests ?? 0;
} else {
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || ran === 0 ? 1 : 0);
