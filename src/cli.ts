#!/usr/bin/env node
import { run } from './cli/main.js';
import { rerunWithLargerHeap } from './cli/heap.js';

const rerun = rerunWithLargerHeap(process.argv.slice(2), process.cwd());
const code = rerun ?? (await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  stderrIsTTY: process.stderr.isTTY === true,
}));
process.exitCode = code;
