import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { Finding } from '../findings/finding.js';
import { moduleCallPath, moduleInstanceOf, splitKey, splitSteps, type PlanContext } from '../inputs/terraform/plan-context.js';
import { displayPath } from '../inputs/display-path.js';
import { isInside, realPath, repositoryRoot } from '../config/repository.js';
import { isPlainObject } from '../model/values.js';
import { readRegularFile } from '../inputs/regular-file.js';
import { scanHcl, type HclBlock, type HclFile } from '../inputs/terraform/hcl-scanner.js';

export interface SourceMapOptions {
  /** `--source DIR` (relative to cwd): the root module's directory for every plan scanned. */
  sourceDir?: string;
  cwd: string;
}

/** Where a plan finding's resource is written, kept for inline suppressions. */
export interface MappedSource {
  hcl: HclFile;
  /** As shown in reports (relative to cwd). */
  file: string;
  blockLine: number;
  /** The line of the attribute the finding is about, when it is written in the block. */
  attributeLine?: number;
}

export interface SourceMapResult {
  mapped: Map<Finding, MappedSource>;
  warnings: Array<{ file?: string; line?: number; message: string }>;
}

interface IndexedBlock {
  path: string;
  hcl: HclFile;
  block: HclBlock;
}

/**
 * Parses .tf files once per directory and indexes their `resource` and `data` blocks by
 * `resource.<type>.<name>` / `data.<type>.<name>`.
 */
class SourceTree {
  private readonly dirs = new Map<string, Map<string, IndexedBlock>>();

  blocksIn(dir: string): Map<string, IndexedBlock> {
    let index = this.dirs.get(dir);
    if (index) return index;
    index = new Map();
    this.dirs.set(dir, index);
    for (const name of tfFiles(dir)) {
      const path = join(dir, name);
      let text: string;
      try {
        text = readRegularFile(path, path).toString('utf8');
      } catch {
        continue; // an unreadable file (or a FIFO in its place) only costs the mapping of its resources
      }
      const hcl = scanHcl(text);
      for (const block of hcl.blocks) {
        if ((block.type !== 'resource' && block.type !== 'data') || block.labels.length < 2) continue;
        const key = `${block.type}.${block.labels[0]}.${block.labels[1]}`;
        if (!index.has(key)) index.set(key, { path, hcl, block });
      }
    }
    return index;
  }
}

function tfFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.tf'))
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** `.terraform/modules/modules.json` written by `terraform init`: call path -> module directory. */
function readModuleManifest(root: string): Map<string, string> | undefined {
  let json: unknown;
  try {
    // Committed with a pull request it may be a link to /dev/zero: only a regular file is read.
    const path = join(root, '.terraform', 'modules', 'modules.json');
    json = JSON.parse(readRegularFile(path, path).toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isPlainObject(json) || !Array.isArray(json['Modules'])) return undefined;
  const out = new Map<string, string>();
  for (const module of json['Modules']) {
    if (isPlainObject(module) && typeof module['Key'] === 'string' && typeof module['Dir'] === 'string') out.set(module['Key'], resolve(root, module['Dir']));
  }
  return out;
}

/** The directory holding a module's .tf files, or undefined for a remote module that was not initialised. */
function moduleDir(root: string, callPath: readonly string[], manifest: Map<string, string> | undefined, sources: ReadonlyMap<string, string> | undefined): string | undefined {
  if (callPath.length === 0) return root;
  const fromManifest = manifest?.get(callPath.join('.'));
  if (fromManifest) return fromManifest;
  let dir = root;
  for (let i = 0; i < callPath.length; i++) {
    const source = sources?.get(callPath.slice(0, i + 1).join('.'));
    // Only local paths name a directory; registry and git sources live in .terraform after init.
    if (!source || !/^\.\.?[\\/]/.test(source)) return undefined;
    dir = resolve(dir, source);
  }
  return dir;
}

/** `module.net["a"].azurerm_subnet.this["x"]` -> `resource.azurerm_subnet.this`: the block that declares it. */
export function blockKeyOf(address: string): string | undefined {
  const steps = splitSteps(address);
  let i = 0;
  while (steps[i] === 'module') i += 2;
  const rest = steps.slice(i);
  const [kind, type, name] = rest[0] === 'data' ? ['data', rest[1], rest[2]] : ['resource', rest[0], rest[1]];
  if (!type || !name) return undefined;
  return `${kind}.${type}.${splitKey(name).name}`;
}

/** The attribute (or nested block) a finding is about, as written at the top of the resource block. */
function attributeItem(finding: Finding, block: HclBlock): { line: number; column: number } | undefined {
  const names = finding.evidence.map((item) => item.attribute?.split(/[.[]/)[0]).filter((name): name is string => Boolean(name));
  // azapi findings are about a property inside `body`.
  if (finding.dialect === 'azapi') names.push('body');
  for (const name of names) {
    const item = block.attributes.get(name) ?? block.blocks.get(name)?.[0];
    if (item) return item;
  }
  return undefined;
}

function defaultSourceDir(planFile: string, cwd: string): string | undefined {
  const dir = dirname(resolve(cwd, planFile));
  return tfFiles(dir).length > 0 ? dir : undefined;
}

/**
 * Points plan findings at their .tf source: the attribute's line when the attribute is written, else the
 * resource block's line. count/for_each instances map to their one block; resources in modules map into
 * the module's directory (`.terraform/modules/modules.json` when present, else the call's local `source`).
 * The plan location moves to `planLocation`. Findings that cannot be mapped keep the plan location.
 */
export function mapFindingsToSource(findings: Finding[], plans: ReadonlyMap<string, PlanContext>, options: SourceMapOptions): SourceMapResult {
  const { cwd } = options;
  const mapped = new Map<Finding, MappedSource>();
  const warnings: SourceMapResult['warnings'] = [];
  let explicitRoot: string | undefined;
  if (options.sourceDir !== undefined) {
    explicitRoot = resolve(cwd, options.sourceDir);
    if (!statSync(explicitRoot, { throwIfNoEntry: false })?.isDirectory()) throw new UserError('no such directory (--source expects the Terraform root module directory)', options.sourceDir);
  }
  const tree = new SourceTree();
  const noSources = new Set<string>();
  const perPlan = new Map<string, { root: string; repo: string; manifest: Map<string, string> | undefined; unmapped: number }>();
  for (const finding of findings) {
    // A finding about a property another resource wrote belongs on that resource's block.
    const address = finding.writtenBy?.address ?? finding.resource.address;
    if (finding.inputKind !== 'plan' || !address) continue;
    const planFile = finding.location.file;
    if (!plans.has(planFile)) continue;
    if (noSources.has(planFile)) continue;
    let plan = perPlan.get(planFile);
    if (!plan) {
      const root = explicitRoot ?? defaultSourceDir(planFile, cwd);
      // Remember a plan without .tf beside it: listing its directory once per finding cost seconds.
      if (!root) {
        noSources.add(planFile);
        continue;
      }
      // Module sources come from the plan, which may come from an untrusted pull request: never read
      // outside the repository holding the root module.
      plan = { root, repo: repositoryRoot(join(root, 'main.tf')), manifest: readModuleManifest(root), unmapped: 0 };
      perPlan.set(planFile, plan);
    }
    const dir = moduleDir(plan.root, moduleCallPath(moduleInstanceOf(address)), plan.manifest, plans.get(planFile)?.moduleSources);
    const key = blockKeyOf(address);
    const found = dir && key && isInside(plan.repo, realPath(dir)) ? tree.blocksIn(dir).get(key) : undefined;
    if (!found) {
      plan.unmapped++;
      continue;
    }
    const attribute = attributeItem(finding, found.block);
    const file = displayPath(found.path, cwd);
    finding.planLocation = finding.location;
    finding.location = attribute ? { file, line: attribute.line, column: attribute.column } : { file, line: found.block.line, column: found.block.column };
    mapped.set(finding, { hcl: found.hcl, file, blockLine: found.block.line, ...(attribute ? { attributeLine: attribute.line } : {}) });
  }
  for (const [planFile, plan] of perPlan) {
    if (plan.unmapped > 0) {
      warnings.push({ file: planFile, message: `${plan.unmapped} finding${plan.unmapped === 1 ? '' : 's'} could not be mapped to a resource block under ${displayPath(plan.root, cwd) || '.'}; they point at the plan` });
    }
  }
  return { mapped, warnings };
}
