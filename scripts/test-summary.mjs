// Prints the closing lines over the vitest JSON reports: each failed test by name with the first
// lines of why it failed, then "N passed, N failed, N skipped".
import fs from 'node:fs';
import { stripVTControlCharacters } from 'node:util';

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const file of process.argv.slice(2)) {
  if (!fs.existsSync(file)) {
    console.error(`test-summary: ${file} is missing (that test run did not finish)`);
    failed++;
    continue;
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  for (const suite of report.testResults ?? []) {
    const file = String(suite.name ?? '').replace(`${process.cwd()}/`, '');
    for (const test of suite.assertionResults ?? []) {
      if (test.status === 'failed')
        failures.push(`${file} > ${test.fullName ?? test.title}${why(test.failureMessages)}`);
    }
    if ((suite.assertionResults ?? []).length === 0 && suite.status === 'failed')
      failures.push(`${file} (did not run: ${String(suite.message ?? '').split('\n')[0]})`);
  }
  if (report.numTotalTests === 0) {
    console.error(`test-summary: ${file} ran no test`);
    failed++;
  }
}
/** The first lines of a failure's message, indented under its name: a CI log keeps only its tail. */
function why(messages) {
  const text = stripVTControlCharacters((messages ?? []).join('\n'));
  const lines = text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '' && !/^\s+at /.test(line))
    .slice(0, 8)
    .map((line) => `\n    ${line.length > 300 ? `${line.slice(0, 300)}…` : line}`);
  return lines.join('');
}

// The failures are named last, next to the count, where a CI log that keeps only its tail shows them.
for (const failure of failures) console.log(`FAILED ${failure}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
