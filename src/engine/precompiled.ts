import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PACKAGE_ROOT } from './policy-dir.js';
import { yaml } from '../lazy-modules.js';

/**
 * Build-time results (scripts/precompile.mjs writes dist/generated/*.json): the built-in rule packs parsed
 * and validated, and the zone table, so a scan does not parse YAML or compile a JSON schema at startup.
 * Each records the size and mtime of the files it came from; it is used only while those match, so an
 * edited pack is never shadowed by a stale build. Run from src (tests), there is no generated directory
 * next to this module and everything is parsed as before.
 */
export const GENERATED_DIR = join(PACKAGE_ROOT, 'dist', 'generated');

export interface SourceStamp {
  size: number;
  mtimeMs: number;
}

export function stampOf(files: readonly string[]): Record<string, SourceStamp> {
  const stamps: Record<string, SourceStamp> = {};
  for (const file of files) {
    const stat = statSync(file);
    stamps[relative(PACKAGE_ROOT, file)] = { size: stat.size, mtimeMs: stat.mtimeMs };
  }
  return stamps;
}

/** The precompiled value for exactly these source files, or undefined when absent or stale. */
export function readPrecompiled<T>(name: string, sources: readonly string[]): T | undefined {
  let stored: { sources: Record<string, SourceStamp>; value: T };
  try {
    stored = JSON.parse(readFileSync(join(GENERATED_DIR, `${name}.json`), 'utf8')) as typeof stored;
  } catch {
    return undefined;
  }
  const current = stampOf(sources);
  const keys = Object.keys(current);
  if (keys.length !== Object.keys(stored.sources).length) return undefined;
  for (const key of keys) {
    const was = stored.sources[key];
    if (!was || was.size !== current[key]!.size || was.mtimeMs !== current[key]!.mtimeMs) return undefined;
  }
  return stored.value;
}

/** A data table under policies/data (zones, egress profiles): precompiled JSON when fresh, else parsed YAML. */
export function readYamlData(file: string): unknown {
  const name = `data-${file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '')}`;
  const stored = readPrecompiled<unknown>(name, [file]);
  if (stored !== undefined) return stored;
  return yaml().parse(readFileSync(file, 'utf8')) as unknown;
}
