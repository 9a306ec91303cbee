import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { SEVERITIES, type Severity } from '../engine/rule.js';
import type { Finding, FindingStatus, ResolvedFinding } from '../findings/finding.js';
import { isPlainObject } from '../model/values.js';
import { readRegularFile } from '../inputs/regular-file.js';

/** The SARIF partialFingerprints key azfence writes; a baseline SARIF is read through it. */
export const FINGERPRINT_KEY = 'azfenceFinding/v1';

export interface Baseline {
  file: string;
  /** `<fingerprint>|<status>` of each finding the baseline holds as open (not suppressed), with what it said. */
  entries: Map<string, ResolvedFinding>;
  /** The same for findings suppressed there: they match only findings that are still suppressed. */
  suppressed: Set<string>;
  /** Entries with no readable status: they cannot say what they saw, so they match nothing. */
  unreadable: number;
}

function statusOf(value: unknown): FindingStatus | undefined {
  return value === 'fail' || value === 'unknown' ? value : undefined;
}

/**
 * Reads an earlier azfence report: JSON (`findings[].fingerprint` and `.status`) or SARIF
 * (`runs[].results[].partialFingerprints["azfenceFinding/v1"]` and `.properties.status`). The fingerprint
 * does not depend on line numbers, so moving a block does not make its finding new; the status does count:
 * a baseline that saw a check undecided (unknown) has not accepted it failing.
 */
export function readBaseline(path: string, cwd: string): Baseline {
  let text: string;
  try {
    text = readRegularFile(resolve(cwd, path), path).toString('utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read the baseline (${(error as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError('is not JSON; --baseline expects an azfence JSON or SARIF report', path);
  }
  const baseline: Baseline = { file: path, entries: new Map(), suppressed: new Set(), unreadable: 0 };
  const add = (fingerprint: unknown, status: FindingStatus | undefined, suppressed: boolean, described: () => Omit<ResolvedFinding, 'fingerprint' | 'status'>): void => {
    if (typeof fingerprint !== 'string') return;
    if (!status) baseline.unreadable++;
    // A suppressed finding was accepted for a reason that is checked afresh on every run (and may expire):
    // the baseline does not accept it a second time.
    else if (suppressed) baseline.suppressed.add(`${fingerprint}|${status}`);
    else baseline.entries.set(`${fingerprint}|${status}`, { ...described(), fingerprint, status });
  };
  if (isPlainObject(json) && Array.isArray(json['runs'])) {
    for (const run of json['runs']) {
      if (!isPlainObject(run) || !Array.isArray(run['results'])) continue;
      for (const result of run['results']) {
        if (!isPlainObject(result)) continue;
        const partial = result['partialFingerprints'];
        const properties = result['properties'];
        const suppressions = result['suppressions'];
        add(
          isPlainObject(partial) ? partial[FINGERPRINT_KEY] : undefined,
          statusOf(isPlainObject(properties) ? properties['status'] : undefined),
          Array.isArray(suppressions) && suppressions.some((entry) => isPlainObject(entry) && (entry['status'] === undefined || entry['status'] === 'accepted')),
          () => describeSarifResult(result),
        );
      }
    }
  } else if (isPlainObject(json) && Array.isArray(json['findings'])) {
    for (const finding of json['findings']) {
      if (isPlainObject(finding)) add(finding['fingerprint'], statusOf(finding['status']), finding['suppression'] !== undefined, () => describeJsonFinding(finding));
    }
  } else {
    throw new UserError('is neither an azfence JSON report (findings[]) nor SARIF (runs[]); --baseline expects one of them', path);
  }
  return baseline;
}

/**
 * Marks each finding new or existing; returns the baseline's open findings that are gone (fixed or removed).
 * A check still reported in another status has not gone: an unknown that fails now is a new failure, and
 * listing its unknown as resolved would count it as fixed.
 */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline): { absent: number; resolved: ResolvedFinding[] } {
  const reported = new Set<string>();
  for (const finding of findings) {
    const key = `${finding.fingerprint}|${finding.status}`;
    const existing = baseline.entries.has(key) || (finding.suppression !== undefined && baseline.suppressed.has(key));
    finding.baseline = existing ? 'existing' : 'new';
    reported.add(finding.fingerprint);
  }
  const resolved = [...baseline.entries.values()].filter((entry) => !reported.has(entry.fingerprint));
  return { absent: resolved.length, resolved: resolved.sort(compareResolved) };
}

function compareResolved(a: ResolvedFinding, b: ResolvedFinding): number {
  const rank = (entry: ResolvedFinding) => (entry.severity ? SEVERITIES.length - SEVERITIES.indexOf(entry.severity) : 0);
  return rank(b) - rank(a) || ordinal(a.ruleId, b.ruleId) || ordinal(a.resource.id, b.resource.id) || ordinal(a.fingerprint, b.fingerprint);
}

function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A string field of an earlier report, or undefined: the baseline is a file, and is read as data. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function severityOf(value: unknown): Severity | undefined {
  return SEVERITIES.includes(value as Severity) ? (value as Severity) : undefined;
}

function line(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function describeJsonFinding(finding: Record<string, unknown>): Omit<ResolvedFinding, 'fingerprint' | 'status'> {
  const resource = isPlainObject(finding['resource']) ? finding['resource'] : {};
  const location = isPlainObject(finding['location']) ? finding['location'] : {};
  return compact({
    ruleId: text(finding['ruleId']) ?? 'unknown rule',
    title: text(finding['title']),
    pack: text(finding['pack']),
    severity: severityOf(finding['severity']),
    message: text(finding['message']),
    resource: compact({ id: text(resource['id']) ?? '', name: text(resource['name']), type: text(resource['type']), address: text(resource['address']) }),
    location: text(location['file']) !== undefined ? compact({ file: text(location['file'])!, line: line(location['line']) }) : undefined,
  });
}

/** A SARIF result azfence wrote: the message carries " Fix: ..." after the finding, which is left out here. */
function describeSarifResult(result: Record<string, unknown>): Omit<ResolvedFinding, 'fingerprint' | 'status'> {
  const properties = isPlainObject(result['properties']) ? result['properties'] : {};
  const message = isPlainObject(result['message']) ? text(result['message']['text']) : undefined;
  const locations = Array.isArray(result['locations']) ? result['locations'] : [];
  const first = isPlainObject(locations[0]) ? locations[0] : {};
  const logical = Array.isArray(first['logicalLocations']) && isPlainObject(first['logicalLocations'][0]) ? first['logicalLocations'][0] : {};
  const physical = isPlainObject(first['physicalLocation']) ? first['physicalLocation'] : {};
  const artifact = isPlainObject(physical['artifactLocation']) ? physical['artifactLocation'] : {};
  const region = isPlainObject(physical['region']) ? physical['region'] : {};
  const file = fileOfUri(text(artifact['uri']));
  return compact({
    ruleId: text(result['ruleId']) ?? 'unknown rule',
    severity: severityOf(properties['severity']),
    message: message?.replace(/ Fix: [\s\S]*$/, ''),
    resource: compact({ id: text(logical['fullyQualifiedName']) ?? '', name: text(logical['name']), type: text(properties['resourceType']), address: text(properties['terraformAddress']) }),
    location: file !== undefined ? compact({ file, line: line(region['startLine']) }) : undefined,
  });
}

/** A SARIF artifact URI back to the path reports show: percent-decoded, a file: URI as its absolute path. */
function fileOfUri(uri: string | undefined): string | undefined {
  if (uri === undefined) return undefined;
  try {
    if (/^file:/i.test(uri)) return fileURLToPath(uri);
    return decodeURIComponent(uri);
  } catch {
    return uri;
  }
}

/** Drops undefined members, so optional fields are absent rather than undefined (exactOptionalPropertyTypes). */
function compact<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

/** What a user should know about entries the baseline could not use. */
export function baselineWarnings(baseline: Baseline): Array<{ file: string; message: string }> {
  if (baseline.unreadable === 0) return [];
  const many = baseline.unreadable !== 1;
  return [{ file: baseline.file, message: `${baseline.unreadable} baseline entr${many ? 'ies' : 'y'} ${many ? 'have' : 'has'} no status (fail or unknown), so ${many ? 'they forgive' : 'it forgives'} nothing` }];
}
