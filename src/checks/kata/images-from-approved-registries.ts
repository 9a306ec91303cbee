import type { RuleFunction } from '../../engine/evaluate.js';
import { defineCheck } from '../check.js';
import { pass } from '../results.js';
import { parseImage, eachImage, approved } from './images.js';
import { stringList } from './selectors.js';
import { judgeWorkload } from './workloads.js';

/** AZF-KATA-005: images come from an approved registry (approvedRegistries; none configured: not checked). */
const evaluate: RuleFunction = (context) => {
  const entries = stringList(context.parameters['approvedRegistries'], 'approvedRegistries');
  if (entries.length === 0) return pass();
  const result = judgeWorkload(context, 'properties.podSpec.containers[*].image', `an image from ${entries.join(', ')}`, (view, problem, undecided) =>
    eachImage(view, undecided, (container, image) => {
      const parsed = parseImage(image);
      if (!approved(parsed, entries)) problem(`${container.label}: image ${image} comes from ${parsed.registry}`);
    }),
  );
  return result.details ? { ...result, details: { ...result.details, approvedRegistries: entries.join(', ') } } : result;
};

export default defineCheck({
  name: 'imagesFromApprovedRegistries',
  reads: [],
  details: ['approvedRegistries', 'kind', 'podSpec', 'suggestedSelector', 'violations'],
  evaluate,
});
