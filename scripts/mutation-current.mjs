// Is the committed mutation report a measurement of the code on disk? `node scripts/mutation-current.mjs [report]`
// prints each module of stryker.config.mjs whose mutants differ from the report's, and exits 1 if any does.
//
// Comparing a file's text with the report's `source` is not enough: an incremental run with --mutate naming
// other files rewrites `source` for every file in the report but keeps the old results of those it did not
// run, so code added since is in `source` with none of its mutants tested. This generates the mutants of
// each file as Stryker does (its own instrumenter, installed with @stryker-mutator/core at the same version)
// and compares them, by place, mutator and replacement, with the mutants the report recorded.
import { globSync, readFileSync } from 'node:fs';
import { Instrumenter } from '@stryker-mutator/instrumenter';
import config from '../stryker.config.mjs';

const report = JSON.parse(readFileSync(process.argv[2] ?? 'reports/mutation/mutation.json', 'utf8'));
const quiet = { isTraceEnabled: () => false, isDebugEnabled: () => false, isInfoEnabled: () => false, trace() {}, debug() {}, info() {}, warn() {}, error: console.error, fatal: console.error };
const instrumenter = new Instrumenter(quiet);
// The report's locations are 1-based, the instrumenter's 0-based.
const key = ({ start, end }, mutatorName, replacement, base) =>
  `${start.line + base}:${start.column + base}-${end.line + base}:${end.column + base} ${mutatorName} ${replacement}`;

const stale = [];
const files = [...new Set(config.mutate.flatMap((pattern) => globSync(pattern)))].sort();
for (const file of files) {
  const source = readFileSync(file, 'utf8');
  const { mutants } = await instrumenter.instrument([{ name: file, content: source, mutate: true }], { plugins: null, excludedMutations: [], ignorers: [], noHeader: false });
  const recorded = report.files[file];
  if (!recorded) {
    if (mutants.length > 0) stale.push(`${file}: not in the report (${mutants.length} mutants)`);
    continue;
  }
  const now = new Set(mutants.map((m) => key(m.location, m.mutatorName, m.replacement, 1)));
  const then = new Set(recorded.mutants.map((m) => key(m.location, m.mutatorName, m.replacement, 0)));
  const untested = [...now].filter((k) => !then.has(k)).length;
  const gone = [...then].filter((k) => !now.has(k)).length;
  if (untested || gone || recorded.source !== source) {
    stale.push(`${file}: ${untested} mutants of the current code not in the report, ${gone} in the report not in the code${recorded.source === source ? '' : ', source text differs'}`);
  }
}
for (const file of Object.keys(report.files)) if (!files.includes(file)) stale.push(`${file}: in the report, not in stryker.config.mjs's mutate list`);
if (stale.length) {
  console.log(`The report is not a measurement of the current code (measure those files again: npx stryker run --mutate '<files>'):\n${stale.map((line) => `  ${line}`).join('\n')}`);
  process.exit(1);
}
console.log(`The report's mutants are those of the current code in all ${files.length} modules.`);
