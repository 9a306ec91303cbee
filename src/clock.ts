/** Milliseconds from hrtime: the performance global would load perf_hooks, a few milliseconds of every small scan. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
