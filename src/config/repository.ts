import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { realPath } from '../real-path.js';

export { realPath };

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
 * Where `path` leads once every symlink on it is followed, whether or not the target exists. realPath
 * resolves a missing path through its nearest existing ancestor, which for a dangling symlink is the link
 * itself: a link to a missing file outside the repository would pass for one inside, and the error that
 * followed would tell the link's author that the target does not exist.
 */
export function resolvedPath(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    if (!lstatSync(current, { throwIfNoEntry: false })?.isSymbolicLink()) return realPath(current);
    current = resolve(realPath(dirname(current)), readlinkSync(current));
  }
  return current; // a loop of links: reading it fails (ELOOP) wherever it points
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  // Compare the first segment, not a prefix: a directory named `..policies` is still inside.
  return !isAbsolute(rel) && rel.split(sep)[0] !== '..';
}
