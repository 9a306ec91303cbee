import { errorText, type ScanReport } from '../report/scan-report.js';
import { configurationLine, resolveGate, type FailOn } from '../report/configuration.js';
import { gateFailures } from '../report/fail-gate.js';
import { SEVERITY_ORDER, type Finding } from '../findings/finding.js';
import { terminalText } from './terminal-text.js';
import { xmlAttr, xmlText } from './xml-text.js';
import { unreadLines } from './summary.js';

/** One line of input text as an attribute: its own line breaks and controls shown as escapes, like the table. */
const attr = (text: string): string => xmlAttr(terminalText(text));

/** What the configuration changed, as properties every suite carries (Azure DevOps shows a run's suites apart). */
function configurationProperties(report: ScanReport): string {
  const { configuration } = report;
  const line = configurationLine(configuration);
  if (!line && !configuration.file) return '';
  const gate = configuration.gate;
  const properties: Array<[string, string]> = [
    ...(configuration.file ? [['file', configuration.file] as [string, string]] : []),
    ['rulesDisabled', configuration.rulesDisabled.join(',')],
    ['severities', configuration.severities.map(({ rule, from, to }) => `${rule} ${from}->${to}`).join(',')],
    ['parameters', configuration.parameters.map(({ rule, name }) => `${rule} ${name}`).join(',')],
    ['suppressions', String(configuration.suppressions)],
    ...(configuration.failOn !== undefined ? [['failOn', configuration.failOn] as [string, string]] : []),
    ...(configuration.failOnUnknown !== undefined ? [['failOnUnknown', String(configuration.failOnUnknown)] as [string, string]] : []),
    ...(configuration.rulesNotRun?.length ? [['rulesNotRun', configuration.rulesNotRun.flatMap(({ rules }) => rules).join(',')] as [string, string]] : []),
    ...(line ? [['changes', line] as [string, string]] : []),
    ...(gate ? [['gate', `fail on ${gate.failOn}${gate.failOnUnknown ? ' and unknown' : ''}`] as [string, string]] : []),
  ];
  return `    <properties>\n${properties.map(([name, value]) => `      <property name="azfence.configuration.${name}" value="${attr(value)}"/>`).join('\n')}\n    </properties>\n`;
}

/** Seconds, as JUnit writes them. */
const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** How a finding shows in the test tab: a failure only when it fails the gate; anything else is skipped, with why. */
function outcome(finding: Finding, failing: ReadonlySet<Finding>, gate: { failOn: FailOn; failOnUnknown: boolean }): { failed: true } | { failed: false; why: string } {
  if (failing.has(finding)) return { failed: true };
  if (finding.suppression) return { failed: false, why: `suppressed: ${finding.suppression.reason}` };
  if (finding.baseline === 'existing') return { failed: false, why: 'in the baseline' };
  const text = terminalText(finding.message);
  if (gate.failOn === 'none') return { failed: false, why: `${finding.severity}, not failing: findings never fail this run (--fail-on none): ${text}` };
  if (finding.status === 'unknown' && SEVERITY_ORDER[finding.severity] >= SEVERITY_ORDER[gate.failOn]) return { failed: false, why: `unknown until apply (fails only with --fail-on-unknown): ${text}` };
  return { failed: false, why: `${finding.severity}${finding.status === 'unknown' ? ', unknown until apply' : ''}, below the gate (fails at ${gate.failOn} or above): ${text}` };
}

/**
 * JUnit XML for the test tabs of Azure DevOps, GitLab and Jenkins: one suite per pack, a test case per
 * finding (failed when it fails the gate, skipped with the reason when it does not: below the gate,
 * unknown until apply, suppressed, in the baseline) and a passing case per rule that found nothing, so the
 * tab shows what was checked. Test names are the rule and the resource, so a finding keeps its name from
 * run to run and a tab's history follows it.
 */
export function renderJunit(report: ScanReport, now: Date = new Date()): string {
  const gate = report.configuration.gate ?? resolveGate({}, report.config);
  const failing = new Set(gateFailures(report.findings, gate));
  const packs = [...new Set(report.rules.map((rule) => rule.pack))];
  const properties = configurationProperties(report);
  const timestamp = new Date(now.getTime() - report.stats.durationMs).toISOString().slice(0, 19);
  // Rules run interleaved, resource by resource, not pack by pack: each suite gets an even share of the run.
  const suiteTime = seconds(report.stats.durationMs / Math.max(1, packs.length + (report.errors.length > 0 ? 1 : 0)));
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  let skipped = 0;
  for (const pack of packs) {
    const cases: string[] = [];
    let suiteFailures = 0;
    let suiteSkipped = 0;
    for (const rule of report.rules.filter((candidate) => candidate.pack === pack)) {
      const findings = report.findings.filter((finding) => finding.ruleId === rule.id);
      if (findings.length === 0) {
        cases.push(`    <testcase classname="${attr(rule.id)}" name="${attr(`${rule.id} ${rule.title}`)}" time="0"/>`);
        continue;
      }
      const names = new Map<string, number>();
      for (const finding of findings) {
        const resource = finding.resource.address ?? finding.resource.id;
        names.set(resource, (names.get(resource) ?? 0) + 1);
      }
      for (const finding of findings) {
        const resource = finding.resource.address ?? finding.resource.id;
        // A rule with several checks can find twice on one resource: the check tells the cases apart.
        const name = `${rule.id} ${resource}${names.get(resource)! > 1 ? ` (check ${finding.checkIndex + 1})` : ''}`;
        const opening = `    <testcase classname="${attr(rule.id)}" name="${attr(name)}" file="${attr(finding.location.file)}" time="0">`;
        const result = outcome(finding, failing, gate);
        if (!result.failed) {
          suiteSkipped++;
          cases.push(`${opening}\n      <skipped message="${attr(result.why)}"/>\n    </testcase>`);
          continue;
        }
        suiteFailures++;
        const body = `${terminalText(finding.message)}\nFix: ${terminalText(finding.remediation)}\nLocation: ${terminalText(finding.location.file)}${finding.location.line ? `:${finding.location.line}` : ''}`;
        const type = `${finding.severity}${finding.status === 'unknown' ? ' unknown' : ''}`;
        cases.push(`${opening}\n      <failure type="${attr(type)}" message="${attr(finding.message)}">${xmlText(body)}</failure>\n    </testcase>`);
      }
    }
    total += cases.length;
    failures += suiteFailures;
    skipped += suiteSkipped;
    suites.push(
      `  <testsuite name="azfence ${attr(pack)}" tests="${cases.length}" failures="${suiteFailures}" errors="0" skipped="${suiteSkipped}" time="${suiteTime}" timestamp="${timestamp}">\n${properties}${cases.join('\n')}\n  </testsuite>`,
    );
  }
  // Files a directory walk left unread show as skipped cases: the tab says what was not checked.
  if (report.skipped.length > 0) {
    const cases = report.skipped.map((skipped) => `    <testcase classname="azfence.input" name="${attr(skipped.file)}" file="${attr(skipped.file)}" time="0">\n      <skipped message="${attr(skipped.reason)}"/>\n    </testcase>`);
    total += cases.length;
    skipped += cases.length;
    suites.push(`  <testsuite name="azfence not scanned" tests="${cases.length}" failures="0" errors="0" skipped="${cases.length}" time="0.000" timestamp="${timestamp}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  // Inputs read but running what the scan could not read (actions of other repositories): skipped, one per file.
  const unread = unreadLines(report);
  if (unread.length > 0) {
    const cases = unread.map((line) => `    <testcase classname="azfence.input" name="${attr(line.file)}" file="${attr(line.file)}" time="0">\n      <skipped message="${attr(line.text)}"/>\n    </testcase>`);
    total += cases.length;
    skipped += cases.length;
    suites.push(`  <testsuite name="azfence not read" tests="${cases.length}" failures="0" errors="0" skipped="${cases.length}" time="0.000" timestamp="${timestamp}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  if (report.errors.length > 0) {
    const cases = report.errors.map((error) => `    <testcase classname="azfence.input" name="${attr(errorText(error))}" time="0">\n      <error message="${attr(errorText(error))}"/>\n    </testcase>`);
    total += cases.length;
    suites.push(`  <testsuite name="azfence errors" tests="${cases.length}" failures="0" errors="${cases.length}" skipped="0" time="${suiteTime}" timestamp="${timestamp}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="azfence" tests="${total}" failures="${failures}" errors="${report.errors.length}" skipped="${skipped}" time="${seconds(report.stats.durationMs)}" timestamp="${timestamp}">\n${suites.join('\n')}\n</testsuites>\n`;
}
