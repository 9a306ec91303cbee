import type { RuleFunction } from '../../engine/evaluate.js';
import { isPlaceholder } from '../../model/values.js';
import { defineCheck } from '../check.js';
import { KATA_RUNTIME_CLASS, LEGACY_KATA_RUNTIME_CLASS, asString } from './selectors.js';
import { valueUnder, judgeWorkload } from './workloads.js';

/** AZF-KATA-003 (low): the runtime class is the GA one, not the preview kata-mshv-vm-isolation. */
const evaluate: RuleFunction = (context) =>
  judgeWorkload(context, 'properties.podSpec.runtimeClassName', `runtimeClassName ${KATA_RUNTIME_CLASS}`, (view, problem) => {
    const field = view.field('runtimeClassName');
    const value = valueUnder(view.spec, 'runtimeClassName');
    // A runtime class not yet known is reported once, by the first check of AZF-KATA-003.
    if (isPlaceholder(value)) return;
    if (asString(value) === LEGACY_KATA_RUNTIME_CLASS) problem(`${field} is the preview class ${LEGACY_KATA_RUNTIME_CLASS}; use ${KATA_RUNTIME_CLASS}`);
  });

export default defineCheck({
  name: 'workloadRuntimeClassNotLegacy',
  reads: [],
  details: ['kind', 'podSpec', 'suggestedSelector', 'violations'],
  evaluate,
});
