import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { UserError } from '../../errors.js';
import { noteFileRead } from '../files-read.js';

/**
 * Inputs above this size are streamed (src/inputs/stream/read-large.ts) instead of read as one string:
 * V8 cannot hold a string over ~512 MB, and well before that one string plus its parse costs twice the
 * file in memory. AZFENCE_STREAM_ABOVE_BYTES overrides it (tests and benchmarks force either path).
 */
export const STREAM_ABOVE_BYTES = 256 * 1024 * 1024;

function threshold(): number {
  const override = process.env['AZFENCE_STREAM_ABOVE_BYTES'];
  return override !== undefined && /^\d+$/.test(override) ? Number(override) : STREAM_ABOVE_BYTES;
}

/**
 * Whether to stream this file, and how many leading bytes (a UTF-8 byte-order mark) to skip. Undefined:
 * read it as text, which also reports missing and unreadable files in the usual words.
 */
export function streamPlan(path: string, shownAs: string): { skipBytes: number } | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat || !stat.isFile() || stat.size <= threshold() || stat.size === 0) return undefined;
  noteFileRead(stat, shownAs);
  const head = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff) || head[1] === 0 || head[0] === 0) {
    // The streaming reader walks UTF-8 bytes; a UTF-16 file this large is converted first.
    throw new UserError(`is ${Math.round(stat.size / 1048576)} MB of UTF-16 text; convert it to UTF-8 to scan it (e.g. iconv -f UTF-16 -t UTF-8)`, shownAs);
  }
  return { skipBytes: head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0 };
}
