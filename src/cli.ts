#!/usr/bin/env node
import { run } from './cli/main.js';
import { rerunWithLargerHeap } from './cli/heap.js';

/**
 * `azfence scan ... | head -1`: once the reader has gone, a write fails with EPIPE, which Node reports as an
 * 'error' event; unhandled, it printed a stack trace. A closed stream is not an error of the run: nothing
 * more is written to it, and the exit code is still the gate's.
 */
function writerTo(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}

const stdout = writerTo(process.stdout);
const stderr = writerTo(process.stderr);
const rerun = rerunWithLargerHeap(process.argv.slice(2), process.cwd());
const code = rerun ?? (await run(process.argv.slice(2), {
  stdout,
  stderr,
  cwd: process.cwd(),
  stderrIsTTY: process.stderr.isTTY === true,
  stdoutIsTTY: process.stdout.isTTY === true,
  stdinIsTTY: process.stdin.isTTY === true,
}));
process.exitCode = code;
