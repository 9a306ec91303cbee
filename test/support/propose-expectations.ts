import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import { caseKind, expectedOf, findingProblems, loadFixtureFiles, observe, pairUp, proposedExpectation, scanCase } from './rule-fixtures.js';

/**
 * `npm run fixtures:propose -- <rule id> [--case <text>] [--all]`: scans a rule's fixture cases and prints,
 * for each case whose expectation is missing or differs from what the code reports, the `findings` (and
 * `elsewhere`) block the current code would satisfy, with any problem the harness sees in those findings.
 * It only prints: a proposal is a draft to read (is the message about the right thing? is the evidence's
 * actual the value the resource holds? is the remediation written for this input kind?) before it is
 * pasted into fixtures/rules/<rule id>.yaml. Pasting output that shows a wrong behaviour freezes a bug.
 */
export function main(args: readonly string[], fixtureDir: string, print: (text: string) => void): number {
  const ruleId = args.find((arg) => !arg.startsWith('--') && args[args.indexOf(arg) - 1] !== '--case');
  const caseFilter = args.includes('--case') ? args[args.indexOf('--case') + 1] : undefined;
  const all = args.includes('--all');
  if (!ruleId) {
    print('usage: npm run fixtures:propose -- <rule id> [--case <part of a case name>] [--all]\n');
    return 2;
  }
  const file = loadFixtureFiles(fixtureDir).find((candidate) => candidate.rule.toLowerCase() === ruleId.toLowerCase());
  if (!file) {
    print(`no fixture file for ${ruleId} in ${fixtureDir}\n`);
    return 2;
  }
  let differ = 0;
  let shown = 0;
  for (const fixture of file.cases) {
    if (caseFilter && !fixture.name.includes(caseFilter)) continue;
    const { run, report, files } = scanCase(fixture);
    const observed = observe(file.rule, fixture, report);
    const expected = expectedOf(file, fixture);
    const matches =
      isDeepStrictEqual(pairUp(expected, observed.findings), expected) &&
      observed.findings.length === expected.length &&
      isDeepStrictEqual(observed.elsewhere, [...(fixture.elsewhere ?? [])].sort()) &&
      (!fixture.otherRules || isDeepStrictEqual(observed.otherRules, [...fixture.otherRules].sort()));
    if (!matches) differ++;
    if (matches && !all) continue;
    shown++;
    const state = matches ? 'matches the fixture' : fixture.findings || fixture.expect === 'pass' ? 'DIFFERS from the fixture' : 'no expectation yet';
    const lines = [`# ---- "${fixture.name}" (${caseKind(fixture)}, expects ${fixture.expect}): ${state}`];
    if (run.stderr) lines.push(`# stderr: ${run.stderr.trim()}`);
    const verdicts = [...new Set(observed.findings.map((finding) => finding.status))];
    if (fixture.expect === 'pass' ? verdicts.length > 0 : !verdicts.includes(fixture.expect)) lines.push(`# the rule reports ${verdicts.join(', ') || 'nothing'} on the target, not ${fixture.expect}`);
    for (const problem of observed.raw.flatMap((finding) => findingProblems(file.rule, fixture, finding, files, run.stdout))) lines.push(`# problem: ${problem}`);
    const proposal = proposedExpectation(file, fixture, observed);
    if (Object.keys(proposal).length) lines.push(stringify(proposal, { lineWidth: 0 }).trimEnd().replace(/^/gm, '    '));
    print(`${lines.join('\n')}\n\n`);
  }
  print(`# ${file.rule}: ${differ} case(s) differ from or lack an expectation; ${shown} shown. Nothing was written.\n`);
  return 0;
}
