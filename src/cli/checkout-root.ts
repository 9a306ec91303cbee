import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { realPath } from '../config/repository.js';

/**
 * The root SARIF locations are relative to: code scanning resolves them against the checkout, whatever
 * directory the scan ran in. GITHUB_WORKSPACE when set (the Action's checkout), else the git top level above
 * the working directory (the first ancestor with `.git`, a directory or a worktree's file), else the
 * working directory itself.
 */
export function checkoutRoot(cwd: string, env: Readonly<Record<string, string | undefined>>): string {
  const workspace = env['GITHUB_WORKSPACE'];
  if (workspace) return realPath(resolve(cwd, workspace));
  const start = realPath(resolve(cwd));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}
