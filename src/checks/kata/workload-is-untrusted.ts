import type { RuleFunction } from '../../engine/evaluate.js';
import { isPlaceholder } from '../../model/values.js';
import { defineCheck } from '../check.js';
import { pass, fail, unknown } from '../results.js';
import { globMatch, asString, workloadSelectorOf, anyOf, mapMatches } from './selectors.js';
import type { Verdict } from '../../engine/verdict.js';
import { valueUnder } from './workloads.js';

// ------------------------------------------------------------------------------ untrusted workloads

/** `where` of the workload checks: the workload is untrusted (workloadSelector). */
const evaluate: RuleFunction = (context) => {
  const selector = workloadSelectorOf(context.parameters);
  const { body } = context.resource;
  const results: Verdict[] = [];
  if (selector.all) results.push('pass');
  if (selector.kataRuntimeClass) {
    const runtimeClass = valueUnder(body, 'properties', 'podSpec', 'runtimeClassName');
    results.push(isPlaceholder(runtimeClass) ? 'unknown' : /^kata/i.test(asString(runtimeClass) ?? '') ? 'pass' : 'fail');
  }
  const namespace = valueUnder(body, 'metadata', 'namespace');
  if (selector.namespaces.length) {
    results.push(isPlaceholder(namespace) ? 'unknown' : selector.namespaces.some((pattern) => globMatch(pattern, asString(namespace) ?? 'default')) ? 'pass' : 'fail');
  }
  results.push(mapMatches(selector.labels, valueUnder(body, 'metadata', 'labels'), false));
  results.push(mapMatches(selector.labels, valueUnder(body, 'properties', 'podLabels'), false));
  results.push(mapMatches(selector.annotations, valueUnder(body, 'metadata', 'annotations'), false));
  const verdict = anyOf(results);
  if (verdict === 'unknown') return unknown('metadata', 'whether the workload is untrusted (its namespace, labels or runtime class) is not known');
  return verdict === 'pass' ? pass() : fail('metadata', namespace, 'a workload selected by workloadSelector', {});
};

export default defineCheck({
  name: 'workloadIsUntrusted',
  reads: [],
  details: [],
  evaluate,
});
