import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { applyBaseline, baselineWarnings, readBaseline } from '../post-process/baseline.js';
import { SEVERITIES, type Severity } from '../engine/rule.js';
import { compareFindings, type Finding, type FindingStatus, type ShownEvidence } from '../findings/finding.js';
import { readRegularFile } from '../inputs/regular-file.js';
import { isPlainObject } from '../model/values.js';
import type { InputKind } from '../model/resource.js';
import { nowMs } from '../clock.js';
import { setUpRules } from '../config/rule-setup.js';
import type { InputSummary, ScanReport, ShardAssignment, ShardReport } from '../report/scan-report.js';
import { ruleDescriptorOf } from '../report/rule-descriptor.js';
import { TOOL_VERSION } from '../version.js';

export interface MergeOptions {
  paths: readonly string[];
  cwd: string;
  policyPaths?: readonly string[];
  configPath?: string;
  baselinePath?: string;
}

/** One shard's JSON report as read: only what merging needs, each field checked. */
interface ShardFile {
  file: string;
  shard: ShardReport;
  findings: Finding[];
  inputs: InputSummary[];
  errors: ScanReport['errors'];
  warnings: NonNullable<ScanReport['warnings']>;
  resourcesRead: number;
  resources: number;
  checksPassed: number;
}

/**
 * Joins the JSON reports of `azfence audit --shard K/N` into one report, as one audit of the whole scope
 * would have written it. The shards must be all N parts of one split, each once: a missing shard, a
 * duplicate, or shards whose count queries split the estate differently (resources were added between
 * their runs) would leave subscriptions out or judge them twice, so each is an error naming the file.
 */
export function mergeReports(options: MergeOptions): ScanReport {
  const started = nowMs();
  if (options.paths.length === 0) throw new UserError('merge needs the JSON reports of every shard (azfence merge shard-1.json shard-2.json ...)');
  const setup = setUpRules({ scanPaths: [], cwd: options.cwd, ...(options.policyPaths ? { policyPaths: options.policyPaths } : {}), ...(options.configPath ? { configPath: options.configPath } : {}) });
  const baseline = options.baselinePath !== undefined ? readBaseline(options.baselinePath, options.cwd) : undefined;
  const shards = options.paths.map((path) => readShardReport(path, options.cwd));
  checkCoverage(shards);
  const rules = new Map(setup.rules.map((rule) => [rule.id, rule]));
  for (const shard of shards) {
    const unknown = shard.findings.find((finding) => !rules.has(finding.ruleId));
    if (unknown) throw new UserError(`has findings of rule ${unknown.ruleId}, which is not loaded here; give merge the --policies and --config the shards ran with`, shard.file);
  }

  const findings = shards.flatMap((shard) => shard.findings);
  const report: ScanReport = {
    inputs: shards.flatMap((shard) => shard.inputs),
    skipped: [],
    // Every shard reads the other shards' linked resources too: a subscription none can read is named by each.
    errors: unique(shards.flatMap((shard) => shard.errors)),
    rules: setup.rules.map(ruleDescriptorOf),
    config: { ...(setup.config.file ? { file: setup.config.file } : {}), ...(setup.config.failOn ? { failOn: setup.config.failOn } : {}), ...(setup.config.failOnUnknown !== undefined ? { failOnUnknown: setup.config.failOnUnknown } : {}) },
    configuration: setup.configuration,
    findings,
    stats: {
      resources: sum(shards, (shard) => shard.resourcesRead),
      evaluated: sum(shards, (shard) => shard.resources),
      checksPassed: sum(shards, (shard) => shard.checksPassed),
      operations: 0,
      durationMs: Math.round(nowMs() - started),
    },
    warnings: unique(shards.flatMap((shard) => shard.warnings)),
  };
  if (baseline) {
    const { absent, resolved } = applyBaseline(report.findings, baseline);
    report.baseline = { file: baseline.file, absent, resolved };
    report.warnings!.push(...baselineWarnings(baseline));
  }
  report.findings.sort(compareFindings);
  return report;
}

function unique<T extends { file?: string; line?: number; message: string }>(entries: readonly T[]): T[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = `${entry.file ?? ''}\u0000${entry.line ?? ''}\u0000${entry.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sum(shards: readonly ShardFile[], of: (shard: ShardFile) => number): number {
  return shards.reduce((total, shard) => total + of(shard), 0);
}

function checkCoverage(shards: readonly ShardFile[]): void {
  const [first] = shards;
  const count = first!.shard.count;
  const plan = planKey(first!.shard.plan);
  const seen = new Map<number, string>();
  for (const shard of shards) {
    if (shard.shard.count !== count) throw new UserError(`is shard ${shard.shard.index}/${shard.shard.count}, but ${first!.file} is one of ${count}: merge the shards of one run`, shard.file);
    const twice = seen.get(shard.shard.index);
    if (twice) throw new UserError(`is shard ${shard.shard.index}/${count} again (so is ${twice}); each shard once`, shard.file);
    seen.set(shard.shard.index, shard.file);
    if (planKey(shard.shard.plan) !== plan) {
      throw new UserError(`split the subscriptions differently from ${first!.file} (the resource counts changed between the shards' runs, or they audited different scopes); rerun the shards together so that each subscription is audited exactly once`, shard.file);
    }
    const own = shard.shard.plan.filter((entry) => entry.shard === shard.shard.index).map((entry) => entry.subscription);
    if (own.join(',') !== [...shard.shard.subscriptions].sort().join(',')) throw new UserError(`audited subscriptions its own split does not give it`, shard.file);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !seen.has(index));
  if (missing.length) throw new UserError(`shard${missing.length === 1 ? '' : 's'} ${missing.map((index) => `${index}/${count}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: the merged report would leave ${missing.length === 1 ? 'its' : 'their'} subscriptions out and the gate would pass without them`);
}

function planKey(plan: readonly ShardAssignment[]): string {
  return JSON.stringify([...plan].sort((a, b) => (a.subscription < b.subscription ? -1 : 1)).map((entry) => [entry.subscription, entry.shard]));
}

function readShardReport(path: string, cwd: string): ShardFile {
  let text: string;
  try {
    text = readRegularFile(resolve(cwd, path), path).toString('utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read the report (${(error as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError('is not JSON; merge takes the JSON reports of azfence audit --shard (--format json)', path);
  }
  if (!isPlainObject(json) || !Array.isArray(json['findings']) || !isPlainObject(json['summary'])) throw new UserError('is not an azfence JSON report (findings[] and summary)', path);
  if (json['version'] !== TOOL_VERSION) throw new UserError(`was written by azfence ${String(json['version'])}, this is ${TOOL_VERSION}: merge reports of one version, whose rules and fingerprints agree`, path);
  if (!isPlainObject(json['shard'])) throw new UserError('has no shard: merge joins the reports of azfence audit --shard K/N', path);
  if (json['resolved'] !== undefined) throw new UserError('was run with --baseline; give --baseline to azfence merge instead (a shard sees only its part of the estate)', path);
  const problem = (what: string): never => {
    throw new UserError(`is not a well-formed shard report: ${what}`, path);
  };
  const summary = json['summary'];
  const shard = shardOf(json['shard']) ?? problem('shard');
  return {
    file: path,
    shard,
    findings: json['findings'].map((finding, index) => findingOf(finding) ?? problem(`findings[${index}]`)),
    inputs: arrayOf(json['inputs'], inputOf) ?? problem('inputs'),
    errors: arrayOf(json['errors'], messageOf) ?? problem('errors'),
    warnings: json['warnings'] === undefined ? [] : arrayOf(json['warnings'], messageOf) ?? problem('warnings'),
    resourcesRead: count(summary['resourcesRead']) ?? problem('summary.resourcesRead'),
    resources: count(summary['resources']) ?? problem('summary.resources'),
    checksPassed: count(summary['checksPassed']) ?? problem('summary.checksPassed'),
  };
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function arrayOf<T>(value: unknown, item: (value: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: T[] = [];
  for (const entry of value) {
    const parsed = item(entry);
    if (parsed === undefined) return undefined;
    out.push(parsed);
  }
  return out;
}

function shardOf(value: unknown): ShardReport | undefined {
  if (!isPlainObject(value)) return undefined;
  const index = count(value['index']);
  const total = count(value['count']);
  const subscriptions = arrayOf(value['subscriptions'], str);
  const plan = arrayOf(value['plan'], (entry) => {
    if (!isPlainObject(entry)) return undefined;
    const subscription = str(entry['subscription']);
    const resources = count(entry['resources']);
    const shard = count(entry['shard']);
    return subscription !== undefined && resources !== undefined && shard !== undefined ? { subscription, resources, shard } : undefined;
  });
  const linkedResources = count(value['linkedResources']);
  if (!index || !total || index > total || !subscriptions || !plan || linkedResources === undefined) return undefined;
  return { index, count: total, subscriptions, plan, linkedResources };
}

function inputOf(value: unknown): InputSummary | undefined {
  if (!isPlainObject(value)) return undefined;
  const file = str(value['file']);
  const kind = str(value['kind']);
  const resources = count(value['resources']);
  if (file === undefined || !['plan', 'snapshot', 'audit', 'manifest'].includes(kind ?? '') || resources === undefined) return undefined;
  return { file, kind: kind as InputKind, resources, unmapped: count(value['unmapped']) ?? 0 };
}

function messageOf(value: unknown): { file?: string; line?: number; message: string } | undefined {
  if (!isPlainObject(value) || typeof value['message'] !== 'string') return undefined;
  const file = str(value['file']);
  const line = count(value['line']);
  return { ...(file !== undefined ? { file } : {}), ...(line ? { line } : {}), message: value['message'] };
}

function findingOf(value: unknown): Finding | undefined {
  if (!isPlainObject(value)) return undefined;
  const resource = isPlainObject(value['resource']) ? value['resource'] : undefined;
  const location = isPlainObject(value['location']) ? value['location'] : undefined;
  const severity = value['severity'] as Severity;
  const status = value['status'] as FindingStatus;
  const fields = [value['ruleId'], value['title'], value['pack'], value['message'], value['remediation'], value['fingerprint'], resource?.['id'], resource?.['type'], resource?.['name'], location?.['file']];
  if (!resource || !location || fields.some((field) => typeof field !== 'string') || !SEVERITIES.includes(severity) || (status !== 'fail' && status !== 'unknown')) return undefined;
  const evidence = arrayOf(value['evidence'] ?? [], (entry) => {
    if (!isPlainObject(entry) || typeof entry['path'] !== 'string' || typeof entry['actual'] !== 'string' || typeof entry['expected'] !== 'string') return undefined;
    return { path: entry['path'], actual: entry['actual'], expected: entry['expected'], ...(typeof entry['attribute'] === 'string' ? { attribute: entry['attribute'] } : {}) } satisfies ShownEvidence;
  });
  if (!evidence) return undefined;
  const suppression = isPlainObject(value['suppression']) && typeof value['suppression']['reason'] === 'string' && (value['suppression']['kind'] === 'inSource' || value['suppression']['kind'] === 'external')
    ? {
        kind: value['suppression']['kind'] as 'inSource' | 'external',
        reason: value['suppression']['reason'],
        ...(typeof value['suppression']['expires'] === 'string' ? { expires: value['suppression']['expires'] } : {}),
        ...(typeof value['suppression']['file'] === 'string' ? { file: value['suppression']['file'] } : {}),
        ...(count(value['suppression']['line']) ? { line: count(value['suppression']['line'])! } : {}),
      }
    : undefined;
  const line = count(location['line']);
  const column = count(location['column']);
  return {
    ruleId: value['ruleId'] as string,
    ruleTitle: value['title'] as string,
    pack: value['pack'] as string,
    severity,
    status,
    message: value['message'] as string,
    resource: { id: resource['id'] as string, type: resource['type'] as string, name: resource['name'] as string, ...(typeof resource['address'] === 'string' ? { address: resource['address'] } : {}) },
    location: { file: location['file'] as string, ...(line ? { line } : {}), ...(column ? { column } : {}) },
    inputKind: 'audit',
    dialect: 'arm',
    remediation: value['remediation'] as string,
    evidence,
    fingerprint: value['fingerprint'] as string,
    checkIndex: 0,
    ...(suppression ? { suppression } : {}),
  };
}
