import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, found by walking up to azfence's own package.json: the code runs from src/ (tests),
 * from dist/ (tsc output) and from the single-file bundle (dist/azfence.js), each at another depth.
 */
function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'azfence') return dir;
      } catch {
        // Not ours; keep walking.
      }
    }
    if (dirname(dir) === dir) throw new Error('azfence cannot find its own package.json');
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
