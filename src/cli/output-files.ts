import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError, oneLine } from '../errors.js';

/** Parses flags; Node's own messages become one-line usage errors (exit 2). */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UserError(oneLine((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '')));
  }
}

/** Writes a report file (--output, --sarif, --markdown, --snapshot-out), creating its directory. */
export function writeOutputFile(path: string, text: string, cwd: string): void {
  const absolute = resolve(cwd, path);
  try {
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, text);
  } catch (error) {
    throw new UserError(`cannot write (${(error as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
}
