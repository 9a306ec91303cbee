import { UserError } from '../errors.js';
import { Inventory } from '../model/inventory.js';
import type { Resource } from '../model/resource.js';
import { applyOverlays } from './terraform/apply-overlays.js';
import { errorText, type InputSummary, type ReportError, type ScanReport } from '../report/scan-report.js';
import { discoverInputs, type Replacement } from './discover.js';
import { readInput } from './read-input.js';

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
  for (const candidate of discovery.candidates) {
    try {
      const outcome = readInput(candidate);
      if (outcome.status === 'skipped') {
        skipped.push({ file: outcome.file, reason: outcome.reason });
        continue;
      }
      const { input } = outcome;
      // A template or local action read on its own and through a pipeline that includes it is read in its own
      // context both times, so the same key is the same command: counted once.
      for (const resource of input.resources) if (input.kind !== 'pipeline' || !inventory.get(resource.key)) inventory.add(resource);
      if (input.planContext) inventory.plans.set(input.file, input.planContext);
      if (input.overlays) inventory.overlays.push(...input.overlays);
      for (const problem of input.problems) errors.push({ file: input.file, message: problem });
      // A template included by two pipelines has its problems found twice: each is reported once.
      for (const problem of input.locatedProblems ?? []) if (!errors.some((known) => errorText(known) === errorText(problem))) errors.push(problem);
      inputs.push({ file: input.file, kind: input.kind, resources: input.resources.length + (input.overlays?.length ?? 0), unmapped: input.unmapped });
    } catch (error) {
      if (error instanceof UserError) errors.push(toReportError(error));
      else throw error;
    }
  }
  if (discovery.candidates.length === 0 && discovery.errors.length === 0) {
    errors.push({ message: `no Terraform plan, Resource Graph snapshot, Kubernetes manifest or CI pipeline found in ${paths.join(', ')}` });
  }
  // Resources that change other resources are applied here: rules judge the state after apply.
  return { inventory, inputs, skipped, errors, partials: applyOverlays(inventory) };
}
