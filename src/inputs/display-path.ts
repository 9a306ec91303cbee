import { isAbsolute, relative, sep } from 'node:path';

/**
 * How a file is named in findings and errors: relative to the working directory (so SARIF locations are
 * repository paths), absolute when it lies outside it, always with forward slashes.
 */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  const shown = rel === '' ? path : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  return sep === '\\' ? shown.replace(/\\/g, '/') : shown;
}
