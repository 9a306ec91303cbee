import { readSync } from 'node:fs';

/** Parks the thread between reads of an empty non-blocking pipe (Atomics.wait on a flag nobody sets). */
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * All of stdin, to its end. `readFileSync(0)` throws EAGAIN when fd 0 is a non-blocking pipe that is empty
 * for the moment: `terraform show -json tfplan | azfence scan -` starts azfence long before terraform has
 * written anything. Whether the pipe is non-blocking is not ours to decide (the flag belongs to the pipe, so
 * any process holding it can set it), so an empty read is waited out, and only end of file ends the input.
 */
export function readStdinToEnd(fd = 0): Buffer {
  const chunks: Buffer[] = [];
  for (;;) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    let read: number;
    try {
      read = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 10);
      continue;
    }
    if (read === 0) return Buffer.concat(chunks);
    chunks.push(chunk.subarray(0, read));
  }
}
