import { closeSync, constants, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { UserError } from './errors.js';
import { readAs } from './inputs/files-read.js';
import { fileTypeOf } from './inputs/regular-file.js';
import { realPath } from './config/repository.js';

/**
 * Report files (--output, --sarif, --markdown, audit's --snapshot-out) land in a checkout a pull request
 * filled, and carry names that pull request chose. So:
 * - the path itself must not be a symlink: a committed `report.sarif -> ~/.bashrc` would otherwise put the
 *   report wherever it points. Directories on the way are followed (on macOS /tmp is one); paths under
 *   /dev/ (/dev/stdout, /dev/fd/3, /dev/null) are the system's streams and are written as they are;
 * - it must not be any file this run read (by device and inode, so no spelling or hard link gets round
 *   it): `--output plan.json` would overwrite the plan;
 * - an existing file must be a regular one (a FIFO would block the write);
 * - two outputs must not name one file.
 * The file is opened without following a symlink and checked on the open descriptor before it is
 * truncated, so nothing can be swapped in between the check and the write.
 */

export interface OutputTarget {
  flag: string;
  path: string;
}

function isSystemStream(absolute: string): boolean {
  return absolute.startsWith(`${sep}dev${sep}`);
}

/** Refuses outputs that name one file twice, or that are symlinks, FIFOs or devices; before any work is done. */
export function checkOutputTargets(targets: readonly OutputTarget[], cwd: string): void {
  const seen = new Map<string, OutputTarget>();
  for (const target of targets) {
    const absolute = resolve(cwd, target.path);
    if (!isSystemStream(absolute)) checkPlace(target, absolute);
    const key = identityOf(absolute);
    const earlier = seen.get(key);
    if (earlier) throw new UserError(`${earlier.flag} and ${target.flag} name the same file (${earlier.path}); give each report its own`);
    seen.set(key, target);
  }
}

/** One file, however it is spelled: its device and inode when it exists, else its resolved path. */
function identityOf(absolute: string): string {
  const stats = statSync(absolute, { throwIfNoEntry: false });
  return stats ? `${stats.dev}:${stats.ino}` : realPath(absolute);
}

function checkPlace(target: OutputTarget, absolute: string): void {
  const link = lstatSync(absolute, { throwIfNoEntry: false });
  if (!link) return;
  if (link.isSymbolicLink()) throw new UserError(`is a symlink; ${target.flag} does not write through one (name the file itself)`, target.path);
  if (!link.isFile()) throw new UserError(`is ${fileTypeOf(link)}, not a regular file; ${target.flag} writes a file`, target.path);
  if (readAs(link) !== undefined) throw new UserError(`is an input of this run; ${target.flag} would overwrite it, so nothing was written`, target.path);
}

/** Writes one report file after checking it again against everything this run has read. */
export function writeOutput(target: OutputTarget, text: string | Iterable<string>, cwd: string): void {
  const absolute = resolve(cwd, target.path);
  const parts = typeof text === 'string' ? [text] : text;
  if (isSystemStream(absolute)) {
    write(target, () => {
      const fd = openSync(absolute, 'w');
      try {
        writeParts(fd, parts);
      } finally {
        closeSync(fd);
      }
    });
    return;
  }
  checkPlace(target, absolute);
  write(target, () => {
    mkdirSync(dirname(absolute), { recursive: true });
    const fd = openSync(absolute, constants.O_WRONLY | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0), 0o666);
    try {
      // Checked on what was opened: a file swapped in since checkPlace is caught here, before truncation.
      const stats = fstatSync(fd);
      if (!stats.isFile()) throw new UserError(`is ${fileTypeOf(stats)}, not a regular file; ${target.flag} writes a file`, target.path);
      if (readAs(stats) !== undefined) throw new UserError(`is an input of this run; ${target.flag} would overwrite it, so nothing was written`, target.path);
      ftruncateSync(fd, 0);
      writeParts(fd, parts);
    } finally {
      closeSync(fd);
    }
  });
}

/** What partWriter gathers before writing: the JSON report comes in parts of tens of kilobytes. */
const CHUNK_BYTES = 1 << 20;
/** Code units that always fit an empty chunk: one takes at most three bytes in UTF-8 (a surrogate pair four for its two). */
const SLICE_UNITS = Math.floor(CHUNK_BYTES / 3);

/**
 * Writes a report's parts one after the other through one 1 MB buffer. Small parts are encoded into it side
 * by side and written a megabyte at a time (the JSON report's ~1,200 parts for 20,000 findings would
 * otherwise be as many writes). A larger part (the table, SARIF, HTML and JUnit reports are one string each)
 * is encoded into it a slice at a time: encoding a 36 MB table whole needed a pass to count its bytes, and a
 * buffer of its size whose fresh pages cost more than the encoding (~420 against ~195 ms CPU).
 */
function partWriter(fd: number): { write(text: string): void; flush(): void } {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  const flush = () => {
    for (let done = 0; done < used; ) done += writeSync(fd, chunk, done, used - done);
    used = 0;
  };
  return {
    write(text) {
      if (text.length * 3 <= CHUNK_BYTES - used) {
        used += chunk.write(text, used, 'utf8');
        return;
      }
      flush();
      for (let from = 0; from < text.length; ) {
        let to = Math.min(text.length, from + SLICE_UNITS);
        // A surrogate pair is kept in one slice: split, each half would be written as U+FFFD.
        if (to < text.length && isHighSurrogate(text.charCodeAt(to - 1))) to--;
        if (used > 0) flush();
        used = chunk.write(text.slice(from, to), 0, 'utf8');
        from = to;
      }
    },
    flush,
  };
}

/** Writes every part to `fd`, in order, through one partWriter. */
function writeParts(fd: number, parts: Iterable<string>): void {
  const writer = partWriter(fd);
  for (const part of parts) writer.write(part);
  writer.flush();
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function write(target: OutputTarget, action: () => void): void {
  try {
    action();
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    // ELOOP: the path became a symlink between the check and the open (O_NOFOLLOW refused it).
    if (code === 'ELOOP') throw new UserError(`is a symlink; ${target.flag} does not write through one (name the file itself)`, target.path);
    throw new UserError(`cannot write (${code ?? 'error'})`, target.path);
  }
}
