import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { Finding } from '../findings/finding.js';
import { isPlainObject } from '../model/values.js';

/** The SARIF partialFingerprints key azfence writes; a baseline SARIF is read through it. */
export const FINGERPRINT_KEY = 'azfenceFinding/v1';

export interface Baseline {
  file: string;
  fingerprints: Set<string>;
}

/**
 * Reads the fingerprints of an earlier azfence report: JSON (`findings[].fingerprint`) or SARIF
 * (`runs[].results[].partialFingerprints["azfenceFinding/v1"]`). Both carry the same identity, which does
 * not depend on line numbers, so moving a block does not make its finding new.
 */
export function readBaseline(path: string, cwd: string): Baseline {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new UserError(`cannot read the baseline (${(error as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError('is not JSON; --baseline expects an azfence JSON or SARIF report', path);
  }
  const fingerprints = new Set<string>();
  if (isPlainObject(json) && Array.isArray(json['runs'])) {
    for (const run of json['runs']) {
      if (!isPlainObject(run) || !Array.isArray(run['results'])) continue;
      for (const result of run['results']) {
        const partial = isPlainObject(result) ? result['partialFingerprints'] : undefined;
        const value = isPlainObject(partial) ? partial[FINGERPRINT_KEY] : undefined;
        if (typeof value === 'string') fingerprints.add(value);
      }
    }
  } else if (isPlainObject(json) && Array.isArray(json['findings'])) {
    for (const finding of json['findings']) {
      if (isPlainObject(finding) && typeof finding['fingerprint'] === 'string') fingerprints.add(finding['fingerprint']);
    }
  } else {
    throw new UserError('is neither an azfence JSON report (findings[]) nor SARIF (runs[]); --baseline expects one of them', path);
  }
  return { file: path, fingerprints };
}

/** Marks each finding new or existing; returns how many baseline findings are gone (fixed or removed). */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline): { absent: number } {
  const seen = new Set<string>();
  for (const finding of findings) {
    const existing = baseline.fingerprints.has(finding.fingerprint);
    finding.baseline = existing ? 'existing' : 'new';
    if (existing) seen.add(finding.fingerprint);
  }
  return { absent: baseline.fingerprints.size - seen.size };
}
