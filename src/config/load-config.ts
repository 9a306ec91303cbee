import { lstatSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { Document, LineCounter, Node } from 'yaml';
import { ajv, yaml } from '../lazy-modules.js';
import { UserError, oneLine } from '../errors.js';
import { PACKAGE_ROOT } from '../engine/load-packs.js';
import { displayPath } from '../inputs/display-path.js';
import { lineOfPointer } from '../inputs/yaml-positions.js';
import { emptyConfig, pointerSegment, type AzfenceConfig, type RuleSettings } from './config.js';
import { describeSchemaError, mostSpecific } from '../inputs/schema-errors.js';
import { readYamlFile } from '../inputs/read-yaml-file.js';
import { isInside, repositoryRoot, resolvedPath } from './repository.js';

export type { AzfenceConfig, RuleSettings } from './config.js';
export { parametersForRule, validateConfigAgainstRules } from './parameters.js';

/** Looked for in this order in each directory; the first that exists wins. */
export const CONFIG_FILE_NAMES = ['.azfence.yaml', '.azfence.yml'] as const;

// The schema is read with its validator, when a configuration file is found: a scan without one never needs
// it (a require() at import cost every run ~1.5 ms of CPU, most of it CommonJS loader setup).
let validateConfig: ValidateFunction | undefined;
function configValidator(): ValidateFunction {
  const schema = (): object => JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas', 'config.schema.json'), 'utf8')) as object;
  validateConfig ??= new (ajv().Ajv)({ allErrors: false, strict: true, allowUnionTypes: true }).compile(schema());
  return validateConfig;
}

export interface LoadConfigOptions {
  /** From `--config FILE`; relative to cwd. When given, no discovery happens. */
  explicitPath?: string;
  /** The paths being scanned: a config beside them describes the repository they belong to. */
  scanPaths: readonly string[];
  cwd: string;
}

export function loadConfig(options: LoadConfigOptions): AzfenceConfig {
  const { cwd } = options;
  let file: string | undefined;
  if (options.explicitPath !== undefined) {
    file = resolve(cwd, options.explicitPath);
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat) throw new UserError('no such file', displayPath(file, cwd));
    if (stat.isDirectory()) throw new UserError('is not a file; --config expects a .azfence.yaml file', displayPath(file, cwd));
    // A FIFO or a device is refused when it is read (readRegularFile), in the same words as any input.
  } else {
    file = discoverConfig(options.scanPaths, cwd);
  }
  return file === undefined ? emptyConfig() : readConfigFile(file, displayPath(file, cwd));
}

/** The first config beside a scanned path (a scanned file's own directory counts), else one in cwd. */
export function discoverConfig(scanPaths: readonly string[], cwd: string): string | undefined {
  const dirs = scanPaths.flatMap((path) => {
    const absolute = resolve(cwd, path);
    const stat = statSync(absolute, { throwIfNoEntry: false });
    // A missing scan path is reported by the scan itself; it just has no config to offer.
    if (!stat) return [];
    return [stat.isDirectory() ? absolute : dirname(absolute)];
  });
  for (const dir of [...dirs, resolve(cwd)]) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      // Anything by that name but a directory is the config: a FIFO or a link to /dev/zero in its place is
      // refused when read, and so is a broken link, rather than skipped (which would drop the team's settings
      // without a word).
      const stat = statSync(candidate, { throwIfNoEntry: false }) ?? lstatSync(candidate, { throwIfNoEntry: false });
      if (stat && !stat.isDirectory()) return candidate;
    }
  }
  return undefined;
}

/** As validated: a section whose entries are all commented out parses as null. */
interface RawConfig {
  parameters?: Record<string, unknown> | null;
  rules?: Record<string, (RuleSettings & { parameters?: Record<string, unknown> | null }) | null> | null;
  policies?: string[] | null;
  failOn?: AzfenceConfig['failOn'];
  failOnUnknown?: boolean;
  check?: string[] | null;
  skipCheck?: string[] | null;
  suppressions?: Array<{ rule: string; resource: string; reason: string; expires?: string }> | null;
}

/** Reads, parses and validates one config file; `shownAs` is how errors name it. */
export function readConfigFile(file: string, shownAs: string): AzfenceConfig {
  const { document, lineCounter, value: raw } = readYamlFile(file, shownAs, 'config file');
  // An empty (or comments-only) file is a valid config that sets nothing.
  if (raw === null || raw === undefined) return withLines({ ...emptyConfig(), file: shownAs }, new Map());

  const validate = configValidator();
  if (!validate(raw)) {
    const { problem, pointer } = describeSchemaError(mostSpecific(validate.errors ?? []), 'the config');
    throw new UserError(oneLine(problem), shownAs, lineOfPointer(document, lineCounter, pointer));
  }
  const config = raw as RawConfig;
  const lines = collectLines(document, lineCounter);
  const policies = resolvePolicies(config.policies ?? [], file, shownAs, lines);
  const loaded: AzfenceConfig = {
    file: shownAs,
    parameters: config.parameters ?? {},
    rules: normalizeRules(config.rules ?? {}),
    policies,
    ...(config.failOn !== undefined ? { failOn: config.failOn } : {}),
    ...(config.failOnUnknown !== undefined ? { failOnUnknown: config.failOnUnknown } : {}),
    ...(config.check?.length ? { check: config.check } : {}),
    ...(config.skipCheck?.length ? { skipCheck: config.skipCheck } : {}),
    ...(config.suppressions?.length ? { suppressions: config.suppressions.map((entry, index) => ({ ...entry, ...(lines.has(`/suppressions/${index}`) ? { line: lines.get(`/suppressions/${index}`)! } : {}) })) } : {}),
  };
  return withLines(loaded, lines);
}

function normalizeRules(rules: NonNullable<RawConfig['rules']>): Record<string, RuleSettings> {
  const normalized: Record<string, RuleSettings> = {};
  for (const [id, settings] of Object.entries(rules)) {
    const { parameters, ...rest } = settings ?? {};
    normalized[id] = parameters ? { ...rest, parameters } : rest;
  }
  return normalized;
}

/**
 * Each `policies:` entry is resolved against the config file's directory and, after following symlinks,
 * must stay inside the repository: the config may come from an untrusted pull request.
 */
function resolvePolicies(entries: readonly string[], file: string, shownAs: string, lines: ReadonlyMap<string, number>): string[] {
  if (entries.length === 0) return [];
  const base = dirname(file);
  const root = repositoryRoot(file);
  return entries.map((entry, index) => {
    const absolute = resolve(base, entry);
    if (!isInside(root, resolvedPath(absolute))) {
      throw new UserError(`policies entry "${oneLine(entry, 120)}" is outside the repository`, shownAs, lines.get(`/policies/${index}`));
    }
    return absolute;
  });
}

/**
 * Lines of every key down to `/rules/<id>/parameters/<name>`, the deepest place a later error can point.
 * Walks the parsed nodes, never the expanded aliases, so its cost is bounded by the file's size.
 */
function collectLines(document: Document, lineCounter: LineCounter): Map<string, number> {
  const { isAlias, isMap, isScalar, isSeq } = yaml();
  const lines = new Map<string, number>();
  const walk = (node: unknown, pointer: string, depth: number): void => {
    if (depth >= 4 || isAlias(node)) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (!isScalar(key)) continue;
        const child = `${pointer}/${pointerSegment(String(key.value))}`;
        if (key.range) lines.set(child, lineCounter.linePos(key.range[0]).line);
        walk(pair.value, child, depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const child = `${pointer}/${index}`;
        const range = (item as Node | null)?.range;
        if (range) lines.set(child, lineCounter.linePos(range[0]).line);
        walk(item, child, depth + 1);
      });
    }
  };
  walk(document.contents, '', 0);
  return lines;
}

function withLines(config: AzfenceConfig, lines: ReadonlyMap<string, number>): AzfenceConfig {
  Object.defineProperty(config, 'lines', { value: lines, enumerable: false });
  return config;
}
