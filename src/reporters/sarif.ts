import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { remediationsOf, type RuleDescriptor, type Severity } from '../report/rule-descriptor.js';
import type { Finding, ResolvedFinding } from '../findings/finding.js';
import type { ScanReport } from '../report/scan-report.js';
import { TOOL_NAME, TOOL_URI, TOOL_VERSION } from '../version.js';
import { ruleDocPath, ruleHelpUri } from '../report/rule-links.js';
import { configurationChanges, configurationLine } from '../report/configuration.js';
import { jsonText } from './json-text.js';
import { unreadLines } from './summary.js';
import { markdownProse } from './markdown-text.js';
import { terminalLines, terminalText } from './terminal-text.js';
import type { RenderOptions } from './render-options.js';
import { realPath } from '../real-path.js';
import { documentTemplate, escapeSlots } from '../report/template-slots.js';

/**
 * A message for code scanning's alert view, from input text: controls shown as escapes (terminal-text.ts),
 * and no `](`, so a name like `[x](https://...)` cannot become one of the embedded links a plain-text SARIF
 * message may hold. Identifiers elsewhere in the log keep their exact value (JSON escapes them).
 */
function messageText(text: string): string {
  return terminalText(text).replace(/\]\(/g, '] (');
}

/**
 * GitHub code scanning accepts at most 25,000 results per run and a 10 MB gzip-compressed upload. azfence
 * stays well below (a run that large is unreadable anyway) and says what it left out.
 */
export const SARIF_LIMITS = { maxResults: 5000, maxLocationsPerResult: 10, maxGzipBytes: 9 * 1024 * 1024 };
export type SarifLimits = typeof SARIF_LIMITS;

/** GitHub ranks security alerts by this score: 9.0+ critical, 7.0+ high, 4.0+ medium, else low. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

function ruleName(rule: RuleDescriptor): string {
  return rule.title
    .replace(/[^A-Za-z0-9 ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

const DIALECT_LABELS: ReadonlyMap<string, string> = new Map([
  ['azurerm', 'Terraform (azurerm)'],
  ['azapi', 'Terraform (azapi)'],
  ['arm', 'ARM / Azure CLI'],
  ['kubernetes', 'Kubernetes'],
]);

/**
 * A built-in rule's texts are Markdown azfence wrote. A user pack's come from the repository, like the plan:
 * GitHub renders help.markdown, so its texts are made inert (commands between backticks stay code).
 */
function markdownOf(rule: RuleDescriptor): (text: string) => string {
  if (rule.origin.builtIn) return (text) => text;
  return (text) => text.split('\n').map((line) => (line.trim() ? markdownProse(line) : '')).join('\n');
}

/**
 * A remediation template stands for every finding of the rule: what a finding fills in shows as a named slot
 * (`<resource address>`), as on the rule's doc page, never as the raw `{detail:...}` the engine fills.
 */
function remediationMarkdown(rule: RuleDescriptor, md: (text: string) => string): string {
  const template = (text: string) => (rule.origin.builtIn ? escapeSlots(documentTemplate(text)) : md(documentTemplate(text)));
  const lines: string[] = [];
  for (const { types, remediation } of remediationsOf(rule)) {
    if (types) lines.push('', `For ${md(types.join(', '))}:`, '');
    for (const [dialect, text] of Object.entries(remediation)) lines.push(`- **${md(DIALECT_LABELS.get(dialect) ?? dialect)}:** ${template(text!.trim())}`);
  }
  return lines.join('\n');
}

function ruleDescriptor(rule: RuleDescriptor) {
  const md = markdownOf(rule);
  const references = rule.references.map((url) => `- ${md(url)}`).join('\n');
  const markdown = [`**${md(rule.title)}** (${rule.severity})`, '', md(rule.description), '', md(rule.help), '', '**Remediation**', '', remediationMarkdown(rule, md), references ? `\n**References**\n\n${references}` : '']
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const text = terminalLines(
    [
      rule.description,
      rule.help,
      ...remediationsOf(rule).flatMap(({ types, remediation }) => [types ? `Remediation for ${types.join(', ')}:` : 'Remediation:', ...Object.entries(remediation).map(([dialect, value]) => `${dialect}: ${documentTemplate(value!.trim())}`)]),
      ...rule.references,
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return {
    id: rule.id,
    name: ruleName(rule),
    shortDescription: { text: terminalText(rule.title) },
    fullDescription: { text: terminalLines(rule.description) },
    help: { text, markdown },
    // Only a real, published URL: without package.json `repository` the docs path goes in properties.
    ...(rule.origin.builtIn && ruleHelpUri(rule.id) ? { helpUri: ruleHelpUri(rule.id) } : {}),
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: [...new Set(['security', 'azure', 'network-isolation', rule.pack.toLowerCase(), ...rule.tags])],
      'security-severity': SECURITY_SEVERITY[rule.severity],
      precision: 'high',
      'problem.severity': rule.severity === 'critical' || rule.severity === 'high' ? 'error' : rule.severity === 'medium' ? 'warning' : 'recommendation',
      ...(rule.origin.builtIn ? { docs: ruleDocPath(rule.id) } : {}),
    },
  };
}

/**
 * A relative path as a URI reference. A backslash separates directories only on Windows; elsewhere it is a
 * character a file name may hold (`a\b.json`), percent-encoded like any other, or a name starting with one
 * would become a reference starting with a slash, which the SARIF spec and GitHub reject.
 */
function toUri(file: string): string {
  return (sep === '\\' ? file.replace(/\\/g, '/') : file).split('/').map(encodeURIComponent).join('/');
}

/** The working directory findings name files from, and the checkout root (cli/checkout-root.ts). */
interface Paths {
  cwd: string;
  root: string;
}

type Locate = (file: string) => { uri: string; uriBaseId?: string };

/**
 * artifactLocation for each file once: resolving a file's real path is a system call per directory on its way,
 * and thousands of results name the same few files (5,000 results of one plan took ~0.4 s of lstat).
 */
function locator(paths: Paths | undefined): Locate {
  const located = new Map<string, { uri: string; uriBaseId?: string }>();
  return (file) => {
    let location = located.get(file);
    if (location === undefined) {
      location = artifactLocation(file, paths);
      located.set(file, location);
    }
    // A copy for each result: the log's objects are the caller's to change.
    return { ...location };
  };
}

/**
 * Where a file is, for SARIF: relative to the checkout root (%SRCROOT%), which code scanning resolves
 * against the repository, whatever directory the scan ran in. Findings name files relative to the working
 * directory, so they are resolved against it first (symlinks followed, as the root's are). Without paths
 * (a library caller), the working directory stands for the root. A file outside the checkout is shown by
 * its absolute path as a file: URI (a relative reference may not start with a slash, and GitHub and the
 * SARIF spec reject it).
 */
function artifactLocation(file: string, paths: Paths | undefined): { uri: string; uriBaseId?: string } {
  const absolute = isAbsolute(file) ? file : paths ? resolve(paths.cwd, file) : undefined;
  if (absolute === undefined) return { uri: toUri(file), uriBaseId: '%SRCROOT%' };
  const rel = paths ? relative(paths.root, realPath(absolute)) : undefined;
  if (rel !== undefined && rel !== '' && !isAbsolute(rel) && rel.split(sep)[0] !== '..') return { uri: toUri(rel), uriBaseId: '%SRCROOT%' };
  return { uri: pathToFileURL(absolute).href };
}

/** `azure://<subscription>`: an audit finding's subscription, not a file. */
function isAzureScope(file: string): boolean {
  return file.startsWith('azure://');
}

/**
 * An audited resource has no file, but code scanning takes only physical locations: a relative URI and a
 * start line (GH1001, GH1003, GH1005). The resource's id under `azure/` serves as its path, so each alert
 * names the resource and the path stays the same from audit to audit (code scanning tracks alerts by it).
 */
function azureLocation(finding: Finding) {
  const id = finding.resource.id.startsWith('/') ? finding.resource.id : `/${finding.location.file.slice('azure://'.length)}/${finding.resource.id}`;
  return { artifactLocation: { uri: toUri(`azure${id}`), uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } };
}

function physical(location: { file: string; line?: number; column?: number }, locate: Locate) {
  const region = location.line ? { region: { startLine: location.line, ...(location.column ? { startColumn: location.column } : {}) } } : {};
  return { artifactLocation: locate(location.file), ...region };
}

function result(finding: Finding, ruleIndex: number, limits: SarifLimits, locate: Locate) {
  const region = finding.location.line ? { region: { startLine: finding.location.line, ...(finding.location.column ? { startColumn: finding.location.column } : {}) } } : {};
  const level = finding.status === 'unknown' ? 'note' : LEVEL[finding.severity];
  const fix = finding.remediation ? ` Fix: ${finding.remediation}` : '';
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level,
    message: { text: messageText(`${finding.message}${fix}`) },
    locations: [
      {
        physicalLocation: isAzureScope(finding.location.file) ? azureLocation(finding) : { artifactLocation: locate(finding.location.file), ...region },
        logicalLocations: [{ fullyQualifiedName: finding.resource.id, name: finding.resource.name, kind: 'resource' }],
      },
    ],
    // The plan keeps the resource too; GitHub shows the .tf line, the related location keeps the link to the plan.
    ...(finding.planLocation
      ? { relatedLocations: [{ id: 1, physicalLocation: physical(finding.planLocation, locate), message: { text: messageText(`${finding.resource.address ?? finding.resource.name} in the Terraform plan`) } }].slice(0, limits.maxLocationsPerResult - 1) }
      : {}),
    partialFingerprints: { 'azfenceFinding/v1': finding.fingerprint },
    // Suppressed results stay in the log so code scanning closes their alerts instead of losing track of them.
    ...(finding.suppression ? { suppressions: [{ kind: finding.suppression.kind, status: 'accepted', justification: messageText(finding.suppression.reason) }] } : {}),
    ...(finding.baseline ? { baselineState: finding.baseline === 'new' ? 'new' : 'unchanged' } : {}),
    properties: {
      status: finding.status,
      severity: finding.severity,
      resourceType: finding.resource.type,
      ...(finding.resource.address ? { terraformAddress: finding.resource.address } : {}),
      ...(finding.suppression?.expires ? { suppressionExpires: finding.suppression.expires } : {}),
      ...(finding.writtenBy?.address ? { writtenBy: finding.writtenBy.address } : {}),
    },
  };
}

/**
 * A baseline finding this run no longer reports, as SARIF's `baselineState: absent`. It is not a problem
 * found now, so it is a `pass` result (level `none`): viewers that compare runs show it as fixed, and
 * nothing treats it as an open alert.
 */
function absentResult(entry: ResolvedFinding, ruleIndex: number | undefined, locate: Locate) {
  const name = entry.resource.address ?? entry.resource.name ?? entry.resource.id;
  return {
    ruleId: entry.ruleId,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    kind: 'pass',
    level: 'none',
    message: { text: messageText(`No longer found (was ${entry.status} in the baseline): ${entry.message ?? name}`) },
    locations: [
      {
        ...(entry.location ? { physicalLocation: physical(entry.location, locate) } : {}),
        logicalLocations: [{ fullyQualifiedName: entry.resource.id, ...(entry.resource.name ? { name: entry.resource.name } : {}), kind: 'resource' }],
      },
    ],
    partialFingerprints: { 'azfenceFinding/v1': entry.fingerprint },
    baselineState: 'absent',
    properties: { status: entry.status, ...(entry.severity ? { severity: entry.severity } : {}), ...(entry.resource.type ? { resourceType: entry.resource.type } : {}) },
  };
}

/** Category for GitHub code scanning, so a plan scan and a subscription audit upload as separate analyses. */
function automationId(report: ScanReport): string {
  const kinds = [...new Set(report.inputs.map((input) => input.kind))].sort();
  return `azfence/${kinds.length ? kinds.join('+') : 'scan'}/`;
}

/** Unsuppressed findings first (new before baseline ones), so a cap drops what matters least. */
function byPriority(findings: readonly Finding[]): Finding[] {
  const rank = (finding: Finding) => (finding.suppression ? 2 : finding.baseline === 'existing' ? 1 : 0);
  return [...findings].sort((a, b) => rank(a) - rank(b));
}

export function buildSarif(report: ScanReport, limits: SarifLimits = SARIF_LIMITS, paths?: Paths) {
  const ruleIndex = new Map(report.rules.map((rule, index) => [rule.id, index]));
  const kept = byPriority(report.findings).slice(0, limits.maxResults);
  const omitted = report.findings.length - kept.length;
  return buildLog(report, kept, omitted, ruleIndex, limits, locator(paths));
}

/**
 * What the configuration changed, the SARIF way: rules switched off or re-ranked as rule configuration
 * overrides, the whole change list as a configuration notification (a warning when the gate was lowered or a
 * rule switched off), and the machine-readable form in the run's properties.
 */
function configurationParts(report: ScanReport, ruleIndex: Map<string, number>, locate: Locate) {
  const { configuration } = report;
  const overrides = [
    ...configuration.rulesDisabled.map((id) => ({ descriptor: { id }, configuration: { enabled: false } })),
    ...(configuration.rulesNotRun ?? []).flatMap(({ rules }) => rules.map((id) => ({ descriptor: { id }, configuration: { enabled: false } }))),
    ...configuration.severities.map(({ rule, to }) => ({ descriptor: { id: rule, ...(ruleIndex.has(rule) ? { index: ruleIndex.get(rule)! } : {}) }, configuration: { level: LEVEL[to] } })),
  ];
  const line = configurationLine(configuration);
  const weakened = (configuration.rulesNotRun?.length ?? 0) > 0 || configuration.rulesDisabled.length > 0 || configuration.severities.length > 0 || configuration.failOn !== undefined || configuration.suppressions > 0;
  const notifications = line ? [{ level: weakened ? 'warning' : 'note', message: { text: messageText(`${line}.`) }, ...(configuration.file ? { locations: [{ physicalLocation: { artifactLocation: locate(configuration.file) } }] } : {}) }] : [];
  return {
    invocation: { ...(overrides.length ? { ruleConfigurationOverrides: overrides } : {}), ...(notifications.length ? { toolConfigurationNotifications: notifications } : {}) },
    properties: configurationChanges(configuration).length || configuration.file ? { azfenceConfiguration: configuration } : {},
  };
}

function buildLog(report: ScanReport, kept: readonly Finding[], omitted: number, ruleIndex: Map<string, number>, limits: SarifLimits, locate: Locate) {
  const configuration = configurationParts(report, ruleIndex, locate);
  const notes = omitted > 0
    ? [{ level: 'warning', message: { text: `${omitted} of ${report.findings.length} results were left out of this SARIF log to stay within code scanning's limits (at most ${kept.length} results are kept, unsuppressed and new findings first); the JSON report (--format json) lists them all.` } }]
    : [];
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
            toolExecutionNotifications: [...report.errors.map((error) => ({
              level: 'error',
              message: { text: messageText(error.message) },
              ...(error.file && !isAzureScope(error.file)
                ? { locations: [{ physicalLocation: { artifactLocation: locate(error.file), ...(error.line ? { region: { startLine: error.line } } : {}) } }] }
                : {}),
            })),
            ...report.skipped.map((skipped) => ({
              level: 'warning',
              message: { text: `not scanned: ${skipped.reason}` },
              locations: [{ physicalLocation: physical({ file: skipped.file }, locate) }],
            })),
            ...unreadLines(report).map((line) => ({
              level: 'warning',
              message: { text: messageText(line.text) },
              locations: [{ physicalLocation: physical({ file: line.file }, locate) }],
            })),
            ...(report.warnings ?? []).map((warning) => ({
              level: 'warning',
              message: { text: messageText(warning.message) },
              ...(warning.file && !isAzureScope(warning.file) ? { locations: [{ physicalLocation: physical({ file: warning.file, ...(warning.line ? { line: warning.line } : {}) }, locate) }] } : {}),
            })),
            ...notes],
            ...configuration.invocation,
          },
        ],
        columnKind: 'utf16CodeUnits',
        results: [
          ...kept.map((finding) => result(finding, ruleIndex.get(finding.ruleId) ?? -1, limits, locate)),
          ...absent(report, kept.length, limits).map((entry) => absentResult(entry, ruleIndex.get(entry.ruleId), locate)),
        ],
        ...(omitted > 0 || Object.keys(configuration.properties).length
          ? { properties: { ...configuration.properties, ...(omitted > 0 ? { resultsOmitted: omitted, resultsTotal: report.findings.length, resultsLimit: limits.maxResults } : {}) } }
          : {}),
      },
    ],
  };
}

/** Resolved baseline findings, within what is left of the result limit after the findings of this run. */
function absent(report: ScanReport, kept: number, limits: SarifLimits): ResolvedFinding[] {
  const omittedFindings = kept < report.findings.length;
  return omittedFindings ? [] : (report.baseline?.resolved ?? []).slice(0, Math.max(0, limits.maxResults - kept));
}

/**
 * Whether gzip could make more than `limit` bytes of `text`: never when even incompressible text would fit,
 * by zlib's most conservative bound on deflate's output (its deflateBound for any settings: the input plus an
 * eighth, plus a sixty-fourth, plus 5 bytes) and gzip's 18 bytes of header and trailer. Most logs are
 * well under the limit, and compressing one of several megabytes only to measure it costs ~0.1 s.
 */
function mayCompressAbove(text: string, limit: number): boolean {
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes + Math.ceil(bytes / 8) + Math.ceil(bytes / 64) + 5 + 18 > limit;
}

/**
 * The SARIF text. When even the capped log compresses to more than the upload limit (very long messages),
 * results are halved until it fits, and the log says how many were left out.
 */
export function renderSarif(report: ScanReport, limits: SarifLimits = SARIF_LIMITS, options: RenderOptions = {}): string {
  const paths = options.cwd !== undefined && options.root !== undefined ? { cwd: options.cwd, root: options.root } : undefined;
  let log = buildSarif(report, limits, paths);
  let text = `${jsonText(log, 2)}\n`;
  let keep = log.runs[0]!.results.length;
  // zlib is loaded only for SARIF output: every other scan would pay for it at startup.
  const { gzipSync } = process.getBuiltinModule('node:zlib');
  while (keep > 0 && mayCompressAbove(text, limits.maxGzipBytes) && gzipSync(text).length > limits.maxGzipBytes) {
    keep = Math.floor(keep / 2);
    const ruleIndex = new Map(report.rules.map((rule, index) => [rule.id, index]));
    const kept = byPriority(report.findings).slice(0, keep);
    log = buildLog(report, kept, report.findings.length - kept.length, ruleIndex, limits, locator(paths));
    text = `${jsonText(log, 2)}\n`;
  }
  return text;
}
