import { statSync } from 'node:fs';
import { resolve } from 'node:path';

/** Inputs above this size are read as a stream, and hold more resources than V8's default heap has room for. */
const LARGE_INPUT_BYTES = 256 * 1024 * 1024;

/**
 * How far the rerun's heap may grow past what the last full collection kept before the next one runs (V8's
 * `--heap-growing-percent`): 100, twice. Given a heap of three quarters of the machine, V8 let garbage pile up
 * further between full collections: the 1 GB bench snapshot (2 million resources, ~1.5 GB live after reading,
 * ~2.4 GB with its 770k findings) peaked at 2.74 to 2.92 GB RSS as the collector's timing fell, and at 2.49 GB
 * with 25, 50 or 100 here; 100 cost no CPU that runs could tell apart (bench/README.md, round nine, memory).
 * Given before the user's own options, which come later and win.
 */
const HEAP_GROWING_PERCENT = 100;

/**
 * A plan of a gigabyte holds close to a million resources, more than V8's default heap (about 4 GB) keeps
 * normalized. Rather than die with "JavaScript heap out of memory", azfence runs itself again with a heap
 * sized to the machine (three quarters of its memory). Returns the child's exit code, or undefined when
 * this process should go on.
 */
export function rerunWithLargerHeap(args: readonly string[], cwd: string): number | undefined {
  if (process.env['AZFENCE_HEAP_RAISED'] === '1') return undefined;
  const large = args.some((arg) => {
    if (arg.startsWith('-')) return false;
    try {
      return statSync(resolve(cwd, arg)).size > LARGE_INPUT_BYTES;
    } catch {
      return false;
    }
  });
  if (!large) return undefined;
  // Loaded only here: os, v8 and child_process (with the stream modules they pull in) cost every small
  // scan several milliseconds of startup.
  const wantedMb = Math.floor((process.getBuiltinModule('node:os').totalmem() / 1048576) * 0.75);
  if (process.getBuiltinModule('node:v8').getHeapStatistics().heap_size_limit / 1048576 >= wantedMb) return undefined;
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const child = spawnSync(process.execPath, [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`, ...process.execArgv, `--max-old-space-size=${wantedMb}`, process.argv[1]!, ...args], {
    stdio: 'inherit',
    cwd,
    env: { ...process.env, AZFENCE_HEAP_RAISED: '1' },
  });
  return child.status ?? 2;
}
