import type { RuleFunction } from '../../engine/evaluate.js';
import { isPlaceholder } from '../../model/values.js';
import { defineCheck } from '../check.js';
import { KATA_RUNTIME_CLASS, LEGACY_KATA_RUNTIME_CLASS, asString } from './selectors.js';
import { valueUnder, judgeWorkload } from './workloads.js';

/** AZF-KATA-003: the pod runs in a Kata microVM (runtimeClassName kata-vm-isolation; the legacy class is accepted here). */
const evaluate: RuleFunction = (context) =>
  judgeWorkload(context, 'properties.podSpec.runtimeClassName', `runtimeClassName ${KATA_RUNTIME_CLASS}`, (view, problem, undecided) => {
    const field = view.field('runtimeClassName');
    const value = valueUnder(view.spec, 'runtimeClassName');
    if (isPlaceholder(value)) return undecided(field);
    const name = asString(value);
    if (name === KATA_RUNTIME_CLASS || name === LEGACY_KATA_RUNTIME_CLASS) return;
    problem(name ? `${field} is ${name}, not ${KATA_RUNTIME_CLASS}` : `${field} is not set, so it runs in a shared-kernel container (runc)`);
  });

export default defineCheck({
  name: 'workloadUsesKataRuntimeClass',
  reads: [],
  details: ['kind', 'podSpec', 'suggestedSelector', 'violations'],
  evaluate,
});
