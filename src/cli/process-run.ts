import { lastCommandRun, run } from './main.js';
import { rerunWithLargerHeap } from './heap.js';

// The azfence process: what the command (src/cli.ts) runs, from the bundle's script (src/cli/script-loader.ts)
// or, run from the sources and in the GitHub Action, through src/cli/start.ts.

/** The streams written to so far (at most stdout and stderr): src/cli.ts ends the process early only when they hold nothing more. */
const streamsWritten: NodeJS.WriteStream[] = [];

/**
 * `azfence scan ... | head -1`: once the reader has gone, a write fails with EPIPE, which Node reports as an
 * 'error' event; unhandled, it printed a stack trace. A closed stream is not an error of the run: nothing
 * more is written to it, and the exit code is still the gate's.
 *
 * The stream is taken on the first write, not before: Node builds process.stdout and process.stderr on first
 * use (a socket, a file stream or a terminal, with the stream modules behind them), and a scan that writes
 * its report to a file and passes quietly never needs them.
 */
function writerTo(name: 'stdout' | 'stderr'): (text: string) => void {
  let stream: NodeJS.WriteStream | undefined;
  let closed = false;
  return (text) => {
    if (closed) return;
    if (!stream) {
      stream = process[name];
      streamsWritten.push(stream);
      stream.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
        closed = true;
      });
    }
    stream.write(text);
  };
}

/** What a run did: the command it ran in this process, if any (not a rerun, help, or a usage error), and its exit code. */
export interface ProcessRun {
  command: string | undefined;
  code: number;
  /**
   * Whether everything written to stdout and stderr has been handed to the OS. Files and terminals are
   * written synchronously; a pipe is too until it is full, and then the rest waits in the stream until the
   * reader takes it (Node's process I/O note: pipes are asynchronous on POSIX).
   */
  outputFlushed: boolean;
}

/** Runs the command line of this process and sets its exit code. */
export async function runProcess(): Promise<ProcessRun> {
  const argv = process.argv.slice(2);
  const rerun = rerunWithLargerHeap(argv, process.cwd());
  const code = rerun ?? (await run(argv, {
    stdout: writerTo('stdout'),
    stderr: writerTo('stderr'),
    cwd: process.cwd(),
    // Asked only by the commands that use them (colours, audit progress, `scan -`): each builds its stream.
    get stderrIsTTY() {
      return process.stderr.isTTY === true;
    },
    get stdoutIsTTY() {
      return process.stdout.isTTY === true;
    },
    // Not process.stdin.isTTY: building process.stdin for a pipe turns the pipe non-blocking, and `scan -` then
    // reads it with blocking calls (src/cli/read-stdin.ts copes, but need not poll).
    get stdinIsTTY() {
      return process.getBuiltinModule('node:tty').isatty(0);
    },
  }));
  process.exitCode = code;
  return { command: rerun === undefined ? lastCommandRun() : undefined, code, outputFlushed: streamsWritten.every((stream) => stream.writableLength === 0) };
}
