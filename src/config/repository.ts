import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * The directory a config may reach into: the git repository holding the config file (first ancestor with
 * a `.git` directory or file, so worktrees and submodules count), else the config file's own directory.
 * A config can arrive in an untrusted pull request, so `policies:` must not load rule packs from
 * elsewhere on the runner (for example a pack planted in /tmp or a path that makes error messages echo
 * files outside the checkout).
 */
export function repositoryRoot(configFile: string): string {
  const start = realPath(dirname(configFile));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

/**
 * Resolves symlinks in `path`, or, when it does not exist (yet), in its nearest existing ancestor, so a
 * symlinked parent directory cannot smuggle a missing path out of the repository either.
 */
export function realPath(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(realPath(parent), basename(absolute));
  }
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  // Compare the first segment, not a prefix: a directory named `..policies` is still inside.
  return !isAbsolute(rel) && rel.split(sep)[0] !== '..';
}
