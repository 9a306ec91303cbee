import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * The identity of azfence's code as it is in `<root>/src`: one hash over every .ts file's path and contents,
 * or undefined where there are no sources. Its own module, importing only Node's built-ins, because the build
 * (scripts/bundle.mjs) needs it before anything is built: it stamps it into the bundle it is about to make.
 */
export function sourceTreeIdOf(root: string): string | undefined {
  const dir = join(root, 'src');
  let files: string[];
  try {
    files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
  } catch {
    return undefined;
  }
  // Loaded here, not imported: only code run from the sources (tests, the build) gets this far, and loading
  // node:crypto costs every scan's startup time.
  const { hash } = process.getBuiltinModule('node:crypto');
  const lines = files
    .map((name) => name.split(sep).join('/'))
    .sort()
    .map((name) => `${name} ${hash('sha256', readFileSync(join(dir, name)))}`);
  return hash('sha256', lines.join('\n'));
}
