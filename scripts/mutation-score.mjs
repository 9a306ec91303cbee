// The mutation score per module and overall from a StrykerJS JSON report (mutation-testing-report schema),
// as Stryker counts it: detected (killed or timed out) over detected plus undetected (survived or no
// coverage); compile errors and ignored mutants do not count. `node scripts/mutation-score.mjs [report]`.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'reports/mutation/mutation.json';
const report = JSON.parse(readFileSync(file, 'utf8'));
const total = { killed: 0, timeout: 0, survived: 0, noCoverage: 0 };
const rows = [];
for (const [name, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const count = { killed: 0, timeout: 0, survived: 0, noCoverage: 0 };
  for (const { status } of mutants) {
    if (status === 'Killed') count.killed++;
    else if (status === 'Timeout') count.timeout++;
    else if (status === 'Survived') count.survived++;
    else if (status === 'NoCoverage') count.noCoverage++;
  }
  for (const key of Object.keys(total)) total[key] += count[key];
  rows.push([name, count]);
}
const score = ({ killed, timeout, survived, noCoverage }) => {
  const detected = killed + timeout;
  const valid = detected + survived + noCoverage;
  return valid ? ((detected / valid) * 100).toFixed(2) : 'n/a';
};
console.log('| Module | Mutants | Killed | Timeout | Survived | No coverage | Score |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [name, c] of rows) console.log(`| ${name} | ${c.killed + c.timeout + c.survived + c.noCoverage} | ${c.killed} | ${c.timeout} | ${c.survived} | ${c.noCoverage} | ${score(c)}% |`);
const t = total;
console.log(`| **all** | ${t.killed + t.timeout + t.survived + t.noCoverage} | ${t.killed} | ${t.timeout} | ${t.survived} | ${t.noCoverage} | **${score(t)}%** |`);
