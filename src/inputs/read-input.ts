import { UserError } from '../errors.js';
import type { InputKind, Resource } from '../model/resource.js';
import type { Candidate } from './discover.js';
import type { PlanContext } from '../graph/plan-context.js';
import { parseJson } from './parse-json.js';
import { readText } from './read-text.js';
import { looksLikeSnapshot, readSnapshot } from './resource-graph/read-snapshot.js';
import { looksLikePlan, readPlan } from './terraform/read-plan.js';

export interface InputResult {
  file: string;
  /** Plan input: how its resources refer to each other. */
  planContext?: PlanContext;
  kind: InputKind;
  resources: Resource[];
  /** Resources of types no rule reads. */
  unmapped: number;
  /** Parts of the file that could not be read: reported and counted as errors. */
  problems: string[];
}

export type ReadOutcome = { status: 'read'; input: InputResult } | { status: 'skipped'; file: string; reason: string };

const EXPECTED = 'expected a Terraform plan (terraform show -json) or a Resource Graph snapshot (az graph query -o json)';

/** Reads one candidate file. Throws UserError for a file that is not a valid input. */
export function readInput(candidate: Candidate): ReadOutcome {
  const file = candidate.shownAs;
  if (/\.ya?ml$/i.test(candidate.path)) {
    throw new UserError(`is YAML; ${EXPECTED}`, file);
  }
  const text = readText(candidate.path, file);
  const json = parseJson(text, file);
  if (looksLikePlan(json)) {
    const { context, ...result } = readPlan(json, file, text);
    return { status: 'read', input: { file, kind: 'plan', planContext: context, ...result } };
  }
  if (looksLikeSnapshot(json)) {
    const result = readSnapshot(json, file, text);
    return { status: 'read', input: { file, kind: 'snapshot', unmapped: 0, ...result } };
  }
  if (!candidate.explicit) return { status: 'skipped', file, reason: 'neither a plan nor a snapshot' };
  throw new UserError(`is JSON of an unknown shape; ${EXPECTED}`, file);
}
