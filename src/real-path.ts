import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

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
