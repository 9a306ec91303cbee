import { UserError } from '../errors.js';
import { Inventory } from '../model/inventory.js';
import type { Resource } from '../model/resource.js';
import { applyOverlays } from './terraform/apply-overlays.js';
import { errorText, type InputSummary, type ReportError, type ScanReport } from '../report/scan-report.js';
import { discoverInputs, type Candidate, type Replacement } from './discover.js';
import { readInput, type ReadOutcome } from './read-input.js';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';

/** What was read, from files (scan) or from Azure (audit): the evaluation does not care which. */
export interface ReadResult {
  inventory: Inventory;
  inputs: InputSummary[];
  skipped: ScanReport['skipped'];
  errors: ReportError[];
  /**
   * Targets outside the scan that overlays (src/inputs/terraform/apply-overlays.ts) wrote to, holding only
   * what was written; the overlays themselves are applied to the inventory's resources while reading.
   */
  partials?: Resource[];
}

export function toReportError(error: UserError): ReportError {
  return { ...(error.file ? { file: error.file } : {}), ...(error.line ? { line: error.line } : {}), message: error.problem };
}

/** Reads files into one inventory; a broken file is reported and the others still read. */
export function readFiles(paths: readonly string[], cwd: string, replacements?: ReadonlyMap<string, Replacement>): ReadResult {
  const discovery = discoverInputs(paths, cwd, replacements);
  const errors: ReportError[] = discovery.errors.map(toReportError);
  const inputs: InputSummary[] = [];
  const skipped: ScanReport['skipped'] = [];
  const inventory = new Inventory();
  const outcomes = discovery.candidates.map((candidate): { candidate: Candidate; outcome: ReadOutcome } | { error: UserError } => {
    try {
      return { candidate, outcome: readInput(candidate) };
    } catch (error) {
      if (error instanceof UserError) return { error };
      throw error;
    }
  });
  // A template, local action or script that a pipeline of the scan reads through itself runs only from there,
  // with that caller's parameters and inputs: read on its own as well, it would be judged without them.
  const included = new Set(outcomes.flatMap((read) => ('outcome' in read && read.outcome.status === 'read' ? (read.outcome.input.includes ?? []).map(canonical) : [])));
  for (const read of outcomes) {
    if ('error' in read) {
      errors.push(toReportError(read.error));
      continue;
    }
    const { outcome, candidate } = read;
    if (outcome.status === 'skipped') {
      skipped.push({ file: outcome.file, reason: outcome.reason });
      continue;
    }
    const { input } = outcome;
    const readElsewhere = input.kind === 'pipeline' && included.has(canonical(candidate.path));
    const resources = readElsewhere ? [] : input.resources;
    // The same file read twice (named and found in a walk) gives the same keys: counted once.
    if (input.kind !== 'pipeline') inventory.addRead(resources, input.keys);
    else for (const resource of resources) if (!inventory.get(resource.key)) inventory.add(resource);
    if (input.planContext) inventory.plans.set(input.file, input.planContext);
    if (input.overlays) inventory.overlays.push(...input.overlays);
    for (const problem of input.problems) errors.push({ file: input.file, message: problem });
    // A template included by two pipelines has its problems found twice: each is reported once. Read on its
    // own, an included file's problems are the ones its caller's read finds (a cycle, seen from the other end).
    for (const problem of readElsewhere ? [] : (input.locatedProblems ?? [])) if (!errors.some((known) => errorText(known) === errorText(problem))) errors.push(problem);
    inputs.push({ file: input.file, kind: input.kind, resources: resources.length + (input.overlays?.length ?? 0), unmapped: input.unmapped, ...(input.unread ? { unread: input.unread } : {}) });
  }
  if (discovery.candidates.length === 0 && discovery.errors.length === 0) {
    errors.push({ message: `no Terraform plan, Resource Graph snapshot, Kubernetes manifest or CI pipeline found in ${paths.join(', ')}` });
  }
  // Resources that change other resources are applied here: rules judge the state after apply.
  return { inventory, inputs, skipped, errors, partials: applyOverlays(inventory) };
}

function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
