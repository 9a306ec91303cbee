/**
 * V8's optimising compiler (TurboFan) kept off while the rules run over a large estate, and on again after.
 *
 * Why: the rules' loop meets rule after rule whose conditions, check functions and answers are objects of
 * other hidden classes. TurboFan compiled the loop with everything it inlined, threw the code away at the
 * next check whose objects it had not seen ("wrong map") and compiled it again: on the 100k bench snapshot
 * and plan, cold `evaluateRules` took 20-30% less CPU with TurboFan off (Maglev, V8's mid-tier compiler,
 * on by default in the V8 of every Node azfence supports, >= 22.3, still optimises it), the same findings
 * either way (bench/README.md, round eight). Reading before and reporting after keep TurboFan.
 *
 * The switch is a process-wide V8 flag, so it is touched only where that is safe: an estate large enough
 * for the compiles to matter (a small scan's rules hardly reach TurboFan's thresholds; it does not even load
 * node:v8), and a process whose own options say nothing about V8's compilers (`--no-turbofan`,
 * `--jitless`, `--max-opt`, ... from the command line or NODE_OPTIONS are the user's and left as they are).
 */

/** Resources from which the rules run without TurboFan; below this the flag is not touched. */
export const TIERING_FROM_RESOURCES = 5_000;

/** An option that chooses V8's compilers (`--no-turbofan`, `--max-opt=2`, `--jitless`; V8 reads `_` as `-`). */
const COMPILER_OPTION = /^--(no-)?(turbofan|maglev|sparkplug|jitless|opt|max-opt|always-turbofan|always-sparkplug)(=|$)/;

function choosesCompilers(option: string): boolean {
  return COMPILER_OPTION.test(option.replace(/_/g, '-'));
}

/** Whether this process's options leave V8's compilers at their defaults (so setting and resetting one is safe). */
export function compilersAtDefaults(execArgv: readonly string[] = process.execArgv, nodeOptions: string | undefined = process.env['NODE_OPTIONS']): boolean {
  return !execArgv.some(choosesCompilers) && !(nodeOptions ?? '').split(/\s+/).some(choosesCompilers);
}

export function withoutTurbofan<T>(resources: number, run: () => T): T {
  if (resources < TIERING_FROM_RESOURCES || !compilersAtDefaults()) return run();
  const v8 = process.getBuiltinModule('node:v8');
  v8.setFlagsFromString('--no-turbofan');
  try {
    return run();
  } finally {
    v8.setFlagsFromString('--turbofan');
  }
}
