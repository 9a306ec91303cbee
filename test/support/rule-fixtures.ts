import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { loadRules } from '../../src/engine/load-packs.js';
import type { Rule } from '../../src/engine/rule.js';
import { buildPlan, buildSnapshot, type AzapiCase, type AzurermCase, type ModuleCalls, type SnapshotRow } from './materialize.js';
import { scanJson, tempDir, writeJson, type CliRun, type JsonReport } from './run-cli.js';

/**
 * The rule fixtures (fixtures/rules/<rule-id>.yaml): their format, how a case becomes real input files, and
 * what a scan of them is compared with. test/rule-fixtures.test.ts runs every case;
 * scripts/propose-fixture-expectations.mjs prints what the current code reports for a rule's cases, for an
 * author to read and paste.
 *
 * A file:
 *   rule: AZF-PUB-001
 *   severity: high            # the severity a finding of this rule has unless the finding says otherwise
 *   cases: [...]
 *
 * A case names its input (azurerm, azapi, snapshot, manifests, pipelines; several resources with a `target`),
 * what it expects (`expect: pass | fail | unknown`) and, for fail and unknown, every finding the rule raises on the
 * target, as a user reads it:
 *   findings:
 *     - message: the whole message
 *       severity: low         # only where it differs from the file's
 *       status: unknown       # only a fail case may hold an unknown finding beside its failures
 *       evidence: [{ path, attribute (azurerm only), actual, expected }]   # all of it, in report order
 *       remediation: the remediation as rendered for the input kind, placeholders filled in
 *
 * What a case promises, and the test enforces:
 * - the rule's findings on the target are exactly `findings` (none for pass): a missing one, an extra one,
 *   or one that differs in any field fails the case;
 * - the rule's findings on the case's other resources are exactly `elsewhere` ("<address or name>: <status>";
 *   none when absent): a helper resource that starts failing the rule fails the case;
 * - other rules' findings on the target are not the case's business, unless it lists them in `otherRules`
 *   ("<rule id>: <status>"), which is then the exact list;
 * - besides, for every finding: no placeholder is left unrendered, the remediation is the rule's text for
 *   the target's input kind (azurerm, azapi, ARM, Kubernetes, pipeline), the location is the input file that holds the
 *   resource, an unknown finding's message names each property it could not read, and no value the case
 *   marks sensitive appears anywhere in the report.
 *
 * CI pipelines: `pipelines` maps a path in the repository (.github/workflows/x.yml, azure-pipelines.yml,
 * scripts/build.sh) to the file's text; the files are written beside the plan or snapshot that holds the
 * registries, and the scan reads them as a repository. The case judges one az acr command in them: its
 * `target` is the command's address in its file (`jobs.image.steps["Build"][0]`, and for a command in a
 * script the pipeline runs, `jobs.image.steps["Build"] > scripts/build.sh[0]`). Its input kind is `script`
 * when the address goes through a script, else the kind of the pipeline: `github-actions` when it is a
 * workflow under .github/, `azure-pipelines` otherwise.
 */
export interface ExpectedEvidence {
  path: string;
  attribute?: string;
  actual: string;
  expected: string;
}

export interface ExpectedFinding {
  message: string;
  severity?: string;
  status?: 'fail' | 'unknown';
  evidence: ExpectedEvidence[];
  remediation: string;
}

export interface FixtureCase {
  name: string;
  expect: 'fail' | 'pass' | 'unknown';
  /** One resource, or several that link to each other (an endpoint, its zone, the VNet...). */
  azurerm?: AzurermCase | AzurermCase[];
  azapi?: AzapiCase | AzapiCase[];
  snapshot?: SnapshotRow | SnapshotRow[];
  /** Kubernetes manifests (YAML text), written to manifests.yaml beside the plan or snapshot. */
  manifests?: string;
  /** CI pipeline files (path in the repository -> text), written beside the plan or snapshot; `target` names the command judged. */
  pipelines?: Record<string, string>;
  /** Module calls of the plan (inputs and outputs, by call name). */
  modules?: ModuleCalls;
  /** Provider version constraints of the plan's configuration (`azurerm: "~> 4.0"`). */
  providers?: Record<string, string>;
  /** With several resources: the address (plan, pipeline command) or name (snapshot, manifest) of the resource the case judges. */
  target?: string;
  /** Rule parameters for this case, written to an .azfence.yaml beside the input. */
  parameters?: Record<string, unknown>;
  findings?: ExpectedFinding[];
  elsewhere?: string[];
  otherRules?: string[];
}

export interface FixtureFile {
  rule: string;
  severity: string;
  cases: FixtureCase[];
}

export type PipelineKind = 'github-actions' | 'azure-pipelines' | 'script';
export type InputKind = 'azurerm' | 'azapi' | 'snapshot' | 'manifest' | PipelineKind;

const CASE_KEYS = new Set(['name', 'expect', 'azurerm', 'azapi', 'snapshot', 'manifests', 'pipelines', 'modules', 'providers', 'target', 'parameters', 'findings', 'elsewhere', 'otherRules']);
const FINDING_KEYS = new Set(['message', 'severity', 'status', 'evidence', 'remediation']);
const EVIDENCE_KEYS = new Set(['path', 'attribute', 'actual', 'expected']);

export const FIXTURE_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'rules');

/** A misspelt key would be a check that silently never runs: every key must be one the harness reads. */
export function formatProblems(file: FixtureFile): string[] {
  const problems: string[] = [];
  if (typeof file.severity !== 'string') problems.push(`${file.rule}: the file has no default severity`);
  for (const fixture of file.cases) {
    const where = `${file.rule} "${fixture.name}"`;
    for (const key of Object.keys(fixture)) if (!CASE_KEYS.has(key)) problems.push(`${where}: unknown key ${key}`);
    if (fixture.expect === 'pass' && fixture.findings) problems.push(`${where}: a pass case lists findings`);
    if (fixture.expect !== 'pass' && !fixture.findings?.length) problems.push(`${where}: a ${fixture.expect} case lists no findings`);
    for (const finding of fixture.findings ?? []) {
      for (const key of Object.keys(finding)) if (!FINDING_KEYS.has(key)) problems.push(`${where}: unknown finding key ${key}`);
      for (const key of ['message', 'evidence', 'remediation']) if (!(key in finding)) problems.push(`${where}: a finding without ${key}`);
      if (fixture.expect === 'unknown' && finding.status === 'fail') problems.push(`${where}: an unknown case expects a failure`);
      for (const item of finding.evidence ?? []) for (const key of Object.keys(item)) if (!EVIDENCE_KEYS.has(key)) problems.push(`${where}: unknown evidence key ${key}`);
    }
  }
  return problems;
}

export function loadFixtureFiles(dir = FIXTURE_DIR): FixtureFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => parse(readFileSync(join(dir, name), 'utf8')) as FixtureFile);
}

export function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

interface CaseResource {
  kind: InputKind;
  /** What a `target` may name it by: its address, or its name. */
  names: string[];
}

/** The Terraform name of an address's last block: `module.a.azurerm_b.c["k"]` -> c (as materialize names it). */
function blockName(address: string): string | undefined {
  return address.replace(/\[[^\]]*\]$/, '').split('.').pop();
}

function manifestObjects(text: string): Array<Record<string, unknown>> {
  const objects: Array<Record<string, unknown>> = [];
  for (const document of parseAllDocuments(text)) {
    const value = document.toJS() as Record<string, unknown> | null;
    if (!value) continue;
    if (value['kind'] === 'List' && Array.isArray(value['items'])) objects.push(...(value['items'] as Array<Record<string, unknown>>));
    else objects.push(value);
  }
  return objects;
}

/** Every resource a case writes, in the order materialize writes them (its default names count on it). */
function resourcesOf(fixture: FixtureCase): CaseResource[] {
  const resources: CaseResource[] = [];
  const azurerm = asList(fixture.azurerm);
  azurerm.forEach((resource, index) => {
    const name = resource.name ?? (resource.address ? blockName(resource.address) : undefined) ?? `r${index}`;
    resources.push({ kind: 'azurerm', names: [resource.address ?? `${resource.type}.${name}`] });
  });
  asList(fixture.azapi).forEach((resource, index) => {
    const name = resource.name ?? (resource.address ? blockName(resource.address) : undefined) ?? `r${azurerm.length + index}`;
    resources.push({ kind: 'azapi', names: [resource.address ?? `azapi_resource.${name}`, name] });
  });
  asList(fixture.snapshot).forEach((row, index) => {
    const names = [String(row['name'] ?? `r${index}`)];
    // Rows carry child resources inline (a VNet's subnets and peerings): a case may judge one of them.
    const properties = row['properties'] as Record<string, unknown> | undefined;
    for (const list of ['subnets', 'virtualNetworkPeerings']) for (const child of asList(properties?.[list] as Array<{ name?: string }> | undefined)) if (child?.name) names.push(child.name);
    resources.push({ kind: 'snapshot', names });
  });
  if (fixture.manifests !== undefined) for (const object of manifestObjects(fixture.manifests)) resources.push({ kind: 'manifest', names: [String((object['metadata'] as { name?: string } | undefined)?.name)] });
  // The commands in pipeline files are known only to the reader: a case with pipelines judges the command its
  // target names (a pipeline case always has one, beside the registries it needs).
  if (fixture.pipelines && fixture.target !== undefined) resources.push({ kind: pipelineKind(fixture.target, Object.keys(fixture.pipelines)), names: [fixture.target] });
  return resources;
}

/** A pipeline command's input kind: `script` when its address goes through a script, else the pipeline's own kind. */
function pipelineKind(address: string, paths: string[]): PipelineKind {
  if (address.includes(' > ')) return 'script';
  const pipelines = paths.filter((path) => !/\.(sh|bash|ps1)$/i.test(path));
  return pipelines.length > 0 && pipelines.every((path) => path.startsWith('.github/')) ? 'github-actions' : 'azure-pipelines';
}

/** The input kind of the resource a case judges: its target, or its only resource. */
export function caseKind(fixture: FixtureCase): InputKind {
  const resources = resourcesOf(fixture);
  if (fixture.target === undefined) {
    if (resources.length !== 1) throw new Error(`case "${fixture.name}" has ${resources.length} resources and no target`);
    return resources[0]!.kind;
  }
  const found = resources.find((resource) => resource.names.includes(fixture.target!));
  if (!found) throw new Error(`case "${fixture.name}": no resource is named ${fixture.target}`);
  return found.kind;
}

export interface CaseScan {
  run: CliRun;
  report: JsonReport;
  /** The files written for the case (plan.json, snapshot.json, manifests.yaml, pipeline files by their path in the repository). */
  files: string[];
}

/** Writes the case as real files (a plan in `terraform show -json` shape, a Resource Graph snapshot, manifests, pipeline files) and scans them. */
export function scanCase(fixture: FixtureCase): CaseScan {
  const dir = tempDir();
  const files: string[] = [];
  if (fixture.parameters) writeFileSync(join(dir, '.azfence.yaml'), stringify({ parameters: fixture.parameters }));
  if (fixture.manifests !== undefined) {
    writeFileSync(join(dir, 'manifests.yaml'), fixture.manifests);
    files.push('manifests.yaml');
  }
  if (fixture.azurerm || fixture.azapi) {
    writeJson(dir, 'plan.json', buildPlan({ azurerm: asList(fixture.azurerm), azapi: asList(fixture.azapi), ...(fixture.modules ? { modules: fixture.modules } : {}), ...(fixture.providers ? { providers: fixture.providers } : {}) }));
    files.push('plan.json');
  } else if (fixture.snapshot) {
    writeJson(dir, 'snapshot.json', buildSnapshot(asList(fixture.snapshot)));
    files.push('snapshot.json');
  }
  for (const [path, text] of Object.entries(fixture.pipelines ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
    files.push(path);
  }
  if (files.length === 0) throw new Error(`case "${fixture.name}" has no azurerm, azapi, snapshot, manifests or pipelines resource`);
  const { run, report } = scanJson([dir], ['--fail-on', 'none']);
  return { run, report, files };
}

export type ReportedFinding = JsonReport['findings'][number] & { writtenBy?: { address?: string; type?: string } };

function onTarget(fixture: FixtureCase, finding: ReportedFinding): boolean {
  return fixture.target === undefined || finding.resource.address === fixture.target || finding.resource.name === fixture.target;
}

function resourceLabel(finding: ReportedFinding): string {
  return finding.resource.address ?? finding.resource.name;
}

export interface Observed {
  /** The rule's findings on the target, shaped as a case writes them (severity and status always present). */
  findings: Array<ExpectedFinding & { severity: string; status: 'fail' | 'unknown' }>;
  raw: ReportedFinding[];
  elsewhere: string[];
  otherRules: string[];
}

export function shapeOf(finding: ReportedFinding): ExpectedFinding & { severity: string; status: 'fail' | 'unknown' } {
  return {
    message: finding.message,
    severity: finding.severity,
    status: finding.status,
    evidence: finding.evidence.map((item) => ({ path: item.path, ...(item.attribute !== undefined ? { attribute: item.attribute } : {}), actual: item.actual, expected: item.expected })),
    remediation: finding.remediation,
  };
}

export function observe(ruleId: string, fixture: FixtureCase, report: JsonReport): Observed {
  const all = report.findings as ReportedFinding[];
  const raw = all.filter((finding) => finding.ruleId === ruleId && onTarget(fixture, finding));
  return {
    findings: raw.map(shapeOf),
    raw,
    elsewhere: all.filter((finding) => finding.ruleId === ruleId && !onTarget(fixture, finding)).map((finding) => `${resourceLabel(finding)}: ${finding.status}`).sort(),
    otherRules: all.filter((finding) => finding.ruleId !== ruleId && onTarget(fixture, finding)).map((finding) => `${finding.ruleId}: ${finding.status}`).sort(),
  };
}

/** The expected findings with the defaults a case leaves out filled in. */
export function expectedOf(file: FixtureFile, fixture: FixtureCase): Array<ExpectedFinding & { severity: string; status: 'fail' | 'unknown' }> {
  const status = fixture.expect === 'pass' ? 'fail' : fixture.expect;
  return (fixture.findings ?? []).map((finding) => ({
    message: finding.message,
    severity: finding.severity ?? file.severity,
    status: finding.status ?? status,
    evidence: finding.evidence,
    remediation: finding.remediation,
  }));
}

/**
 * Pairs expected and observed findings of one resource: one check gives a resource at most one finding, and
 * checks differ in their messages, so a finding is paired by its message where one matches.
 */
export function pairUp<E extends { message: string }, O extends { message: string }>(expected: readonly E[], observed: readonly O[]): O[] {
  const left = [...observed];
  const paired: O[] = [];
  for (const item of expected) {
    const index = left.findIndex((candidate) => candidate.message === item.message);
    paired.push(...left.splice(index >= 0 ? index : 0, 1));
  }
  return [...paired, ...left];
}

// ------------------------------------------------------------------------------------ checks on every finding

const PLACEHOLDER = /\{(?:name|type|label|address|id|resourceGroup|field|attr|param|detail)(?::[^}]+)?\}/;

let rulesById: Map<string, Rule> | undefined;
function ruleOf(ruleId: string): Rule | undefined {
  rulesById ??= new Map(loadRules().rules.map((rule) => [rule.id, rule]));
  return rulesById.get(ruleId);
}

/** The dialect a finding's remediation must be written in: that of the resource it points at. */
export function dialectOf(finding: ReportedFinding): 'azurerm' | 'azapi' | 'arm' | 'kubernetes' | 'pipeline' {
  if (/^Pipeline\//i.test(finding.resource.type)) return 'pipeline';
  const address = finding.writtenBy?.address ?? finding.resource.address;
  if (address) return /(^|\.)azapi_[a-z_]+\.[^.]+$/.test(address.replace(/\[[^\]]*\]$/, '')) ? 'azapi' : 'azurerm';
  return basename(finding.location.file) === 'manifests.yaml' ? 'kubernetes' : 'arm';
}

function templatePattern(template: string): RegExp {
  const parts = template.trim().split(new RegExp(PLACEHOLDER.source, 'g'));
  return new RegExp(`^${parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*?')}$`);
}

function sensitiveValues(fixture: FixtureCase): string[] {
  const values: string[] = [];
  for (const resource of asList(fixture.azurerm)) {
    for (const path of resource.sensitive ?? []) {
      let node: unknown = resource.values;
      for (const segment of path.split(/\.|\[(\d+)\]/).filter((part) => part !== undefined && part !== '')) node = (node as Record<string, unknown> | undefined)?.[segment];
      const collect = (value: unknown): void => {
        if (typeof value === 'string' && value.length >= 4) values.push(value);
        else if (value && typeof value === 'object') Object.values(value).forEach(collect);
      };
      collect(node);
    }
  }
  return values;
}

/** How a user names a property in a message: the Terraform attribute (azurerm), body.<path> (azapi), the ARM path. */
function propertyNames(finding: ReportedFinding, item: ExpectedEvidence): string[] {
  return [item.attribute, `body.${item.path}`, item.path].filter((name): name is string => !!name);
}

const UNREAD = /^\((known after apply|not in the snapshot|not in the audit's results|set at deploy time|known only when the pipeline runs|sensitive|not known|not set; .*)\)$/;

/** The `{detail:key}` keys a rule's messages and remediations use. */
function detailKeys(rule: Rule): Set<string> {
  const texts = [...Object.values(rule.remediation), ...rule.checks.flatMap((check) => [check.message, ...(check.messages ?? []).map((variant) => variant.text), ...Object.values((check as { remediation?: Record<string, string> }).remediation ?? {})])];
  const keys = new Set<string>();
  for (const text of texts) for (const match of (text ?? '').matchAll(/\{detail:([^}|]+)/g)) keys.add(match[1]!);
  return keys;
}

/**
 * Text a user would have to fill in from knowledge the scan had: a detail the evaluation did not give,
 * shown as `<key>` or as the renderer's `(key: not known)`; the resource group fallback; or a placeholder
 * nested in another (`<below <priority>>`).
 */
function unfilledPlaceholders(text: string, rule: Rule | undefined): string[] {
  const found: string[] = [];
  for (const key of rule ? detailKeys(rule) : []) {
    if (text.includes(`<${key}>`)) found.push(`<${key}>`);
  }
  for (const match of text.matchAll(/\(\w+: not known\)|<resource-group>|<nsg-resource-group>|<[^<>`]*<[^>]*>[^<>`]*>/g)) found.push(match[0]);
  return found;
}

/** Problems a finding has whatever its case expects; an empty list when it is well formed. */
export function findingProblems(ruleId: string, fixture: FixtureCase, finding: ReportedFinding, files: readonly string[], reportText: string): string[] {
  const problems: string[] = [];
  for (const [field, text] of [['message', finding.message], ['remediation', finding.remediation]] as const) {
    if (PLACEHOLDER.test(text)) problems.push(`${field} has an unrendered placeholder: ${text}`);
  }
  const rule = ruleOf(ruleId);
  for (const [field, text] of [['message', finding.message], ['remediation', finding.remediation]] as const) {
    for (const unfilled of unfilledPlaceholders(text, rule)) problems.push(`${field} shows the placeholder ${unfilled} where a value or words belong: ${text}`);
  }
  const dialect = dialectOf(finding);
  const templates = rule ? [rule.remediation[dialect], ...rule.checks.map((check) => (check as { remediation?: Partial<Record<string, string>> }).remediation?.[dialect])].filter((text): text is string => !!text) : [];
  if (rule && !templates.some((template) => templatePattern(template).test(finding.remediation))) problems.push(`remediation is not the rule's ${dialect} remediation: ${finding.remediation}`);
  const located = finding.location.file.replace(/\\/g, '/');
  const file = files.find((path) => located === path || located.endsWith(`/${path}`));
  if (!file) problems.push(`location ${finding.location.file} is not a file of the case (${files.join(', ')})`);
  else if ((dialect === 'azurerm' || dialect === 'azapi') && file !== 'plan.json') problems.push(`a plan resource's finding points at ${file}`);
  else if (dialect === 'pipeline' && finding.location.line === undefined) problems.push(`a pipeline command's finding names no line in ${file}`);
  if (dialect !== 'azurerm') for (const item of finding.evidence) if (item.attribute !== undefined) problems.push(`evidence of a ${dialect} resource names the Terraform attribute ${item.attribute}`);
  if (finding.status === 'unknown') {
    // A property the rule read and could not decide is named in the message; a rule function's own
    // unknowns (expected "a decidable value") say why in words of their own.
    for (const item of finding.evidence) {
      if (!UNREAD.test(item.actual) || item.expected === 'a decidable value') continue;
      if (!propertyNames(finding, item).some((name) => finding.message.includes(name))) problems.push(`the unknown's message names none of ${propertyNames(finding, item).join(', ')}`);
    }
  }
  for (const value of sensitiveValues(fixture)) if (reportText.includes(value)) problems.push(`the report prints the sensitive value ${value}`);
  return problems;
}

/** What the current code reports for a case, as the YAML a case would hold (for an author to check and paste). */
export function proposedExpectation(file: FixtureFile, fixture: FixtureCase, observed: Observed): Record<string, unknown> {
  const proposal: Record<string, unknown> = {};
  if (observed.findings.length) {
    proposal['findings'] = observed.findings.map((finding) => ({
      message: finding.message,
      ...(finding.severity !== file.severity ? { severity: finding.severity } : {}),
      ...(fixture.expect !== 'pass' && finding.status !== fixture.expect ? { status: finding.status } : {}),
      evidence: finding.evidence,
      remediation: finding.remediation,
    }));
  }
  if (observed.elsewhere.length) proposal['elsewhere'] = observed.elsewhere;
  if (fixture.otherRules) proposal['otherRules'] = observed.otherRules;
  return proposal;
}
