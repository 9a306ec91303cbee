import type { ProcessRun } from './process-run.js';

/**
 * The package's bin runs the CLI from one classic script (dist/bundle/cli-script.js, built by
 * scripts/bundle.mjs from src/cli/process-run.ts), compiled with node:vm and a V8 code cache kept in the
 * user's cache directory.
 *
 * Why not ES modules and Node's compile cache alone: Node makes a module's cache right after compiling it,
 * when only its top level is compiled; every function a scan calls is then compiled again at every start,
 * and for a small scan that is most of its own time. A vm.Script's cache is made after the run
 * (createCachedData), so it holds the functions the command ran. Measured on the example estate's plan,
 * installed from the packed tarball: about a tenth less CPU per scan (bench/README.md).
 *
 * The cache is made per command (scan, audit, merge, rules, explain), after the second run of that command
 * that ended with exit code 0 or 1, since it holds what that run compiled: the first only leaves an empty
 * file saying it ran. Making the cache costs a run about 20 ms of CPU (V8 serializing ~1 MB, then the write),
 * which a machine that runs azfence once (a fresh CI runner) would pay for nothing. Help, usage errors and
 * a run that hands over to a child with a larger heap make none. V8 refuses a cache made by another V8 or
 * with other flags (the file is then made again); it checks a script's length, not its contents, so the file
 * name carries the script's build identity, size and modification time, and Node's version and flags. A
 * cache that cannot be read or written costs only the speed-up; the directory keeps the newest few files.
 */

const COMMANDS = new Set(['scan', 'audit', 'merge', 'rules', 'explain']);
/** Files kept in the cache directory: a few commands under a few Node versions and azfence builds. */
const KEPT_FILES = 16;

/** $XDG_CACHE_HOME, else ~/.cache (%LOCALAPPDATA% on Windows); undefined with no home at all. */
export function cacheHome(env: NodeJS.ProcessEnv): string | undefined {
  return env['XDG_CACHE_HOME'] || (env['HOME'] ? `${env['HOME']}/.cache` : env['LOCALAPPDATA']) || undefined;
}

/** FNV-1a of a short string, in hex: enough to tell Node flag sets apart in a file name. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function codeCacheFile(env: NodeJS.ProcessEnv, scriptId: string, script: { size: number; mtimeMs: number }, command: string | undefined): string | undefined {
  const home = cacheHome(env);
  if (!home || !command || !COMMANDS.has(command) || env['NODE_DISABLE_COMPILE_CACHE']) return undefined;
  const flags = shortHash(`${process.execArgv.join('\0')}\0${env['NODE_OPTIONS'] ?? ''}`);
  return `${home}/azfence/code-cache/${scriptId}-${script.size}-${Math.trunc(script.mtimeMs)}-${process.version}-${process.arch}-${flags}-${command}.bin`;
}

/**
 * The cache file's bytes, read into `buffer` when they fit (the buffer the script was read through, no longer
 * needed once the script is a string), else into a buffer of their own. Every page of memory a start touches
 * for the first time costs it a page fault, about 12 us of CPU on a small cloud VM: a buffer of its own for the
 * ~0.9 MB cache cost ~220 of them, ~3 ms. Undefined when there is no readable file.
 */
function readCache(file: string, buffer: Buffer): Buffer | undefined {
  const fs = process.getBuiltinModule('node:fs');
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const into = size <= buffer.length ? buffer.subarray(0, size) : Buffer.allocUnsafeSlow(size);
    return into.subarray(0, readAll(fd, into));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Reads the open file from its start into `into`, up to its length or the file's end; returns the bytes read. */
function readAll(fd: number, into: Buffer): number {
  const fs = process.getBuiltinModule('node:fs');
  let read = 0;
  while (read < into.length) {
    const count = fs.readSync(fd, into, read, into.length - read, read);
    if (count === 0) break;
    read += count;
  }
  return read;
}

/** The script (a file the build wrote, not one being written) as a Latin-1 string, and the buffer it was read through. */
function readScript(file: string): { source: string; buffer: Buffer; stats: { size: number; mtimeMs: number } } {
  const fs = process.getBuiltinModule('node:fs');
  const fd = fs.openSync(file, 'r');
  try {
    const stats = fs.fstatSync(fd);
    const buffer = Buffer.allocUnsafeSlow(stats.size);
    return { source: buffer.toString('latin1', 0, readAll(fd, buffer)), buffer, stats };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Written beside and renamed into place: a concurrent run reads the old file or the new one, never half of
 * one. Then the oldest files beyond the newest KEPT_FILES are removed, so that builds and Node versions no
 * longer run do not pile up.
 */
function writeCache(file: string, data: Uint8Array): void {
  const fs = process.getBuiltinModule('node:fs');
  const dir = file.slice(0, file.lastIndexOf('/'));
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
    const files = fs.readdirSync(dir).map((name) => ({ path: `${dir}/${name}`, time: fs.statSync(`${dir}/${name}`).mtimeMs }));
    for (const old of files.sort((a, b) => b.time - a.time).slice(KEPT_FILES)) fs.rmSync(old.path, { force: true });
  } catch {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // Nothing was written.
    }
  }
}

type ScriptBody = (require: NodeJS.Require, module: { exports: { runProcess?: () => Promise<ProcessRun> } }, importMetaUrl: string) => void;

/**
 * Runs the CLI script at `scriptUrl` (stamped `scriptId` by the build) as this process's command; returns what
 * it did. `binRequire` is the bin's own require: the bin and the script are in one directory, so it resolves what the
 * script requires as a require made for the script would, without the work of createRequire at every start.
 */
export async function runCliScript(scriptUrl: URL, scriptId: string, env: NodeJS.ProcessEnv, binRequire: NodeJS.Require): Promise<ProcessRun> {
  const vm = process.getBuiltinModule('node:vm');
  const file = process.getBuiltinModule('node:url').fileURLToPath(scriptUrl);
  // The build keeps the script ASCII-only, so Latin-1 reads it exactly, and into a one-byte string.
  const { source, buffer, stats } = readScript(file);
  const command = process.argv[2];
  const cacheFile = codeCacheFile(env, scriptId, stats, command);
  const stored = cacheFile ? readCache(cacheFile, buffer) : undefined;
  const cachedData = stored?.length ? stored : undefined;
  const script = new vm.Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const body = script.runInThisContext() as ScriptBody;
  const module: Parameters<ScriptBody>[1] = { exports: {} };
  body(binRequire, module, scriptUrl.href);
  const run = await module.exports.runProcess!();
  if (!cacheFile || (cachedData && !script.cachedDataRejected) || run.command !== command || (run.code !== 0 && run.code !== 1)) return run;
  // The first run of a command leaves an empty file; the second makes the cache.
  writeCache(cacheFile, stored === undefined ? new Uint8Array() : script.createCachedData());
  return run;
}
