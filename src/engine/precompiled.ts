import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PACKAGE_ROOT } from './policy-dir.js';
import { yaml } from '../lazy-modules.js';
import { sourceTreeIdOf } from './source-tree-id.js';

/**
 * Build-time results (scripts/precompile.mjs writes dist/generated/*.json, and the package ships them): the
 * built-in rule packs parsed and validated, and the data tables, so a scan parses no YAML and compiles no
 * JSON schema at startup. Each file records what it was made from: the SHA-256 of every source file, and the
 * identity of the code that compiled them. It is used only while both match what would run now, so an
 * edited pack or table, in a checkout or in an installed package, is compiled afresh and never served stale.
 * Contents, not file times: npm gives every installed file the same 1985 time, and git, tar and editors set
 * times that say nothing about contents.
 */
export const GENERATED_DIR = join(PACKAGE_ROOT, 'dist', 'generated');

/** Set by scripts/bundle.mjs (esbuild `define`): the identity of the sources the bundle was built from. */
declare const AZFENCE_BUILD_ID: string | undefined;

export interface Precompiled<T> {
  /** sourceTreeId() of the code that compiled `value`. */
  compiler: string;
  /** Package-relative path -> SHA-256 (hex) of each file `value` was compiled from. */
  sources: Record<string, string>;
  value: T;
}

/**
 * The identity of azfence's code as it is in src/: one hash over every .ts file's path and contents. The
 * build stamps it into the bundle and into each precompiled file; code run from the sources (tests) computes
 * it here. Undefined where there are no sources and no stamp: then the cache
 * is never used.
 */
export function sourceTreeId(root = PACKAGE_ROOT): string | undefined {
  return sourceTreeIdOf(root);
}

let runningCompiler: string | null | undefined;
function compilerId(): string | undefined {
  runningCompiler ??= (typeof AZFENCE_BUILD_ID === 'string' ? AZFENCE_BUILD_ID : sourceTreeId()) ?? null;
  return runningCompiler ?? undefined;
}

/** Package-relative path -> SHA-256 of the file's bytes. */
export function contentHashes(files: readonly string[]): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const file of files) hashes[relative(PACKAGE_ROOT, file).split(sep).join('/')] = hash('sha256', readFileSync(file));
  return hashes;
}

/**
 * The precompiled value for exactly these source files, or undefined when there is none, when it was
 * compiled by other code, or when any of the files differs from what it was compiled from.
 */
export function readPrecompiled<T>(name: string, sources: readonly string[], dir = GENERATED_DIR): T | undefined {
  const compiler = compilerId();
  if (compiler === undefined) return undefined;
  let stored: Precompiled<T>;
  let current: Record<string, string>;
  try {
    stored = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Precompiled<T>;
    if (stored.compiler !== compiler) return undefined;
    current = contentHashes(sources);
  } catch {
    return undefined;
  }
  const keys = Object.keys(current);
  if (keys.length !== Object.keys(stored.sources ?? {}).length) return undefined;
  for (const key of keys) if (stored.sources[key] !== current[key]) return undefined;
  return stored.value;
}

/** What scripts/precompile.mjs writes for `value`, compiled from `sources` by the code in src/. */
export function precompiled<T>(sources: readonly string[], value: T): Precompiled<T> {
  const compiler = sourceTreeId();
  if (compiler === undefined) throw new Error(`no sources under ${join(PACKAGE_ROOT, 'src')} to stamp precompiled results with`);
  return { compiler, sources: contentHashes(sources), value };
}

/** A data table under policies/data (zones, egress profiles): precompiled JSON when fresh, else parsed YAML. */
export function readYamlData(file: string): unknown {
  const stored = readPrecompiled<unknown>(dataTableName(file), [file]);
  if (stored !== undefined) return stored;
  return yaml().parse(readFileSync(file, 'utf8')) as unknown;
}

export function dataTableName(file: string): string {
  return `data-${file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '')}`;
}
