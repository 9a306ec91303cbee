import { basename } from 'node:path';
import { UserError } from '../../errors.js';
import { registerArmType } from '../../model/arm-types.js';
import type { Resource } from '../../model/resource.js';
import { looksLikeAzurePipeline, readAzurePipeline } from './azure-pipelines.js';
import { looksLikeGithubWorkflow, readGithubWorkflow } from './github-actions.js';
import { ACR_COMMAND_TYPE, PipelineState, type PipelineFile } from './pipeline-state.js';
import { parsePipelineYaml, type YamlView } from './yaml-nodes.js';

registerArmType(ACR_COMMAND_TYPE);

export { ACR_COMMAND_TYPE };

export type PipelineFlavor = 'github-actions' | 'azure-pipelines' | 'script';

export interface PipelineRead {
  resources: Resource[];
  problems: Array<{ file: string; line?: number; message: string }>;
  /** Files read through this one (templates, local actions, scripts), by path. */
  included: string[];
  /** What the pipeline runs that the scan cannot read, once each: the input's coverage note. */
  unread: string[];
}

/** Files whose path says they are pipelines: read as such, and an error if they cannot be. */
export function pipelineFlavorOfPath(path: string): PipelineFlavor | undefined {
  const normalized = path.replace(/\\/g, '/');
  const name = basename(normalized);
  // Workflows and Azure Pipelines files are YAML: a file whose name does not end in .yml or .yaml is neither,
  // and skips their three expressions, each compiled by V8 on first use (case-insensitive ones cost a small
  // scan's start ~0.1 ms apiece). This one is discover.ts's and load-packs.ts's, which V8 compiles once.
  if (/\.ya?ml$/i.test(name)) {
    if (/(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(normalized)) return 'github-actions';
    if (/^azure-pipelines[^/]*\.ya?ml$/i.test(name) || /(^|\/)\.azure-pipelines\/[^/]+\.ya?ml$/i.test(normalized)) return 'azure-pipelines';
  }
  if (/\.(sh|bash|ps1)$/i.test(normalized)) return 'script';
  return undefined;
}

/** Cheap test before parsing: only YAML with a pipeline's top-level keys is parsed to look at its shape. */
const PIPELINE_KEYS_TEXT = /^(?:jobs|steps|stages|extends|runs)\s*:/m;

/**
 * Reads YAML found by shape (a template, a workflow outside .github): the shape decides, and a Kubernetes
 * manifest (top-level apiVersion and kind) is never taken for a pipeline. Undefined when it is no pipeline.
 */
export function readPipelineByShape(text: string, path: string, shownAs: string): PipelineRead | undefined {
  if (!PIPELINE_KEYS_TEXT.test(text)) return undefined;
  let view: YamlView;
  try {
    view = parsePipelineYaml(text, shownAs);
  } catch {
    return undefined;
  }
  if (looksLikeGithubWorkflow(view)) return readWith('github-actions', text, path, shownAs, view);
  if (looksLikeAzurePipeline(view)) return readWith('azure-pipelines', text, path, shownAs, view);
  return undefined;
}

/** Reads a file known to be a pipeline (by path, or named by the user as one). Throws UserError for one that is not readable at all. */
export function readPipeline(flavor: PipelineFlavor, text: string, path: string, shownAs: string): PipelineRead {
  if (flavor === 'script') return readWith(flavor, text, path, shownAs, undefined);
  const view = parsePipelineYaml(text, shownAs);
  if (flavor === 'azure-pipelines' && looksLikeGithubWorkflow(view)) return readWith('github-actions', text, path, shownAs, view);
  return readWith(flavor, text, path, shownAs, view);
}

function readWith(flavor: PipelineFlavor, text: string, path: string, shownAs: string, view: YamlView | undefined): PipelineRead {
  const file: PipelineFile = { path, shownAs, lines: text.replace(/\r\n?/g, '\n').split('\n') };
  const state = new PipelineState(file);
  if (flavor === 'github-actions') readGithubWorkflow(state, file, view!);
  else if (flavor === 'azure-pipelines') readAzurePipeline(state, file, view!);
  else {
    const dialect = /\.ps1$/i.test(path) ? 'powershell' : 'posix';
    state.scan({ file, address: basename(path), step: `script ${basename(path)}`, keyLines: [], scriptsRelativeTo: 'root' }, file.lines.join('\n'), dialect, 1, { env: new Map(), unknownEnv: new Map() }, { entries: [] });
  }
  if (flavor !== 'script' && view && state.resources.length === 0 && state.problems.length === 0 && !hasAnySteps(text)) {
    throw new UserError(flavor === 'github-actions' ? 'is not a GitHub Actions workflow (no jobs with steps)' : 'is not an Azure Pipelines definition (no stages, jobs or steps)', shownAs);
  }
  return { resources: state.resources, problems: state.problems, included: [...state.included], unread: [...state.unread] };
}

function hasAnySteps(text: string): boolean {
  return /^\s*(?:jobs|steps|stages|extends|runs)\s*:/m.test(text);
}
