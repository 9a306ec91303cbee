import { UserError } from '../errors.js';
import type { InputKind, Resource } from '../model/resource.js';
import type { KeyIndex } from '../model/key-index.js';
import type { Candidate } from './discover.js';
import type { PlanContext } from '../inputs/terraform/plan-context.js';
import type { Overlay } from '../model/overlay.js';
import { parseJson } from './parse-json.js';
import { readText } from './read-text.js';
import { streamPlan } from './stream/large-file.js';
import { readLargeInput } from './stream/read-large.js';
import { looksLikeSnapshot, readSnapshot } from './resource-graph/read-snapshot.js';
import { readResourceExport } from './resource-graph/export-shapes.js';
import { looksLikePlan, readPlan } from './terraform/read-plan.js';
import { readPlanMembers } from './terraform/plan-members.js';
import { documentSource } from './terraform/plan-source.js';
import { looksLikeJsonManifest, readJsonManifest, readManifests, type ManifestsRead } from './kubernetes/read-manifests.js';
import { pipelineFlavorOfPath, readPipeline, readPipelineByShape, type PipelineRead } from './pipelines/read-pipeline.js';

export interface InputResult {
  file: string;
  /** Plan input: how its resources refer to each other. */
  planContext?: PlanContext;
  kind: InputKind;
  resources: Resource[];
  /** Resources of types no rule reads. */
  unmapped: number;
  /** Snapshot input: the reader's index of `resources` by key, which the inventory takes over (Inventory.addRead). */
  keys?: KeyIndex<number>;
  /** Plan input: resources that change other resources' properties, applied before rules run. */
  overlays?: Overlay[];
  /** Parts of the file that could not be read: reported and counted as errors. */
  problems: string[];
  /** Pipeline input: problems in the templates and scripts it includes, at their own file and line. */
  locatedProblems?: Array<{ file: string; line?: number; message: string }>;
  /** Pipeline input: the files it reads through itself (templates, local actions, scripts), by path. */
  includes?: string[];
  /** Pipeline input: what it runs that the scan cannot read (actions of other repositories), once each. */
  unread?: string[];
}

export type ReadOutcome = { status: 'read'; input: InputResult } | { status: 'skipped'; file: string; reason: string };

/**
 * Below this size JSON.parse of the whole plan is quicker than locating its members first (the walk runs
 * before the JIT has compiled it): a 200 KB plan took 8 ms to walk. AZFENCE_MEMBER_READ_ABOVE_BYTES
 * overrides it (tests force either reader).
 */
const MEMBER_READ_ABOVE = 4 * 1024 * 1024;

function memberReadAbove(): number {
  const override = process.env['AZFENCE_MEMBER_READ_ABOVE_BYTES'];
  return override !== undefined && /^\d+$/.test(override) ? Number(override) : MEMBER_READ_ABOVE;
}

const EXPECTED = 'expected a Terraform plan (terraform show -json), a Resource Graph snapshot (az graph query -o json) or Kubernetes manifests';

/** Reads one candidate file. Throws UserError for a file that is not a valid input. */
export function readInput(candidate: Candidate): ReadOutcome {
  const file = candidate.shownAs;
  // CI pipelines by path (.github/workflows, azure-pipelines*.yml, scripts named by the user): whatever they
  // hold is the user's to fix, so an unreadable one is an error even when found in a walk.
  const pipelineFlavor = pipelineFlavorOfPath(candidate.path);
  if (pipelineFlavor && (pipelineFlavor !== 'script' || candidate.explicit)) {
    return { status: 'read', input: pipelineInput(file, readPipeline(pipelineFlavor, readText(candidate.path, file), candidate.path, file)) };
  }
  if (/\.ya?ml$/i.test(candidate.path)) {
    // YAML is read only as Kubernetes manifests; other YAML found in a walk (CI configs, values) is skipped.
    let text: string;
    try {
      text = readText(candidate.path, file);
    } catch (error) {
      // An empty YAML file in a walk is nobody's input (a placeholder values.yaml), not a broken one.
      if (!candidate.explicit && error instanceof UserError && error.problem.startsWith('is empty')) return { status: 'skipped', file, reason: 'empty YAML' };
      throw error;
    }
    // A template or workflow elsewhere is known by its shape; a manifest (apiVersion and kind) never is.
    const pipeline = readPipelineByShape(text, candidate.path, file);
    if (pipeline) return { status: 'read', input: pipelineInput(file, pipeline) };
    const manifests = readManifests(text, file, candidate.explicit);
    if (manifests.status === 'read') return manifestInput(file, manifests);
    if (!candidate.explicit) return { status: 'skipped', file, reason: manifests.reason };
    throw new UserError(`is YAML but not a Kubernetes manifest (no apiVersion/kind); ${EXPECTED}`, file);
  }
  const large = streamPlan(candidate.path, file);
  if (large) {
    // Too large for one string: read as a stream, one resource at a time.
    const read = readLargeInput(candidate.path, file, large.skipBytes);
    if (read.kind === 'plan') {
      const { context, ...result } = read.result;
      return { status: 'read', input: { file, kind: 'plan', planContext: context, ...result } };
    }
    if (read.kind === 'snapshot') return { status: 'read', input: { file, kind: 'snapshot', unmapped: 0, ...read.result } };
    if (!candidate.explicit) return { status: 'skipped', file, reason: 'JSON that is neither a plan nor a snapshot' };
    throw new UserError(`is JSON of an unknown shape; ${EXPECTED}`, file);
  }
  const text = readText(candidate.path, file);
  const members = text.length > memberReadAbove() ? readPlanMembers(text, file) : undefined;
  if (members) {
    const { context, ...result } = readPlan(members, file);
    return { status: 'read', input: { file, kind: 'plan', planContext: context, ...result } };
  }
  const json = parseJson(text, file);
  if (looksLikePlan(json)) {
    const { context, ...result } = readPlan(documentSource(json, text), file);
    return { status: 'read', input: { file, kind: 'plan', planContext: context, ...result } };
  }
  const exported = readResourceExport(json, file, text);
  if (exported) return { status: 'read', input: { file, kind: 'snapshot', unmapped: 0, ...exported } };
  if (looksLikeSnapshot(json)) {
    const result = readSnapshot(json, file, text);
    return { status: 'read', input: { file, kind: 'snapshot', unmapped: 0, ...result } };
  }
  if (looksLikeJsonManifest(json)) return manifestInput(file, readJsonManifest(json, file));
  if (!candidate.explicit) return { status: 'skipped', file, reason: 'JSON that is neither a plan, a snapshot nor a Kubernetes manifest' };
  throw new UserError(`is JSON of an unknown shape; ${EXPECTED}`, file);
}

function manifestInput(file: string, manifests: ManifestsRead): ReadOutcome {
  const { status: _status, ...result } = manifests;
  return { status: 'read', input: { file, kind: 'manifest', ...result } };
}

function pipelineInput(file: string, read: PipelineRead): InputResult {
  return { file, kind: 'pipeline', resources: read.resources, unmapped: 0, problems: [], locatedProblems: read.problems, includes: read.included, ...(read.unread.length ? { unread: read.unread } : {}) };
}
