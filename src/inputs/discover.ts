import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { displayPath } from './display-path.js';
import { UserError } from '../errors.js';

export interface Candidate {
  path: string;
  /** How the file is named in messages: relative to the working directory. */
  shownAs: string;
  /** Named by the user (must be an input) or found in a directory walk (may be skipped if not one). */
  explicit: boolean;
}

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.terraform', '.git', '.svn', '.hg']);
/** JSON files in a walked directory that are never scan inputs. */
const NOT_INPUTS = /^(package(-lock)?\.json|tsconfig.*\.json|jsconfig\.json|\.?eslintrc.*\.json|composer\.json|.*\.code-workspace|.*\.tfstate(\.backup)?|.*\.sarif(\.json)?)$/i;

/**
 * YAML in a walked directory is read as Kubernetes manifests (other YAML is skipped after a look). Never
 * the azfence config itself, nor lock files that are large and never manifests.
 */
const YAML_FILE = /\.ya?ml$/i;
const NOT_YAML_INPUTS = /^(\.azfence\.ya?ml|pnpm-lock\.yaml)$/i;

/** A named input read from another file: `-` (stdin, saved first) or a binary plan converted to JSON. */
export interface Replacement {
  path?: string;
  /** How messages name it; default: the path as named. */
  shownAs?: string;
  /** Why it could not be prepared (a binary plan without terraform on PATH): an input error like any other. */
  error?: string;
}

export interface Discovery {
  candidates: Candidate[];
  errors: UserError[];
}

/**
 * Expands the paths the user named into files to read. Directories are walked (symlinks followed once:
 * a loop is cut at the directory already visited); unreadable entries are reported, not ignored.
 */
export function discoverInputs(paths: readonly string[], cwd = process.cwd(), replacements?: ReadonlyMap<string, Replacement>): Discovery {
  const candidates: Candidate[] = [];
  const errors: UserError[] = [];
  const visited = new Set<string>();
  const show = (path: string): string => displayPath(path, cwd);

  const walk = (dir: string): void => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      errors.push(new UserError('cannot be resolved (broken symlink?)', show(dir)));
      return;
    }
    if (visited.has(real)) return;
    visited.add(real);
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (error) {
      errors.push(new UserError(`cannot be listed (${(error as NodeJS.ErrnoException).code ?? 'error'})`, show(dir)));
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      let stats;
      try {
        stats = statSync(path);
      } catch {
        if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) errors.push(new UserError('is a broken symlink', show(path)));
        continue;
      }
      if (stats.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(name)) walk(path);
      } else if (stats.isFile() && /\.json$/i.test(name) && !NOT_INPUTS.test(name)) {
        candidates.push({ path, shownAs: show(path), explicit: false });
      } else if (stats.isFile() && YAML_FILE.test(name) && !NOT_YAML_INPUTS.test(name)) {
        candidates.push({ path, shownAs: show(path), explicit: false });
      }
    }
  };

  for (const named of paths) {
    const replacement = replacements?.get(named);
    if (replacement) {
      const shownAs = replacement.shownAs ?? show(resolve(cwd, named));
      if (replacement.path !== undefined) candidates.push({ path: replacement.path, shownAs, explicit: true });
      else errors.push(new UserError(replacement.error ?? 'could not be read', shownAs));
      continue;
    }
    const path = resolve(cwd, named);
    let stats;
    try {
      stats = statSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      errors.push(new UserError(code === 'ENOENT' ? 'no such file or directory' : `cannot be read (${code ?? 'error'})`, named));
      continue;
    }
    if (stats.isDirectory()) walk(path);
    else candidates.push({ path, shownAs: show(path), explicit: true });
  }
  return { candidates, errors };
}
