import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { Finding, FindingStatus } from '../findings/finding.js';
import { isPlainObject } from '../model/values.js';
import { readRegularFile } from '../inputs/regular-file.js';

/** The SARIF partialFingerprints key azfence writes; a baseline SARIF is read through it. */
export const FINGERPRINT_KEY = 'azfenceFinding/v1';

export interface Baseline {
  file: string;
  /** `<fingerprint>|<status>` of each finding the baseline holds as open (not suppressed). */
  entries: Set<string>;
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
  const baseline: Baseline = { file: path, entries: new Set(), suppressed: new Set(), unreadable: 0 };
  const add = (fingerprint: unknown, status: FindingStatus | undefined, suppressed: boolean): void => {
    if (typeof fingerprint !== 'string') return;
    if (!status) baseline.unreadable++;
    // A suppressed finding was accepted for a reason that is checked afresh on every run (and may expire):
    // the baseline does not accept it a second time.
    else (suppressed ? baseline.suppressed : baseline.entries).add(`${fingerprint}|${status}`);
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
        );
      }
    }
  } else if (isPlainObject(json) && Array.isArray(json['findings'])) {
    for (const finding of json['findings']) {
      if (isPlainObject(finding)) add(finding['fingerprint'], statusOf(finding['status']), finding['suppression'] !== undefined);
    }
  } else {
    throw new UserError('is neither an azfence JSON report (findings[]) nor SARIF (runs[]); --baseline expects one of them', path);
  }
  return baseline;
}

/** Marks each finding new or existing; returns how many baseline findings are gone (fixed or removed). */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline): { absent: number } {
  const seen = new Set<string>();
  for (const finding of findings) {
    const key = `${finding.fingerprint}|${finding.status}`;
    const existing = baseline.entries.has(key) || (finding.suppression !== undefined && baseline.suppressed.has(key));
    finding.baseline = existing ? 'existing' : 'new';
    if (existing) seen.add(key);
  }
  let absent = 0;
  for (const key of baseline.entries) if (!seen.has(key)) absent++;
  return { absent };
}

/** What a user should know about entries the baseline could not use. */
export function baselineWarnings(baseline: Baseline): Array<{ file: string; message: string }> {
  if (baseline.unreadable === 0) return [];
  const many = baseline.unreadable !== 1;
  return [{ file: baseline.file, message: `${baseline.unreadable} baseline entr${many ? 'ies' : 'y'} ${many ? 'have' : 'has'} no status (fail or unknown), so ${many ? 'they forgive' : 'it forgives'} nothing` }];
}
