import { run } from '../cli/main.js';
import { rerunWithLargerHeap } from '../cli/heap.js';
import { runAction } from './main.js';

/**
 * The GitHub Action's entry (action/azfence.mjs is this, bundled with everything it needs). Run without
 * arguments it is the action's scan step, reading its inputs from INPUT_* variables. With arguments it is
 * the azfence CLI: that is how it reruns itself with a larger heap for an input of hundreds of megabytes.
 */
if (process.argv.length > 2) {
  await import('../cli/start.js');
} else {
  const io = { stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text), cwd: process.cwd() };
  const code = await runAction(process.env, {
    stderr: io.stderr,
    azfence: async (args) => rerunWithLargerHeap(args, io.cwd) ?? (await run(args, io)),
  });
  // In a workflow the verdict travels as the exit-code output, and the action's gate step fails the job.
  process.exitCode = process.env['GITHUB_OUTPUT'] ? 0 : code;
}
