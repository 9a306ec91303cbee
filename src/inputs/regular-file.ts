import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { UserError } from '../errors.js';
import { noteFileRead } from './files-read.js';

/** What a file that is not a regular file is, in words: `a FIFO`, `a character device`. */
export function fileTypeOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/**
 * Reads a file azfence was given or found, refusing anything but a regular file once symlinks are
 * followed: a FIFO blocks the read until someone writes to it, and /dev/zero never ends (a pull request can
 * commit a symlink to either). The type is checked on the open descriptor, so the file cannot be swapped
 * between the check and the read, and the open does not wait for a FIFO's writer (O_NONBLOCK).
 *
 * Throws UserError for a file of another type; errors from opening (ENOENT, EACCES) are thrown as they
 * are, for the caller to word.
 */
export function readRegularFile(path: string, shownAs: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      const type = fileTypeOf(stats);
      throw new UserError(type === 'a directory' ? 'is a directory' : `is ${type}, not a regular file`, shownAs);
    }
    noteFileRead(stats, shownAs);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
