import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { UserError, oneLine } from '../errors.js';
import type { Replacement } from '../inputs/discover.js';
import { displayPath } from '../inputs/display-path.js';
import { noteFileRead } from '../inputs/files-read.js';
import { readStdinToEnd } from './read-stdin.js';

/**
 * Inputs that are not read from the path as named: `-` (stdin, saved to a private temporary file so the
 * readers see a file like any other) and a saved binary plan (`terraform plan -out tfplan`), converted by
 * `terraform show -json` when terraform is on PATH. Findings still name what the user named.
 */

export interface PreparedInputs {
  replacements: Map<string, Replacement>;
  cleanUp(): void;
}

export interface InputIo {
  cwd: string;
  env?: Readonly<Record<string, string | undefined>>;
  readStdin?: () => Buffer;
  stdinIsTTY?: boolean;
}

export const STDIN_NAME = '<stdin>';

/** A saved plan is a zip archive: local file header signature PK\x03\x04. */
const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

function startsWithZip(path: string): boolean {
  try {
    // Only a regular file is opened: a FIFO named on the command line is refused by the reader, not waited on here.
    if (!statSync(path, { throwIfNoEntry: false })?.isFile()) return false;
    const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      const head = Buffer.alloc(4);
      return readSync(fd, head, 0, 4, 0) === 4 && head.equals(ZIP_SIGNATURE);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Unreadable (EACCES...): the reader reports it in its own words, beside the other inputs.
    return false;
  }
}

/** terraform on PATH, as the shell would find it; undefined when it is not there. */
export function findOnPath(name: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const names = process.platform === 'win32' ? [`${name}.exe`, `${name}.cmd`, name] : [name];
  for (const dir of (env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    for (const candidate of names) {
      const path = join(dir, candidate);
      try {
        if (statSync(path).isFile()) return path;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Terraform's own error, one line: `Error: Failed to read the given file as a state or plan file`. */
function terraformError(stderr: string): string {
  const clean = stderr.replace(/\u001b\[[0-9;]*m/g, '').replace(/[\u2502\u2577\u2575]/g, ' ');
  const line = clean.split('\n').find((text) => /^\s*Error: /.test(text));
  return oneLine((line ?? clean.split('\n').filter((text) => text.trim()).pop() ?? 'no output').replace(/^\s*Error: /, ''), 160);
}

export function prepareInputs(paths: readonly string[], io: InputIo): PreparedInputs {
  const replacements = new Map<string, Replacement>();
  let scratch: string | undefined;
  // node:os is loaded only here: a scan without stdin or a binary plan should not pay for it at startup.
  const scratchDir = (): string => (scratch ??= mkdtempSync(join(process.getBuiltinModule('node:os').tmpdir(), 'azfence-input-')));
  const env = io.env ?? process.env;
  const prepared: PreparedInputs = { replacements, cleanUp: () => scratch && rmSync(scratch, { recursive: true, force: true }) };

  const convert = (planPath: string, shownAs: string, workDir: string): Replacement => {
    const terraform = findOnPath('terraform', env);
    if (!terraform) {
      return { shownAs, error: `is a binary file (a saved Terraform plan); converting it needs "terraform show -json", and terraform is not on PATH (run: terraform show -json ${shownAs} > plan.json, then scan plan.json)` };
    }
    const out = join(scratchDir(), `plan-${replacements.size}.json`);
    const fd = openSync(out, 'w', 0o600);
    let result;
    try {
      const { spawnSync } = process.getBuiltinModule('node:child_process');
      result = spawnSync(terraform, ['show', '-json', '-no-color', planPath], {
        cwd: workDir,
        stdio: ['ignore', fd, 'pipe'],
        env: { ...env, TF_IN_AUTOMATION: '1' },
        encoding: 'utf8',
        timeout: 10 * 60_000,
        maxBuffer: 16 * 1024 * 1024,
      });
    } finally {
      closeSync(fd);
    }
    if (result.error) return { shownAs, error: `is a binary file (a saved Terraform plan) and "terraform show -json" could not run (${(result.error as NodeJS.ErrnoException).code ?? 'error'})` };
    if (result.status !== 0) return { shownAs, error: `is a binary file (a saved Terraform plan) that "terraform show -json" could not read: ${terraformError(result.stderr ?? '')}` };
    return { path: out, shownAs };
  };

  try {
    for (const named of new Set(paths)) {
      if (named === '-') {
        if (paths.filter((path) => path === '-').length > 1) throw new UserError('- (stdin) is named twice; stdin can be read once');
        if (io.stdinIsTTY) throw new UserError('- reads the input from stdin, but stdin is a terminal (pipe a plan in: terraform show -json tfplan | azfence scan -)');
        const bytes = io.readStdin ? io.readStdin() : readStdinToEnd();
        const saved = join(scratchDir(), bytes.subarray(0, 4).equals(ZIP_SIGNATURE) ? 'stdin.tfplan' : /^(\ufeff)?\s*[[{]/.test(bytes.subarray(0, 64).toString('utf8')) || bytes[0] === 0xff || bytes[0] === 0xfe ? 'stdin.json' : 'stdin.yaml');
        writeFileSync(saved, bytes, { mode: 0o600 });
        replacements.set(named, saved.endsWith('.tfplan') ? convert(saved, STDIN_NAME, io.cwd) : { path: saved, shownAs: STDIN_NAME });
        continue;
      }
      const absolute = resolve(io.cwd, named);
      if (!startsWithZip(absolute)) continue;
      const shownAs = displayPath(absolute, io.cwd);
      // The plan is an input of this run even though its JSON is what is read: no report may overwrite it.
      noteFileRead(statSync(absolute), shownAs);
      // Run where the plan was made: terraform show reads the providers of the root module beside it.
      replacements.set(named, convert(absolute, shownAs, dirname(absolute)));
    }
  } catch (error) {
    prepared.cleanUp();
    throw error;
  }
  return prepared;
}
