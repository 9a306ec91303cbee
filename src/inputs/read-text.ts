import { UserError } from '../errors.js';
import { readRegularFile } from './regular-file.js';

/** Largest file read into one string: V8 cannot hold a longer one. */
export const MAX_TEXT_BYTES = 512 * 1024 * 1024 - 64;

/**
 * Reads a text input the way its writer may have encoded it. Terraform on Windows (PowerShell's `>`)
 * writes UTF-16 with a byte-order mark; editors add a UTF-8 BOM.
 */
export function decodeText(buffer: Buffer, file: string): string {
  if (buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe) return buffer.subarray(2).toString('utf16le');
  if (buffer.length >= 2 && buffer[0] === 0xfe && buffer[1] === 0xff) {
    const swapped = Buffer.from(buffer.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  if (buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) return buffer.subarray(3).toString('utf8');
  // UTF-16 without a BOM shows as a zero byte in every other position of ASCII text.
  if (buffer.length >= 4 && buffer[1] === 0 && buffer[3] === 0 && buffer[0] !== 0) return buffer.toString('utf16le');
  if (buffer.length >= 4 && buffer[0] === 0 && buffer[2] === 0 && buffer[1] !== 0) {
    const swapped = Buffer.from(buffer.subarray(0, buffer.length - (buffer.length % 2)));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const text = buffer.toString('utf8');
  // A zero byte decodes to U+0000 and nothing else does, so the text is searched: a string search takes
  // ~1 ms on a 24 MB snapshot, Buffer#includes(0) 50-150 ms.
  if (text.includes('\u0000')) throw new UserError('is a binary file, not JSON or YAML text', file);
  return text;
}

export function readText(path: string, shownAs: string): string {
  let buffer: Buffer;
  try {
    buffer = readRegularFile(path, shownAs);
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError('no such file or directory', shownAs);
    if (code === 'EACCES' || code === 'EPERM') throw new UserError('permission denied', shownAs);
    if (code === 'EISDIR') throw new UserError('is a directory', shownAs);
    if (code === 'ERR_FS_FILE_TOO_LARGE') throw new UserError('is too large to read', shownAs);
    throw new UserError(`cannot be read (${code ?? 'error'})`, shownAs);
  }
  if (buffer.length === 0) throw new UserError('is empty; expected a Terraform plan (terraform show -json) or a Resource Graph snapshot', shownAs);
  if (buffer.length > MAX_TEXT_BYTES) throw new UserError(`is ${Math.round(buffer.length / 1048576)} MB, larger than one string can hold`, shownAs);
  return decodeText(buffer, shownAs);
}
