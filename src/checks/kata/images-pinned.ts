import type { RuleFunction } from '../../engine/evaluate.js';
import { defineCheck } from '../check.js';
import { parseImage, eachImage } from './images.js';
import { judgeWorkload } from './workloads.js';

/** AZF-KATA-005: images are pinned: a digest, or a tag other than latest. */
const evaluate: RuleFunction = (context) =>
  judgeWorkload(context, 'properties.podSpec.containers[*].image', 'an image pinned by digest or a version tag', (view, problem, undecided) =>
    eachImage(view, undecided, (container, image) => {
      const parsed = parseImage(image);
      if (parsed.digest) return;
      if (!parsed.tag) problem(`${container.label}: image ${image} has no tag, so it pulls :latest`);
      else if (parsed.tag.toLowerCase() === 'latest') problem(`${container.label}: image ${image} uses the mutable tag :latest`);
    }),
  );

export default defineCheck({
  name: 'imagesPinned',
  reads: [],
  details: ['kind', 'podSpec', 'suggestedSelector', 'violations'],
  evaluate,
});
