/**
 * Steps taken inside lookups that a hostile or large input could make quadratic: graph lookups (candidates
 * examined, links followed), module instances recorded for a plan's context, and the comments read for
 * inline suppressions. Rule-engine operations count leaves; a lookup that loops over the estate would hide
 * inside one leaf, so runRules adds its steps to report.stats.operations, and the linear-cost test reads
 * this counter around a whole scan, so a quadratic path shows as one. Module-level because the lookups run
 * deep below any context that could carry a counter.
 */
export const graphWork = { steps: 0 };
