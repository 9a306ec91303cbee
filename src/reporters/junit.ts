import type { ScanReport } from '../scan.js';
import { errorText } from '../scan.js';
import { configurationLine } from '../config/changes.js';
import { terminalText } from './terminal-text.js';
import { xmlAttr, xmlText } from './xml-text.js';

/** One line of input text as an attribute: its own line breaks and controls shown as escapes, like the table. */
const attr = (text: string): string => xmlAttr(terminalText(text));

/** What the configuration changed, as properties every suite carries (Azure DevOps shows a run's suites apart). */
function configurationProperties(report: ScanReport): string {
  const { configuration } = report;
  const line = configurationLine(configuration);
  if (!line && !configuration.file) return '';
  const properties: Array<[string, string]> = [
    ...(configuration.file ? [['file', configuration.file] as [string, string]] : []),
    ['rulesDisabled', configuration.rulesDisabled.join(',')],
    ['severities', configuration.severities.map(({ rule, from, to }) => `${rule} ${from}->${to}`).join(',')],
    ['parameters', configuration.parameters.map(({ rule, name }) => `${rule} ${name}`).join(',')],
    ['suppressions', String(configuration.suppressions)],
    ...(configuration.failOn !== undefined ? [['failOn', configuration.failOn] as [string, string]] : []),
    ...(configuration.failOnUnknown !== undefined ? [['failOnUnknown', String(configuration.failOnUnknown)] as [string, string]] : []),
    ...(line ? [['changes', line] as [string, string]] : []),
  ];
  return `    <properties>\n${properties.map(([name, value]) => `      <property name="azfence.configuration.${name}" value="${attr(value)}"/>`).join('\n')}\n    </properties>\n`;
}

/**
 * JUnit XML for Azure DevOps' test tab: one suite per pack, a failed test case per finding, and a passing
 * case per rule that found nothing, so the tab shows what was checked, not only what broke.
 */
export function renderJunit(report: ScanReport): string {
  const packs = [...new Set(report.rules.map((rule) => rule.pack))];
  const properties = configurationProperties(report);
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  for (const pack of packs) {
    const cases: string[] = [];
    let suiteFailures = 0;
    let suiteSkipped = 0;
    for (const rule of report.rules.filter((candidate) => candidate.pack === pack)) {
      const findings = report.findings.filter((finding) => finding.ruleId === rule.id && finding.status === 'fail');
      // Accepted findings (suppressed, or already in the baseline) show as skipped: visible, not failing the tab.
      if (findings.length === 0) {
        cases.push(`    <testcase classname="${attr(rule.id)}" name="${attr(rule.title)}"/>`);
        continue;
      }
      for (const finding of findings) {
        const name = `${finding.resource.address ?? finding.resource.id}`;
        const accepted = finding.suppression ? `suppressed: ${finding.suppression.reason}` : finding.baseline === 'existing' ? 'in the baseline' : undefined;
        if (accepted) {
          suiteSkipped++;
          cases.push(`    <testcase classname="${attr(rule.id)}" name="${attr(name)}" file="${attr(finding.location.file)}">\n      <skipped message="${attr(accepted)}"/>\n    </testcase>`);
          continue;
        }
        suiteFailures++;
        const body = `${terminalText(finding.message)}\nFix: ${terminalText(finding.remediation)}\nLocation: ${terminalText(finding.location.file)}${finding.location.line ? `:${finding.location.line}` : ''}`;
        cases.push(
          `    <testcase classname="${attr(rule.id)}" name="${attr(name)}" file="${attr(finding.location.file)}">\n      <failure type="${attr(finding.severity)}" message="${attr(finding.message)}">${xmlText(body)}</failure>\n    </testcase>`,
        );
      }
    }
    total += cases.length;
    failures += suiteFailures;
    suites.push(`  <testsuite name="azfence ${attr(pack)}" tests="${cases.length}" failures="${suiteFailures}" errors="0" skipped="${suiteSkipped}">\n${properties}${cases.join('\n')}\n  </testsuite>`);
  }
  // Files a directory walk left unread show as skipped cases: the tab says what was not checked.
  if (report.skipped.length > 0) {
    const cases = report.skipped.map((skipped) => `    <testcase classname="azfence.input" name="${attr(skipped.file)}" file="${attr(skipped.file)}">\n      <skipped message="${attr(skipped.reason)}"/>\n    </testcase>`);
    total += cases.length;
    suites.push(`  <testsuite name="azfence not scanned" tests="${cases.length}" failures="0" errors="0" skipped="${cases.length}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  if (report.errors.length > 0) {
    const cases = report.errors.map((error) => `    <testcase classname="azfence.input" name="${attr(errorText(error))}">\n      <error message="${attr(errorText(error))}"/>\n    </testcase>`);
    total += cases.length;
    suites.push(`  <testsuite name="azfence errors" tests="${cases.length}" failures="0" errors="${cases.length}" skipped="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="azfence" tests="${total}" failures="${failures}" errors="${report.errors.length}">\n${suites.join('\n')}\n</testsuites>\n`;
}
