import type { Rule, Severity } from '../engine/rule.js';
import type { Finding } from '../findings/finding.js';
import type { ScanReport } from '../scan.js';
import { TOOL_NAME, TOOL_URI, TOOL_VERSION } from '../version.js';

/** GitHub ranks security alerts by this score: 9.0+ critical, 7.0+ high, 4.0+ medium, else low. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

function ruleName(rule: Rule): string {
  return rule.title
    .replace(/[^A-Za-z0-9 ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

function remediationMarkdown(rule: Rule): string {
  const lines: string[] = [];
  const labels: Record<string, string> = { azurerm: 'Terraform (azurerm)', azapi: 'Terraform (azapi)', arm: 'ARM / Azure CLI', kubernetes: 'Kubernetes' };
  for (const [dialect, text] of Object.entries(rule.remediation)) lines.push(`- **${labels[dialect] ?? dialect}:** ${text!.trim()}`);
  return lines.join('\n');
}

function ruleDescriptor(rule: Rule) {
  const references = rule.references.map((url) => `- ${url}`).join('\n');
  const markdown = [`**${rule.title}** (${rule.severity})`, '', rule.description, '', rule.help, '', '**Remediation**', '', remediationMarkdown(rule), references ? `\n**References**\n\n${references}` : '']
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const text = [rule.description, rule.help, 'Remediation:', ...Object.entries(rule.remediation).map(([dialect, value]) => `${dialect}: ${value!.trim()}`), ...rule.references]
    .filter(Boolean)
    .join('\n');
  return {
    id: rule.id,
    name: ruleName(rule),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: { text, markdown },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: [...new Set(['security', 'azure', 'network-isolation', rule.pack.toLowerCase(), ...rule.tags])],
      'security-severity': SECURITY_SEVERITY[rule.severity],
      precision: 'high',
      'problem.severity': rule.severity === 'critical' || rule.severity === 'high' ? 'error' : rule.severity === 'medium' ? 'warning' : 'recommendation',
    },
  };
}

function toUri(file: string): string {
  return file.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
}

function result(finding: Finding, ruleIndex: number) {
  const region = finding.location.line ? { region: { startLine: finding.location.line, ...(finding.location.column ? { startColumn: finding.location.column } : {}) } } : {};
  const level = finding.status === 'unknown' ? 'note' : LEVEL[finding.severity];
  const fix = finding.remediation ? ` Fix: ${finding.remediation}` : '';
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level,
    message: { text: `${finding.message}${fix}` },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: toUri(finding.location.file), uriBaseId: '%SRCROOT%' }, ...region },
        logicalLocations: [{ fullyQualifiedName: finding.resource.id, name: finding.resource.name, kind: 'resource' }],
      },
    ],
    partialFingerprints: { 'azfenceFinding/v1': finding.fingerprint },
    properties: {
      status: finding.status,
      severity: finding.severity,
      resourceType: finding.resource.type,
      ...(finding.resource.address ? { terraformAddress: finding.resource.address } : {}),
    },
  };
}

/** Category for GitHub code scanning, so a plan scan and a subscription audit upload as separate analyses. */
function automationId(report: ScanReport): string {
  const kinds = [...new Set(report.inputs.map((input) => input.kind))].sort();
  return `azfence/${kinds.length ? kinds.join('+') : 'scan'}/`;
}

export function buildSarif(report: ScanReport) {
  const ruleIndex = new Map(report.rules.map((rule, index) => [rule.id, index]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: TOOL_VERSION,
            semanticVersion: TOOL_VERSION,
            informationUri: TOOL_URI,
            rules: report.rules.map(ruleDescriptor),
          },
        },
        automationDetails: { id: automationId(report) },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            toolExecutionNotifications: report.errors.map((error) => ({
              level: 'error',
              message: { text: error.message },
              ...(error.file
                ? { locations: [{ physicalLocation: { artifactLocation: { uri: toUri(error.file), uriBaseId: '%SRCROOT%' }, ...(error.line ? { region: { startLine: error.line } } : {}) } }] }
                : {}),
            })),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results: report.findings.map((finding) => result(finding, ruleIndex.get(finding.ruleId) ?? -1)),
      },
    ],
  };
}

export function renderSarif(report: ScanReport): string {
  return `${JSON.stringify(buildSarif(report), null, 2)}\n`;
}
