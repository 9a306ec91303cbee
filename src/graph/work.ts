/**
 * Steps taken inside graph lookups (candidates examined, links followed). Rule-engine operations count
 * leaves; a lookup that loops over the estate would hide inside one leaf, so runRules adds these steps to
 * report.stats.operations and the linear-cost test sees a quadratic path as one. Module-level because
 * lookups run deep below the rule context; runRules reads the difference over its own run.
 */
export const graphWork = { steps: 0 };
