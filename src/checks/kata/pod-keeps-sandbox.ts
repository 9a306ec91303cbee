import type { RuleFunction } from '../../engine/evaluate.js';
import { defineCheck } from '../check.js';
import { privileges, hostNamespaces, hostMounts, seccomp, nonRoot } from './pod-settings.js';
import { judgeWorkload } from './workloads.js';

/**
 * AZF-KATA-004: the pod undoes none of its sandbox. Every setting that does is listed in one finding, each
 * by its path, so a pod is one alert per rule in code scanning however many settings it gets wrong.
 */
const evaluate: RuleFunction = (context) =>
  judgeWorkload(context, 'properties.podSpec', 'no privileged or escalating containers, no added capabilities, no host namespaces or hostPath volumes, seccomp RuntimeDefault and runAsNonRoot', (view, problem, undecided) => {
    for (const collect of [privileges, hostNamespaces, hostMounts, seccomp, nonRoot]) collect(view, problem, undecided);
  });

export default defineCheck({
  name: 'podKeepsSandbox',
  reads: [],
  details: ['kind', 'podSpec', 'suggestedSelector', 'violations'],
  evaluate,
});
