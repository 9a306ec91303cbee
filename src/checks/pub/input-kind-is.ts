import type { RuleFunction } from '../../engine/evaluate.js';
import type { InputKind } from '../../model/resource.js';
import { defineCheck } from '../check.js';

/**
 * `inputKindIs`: whether the resource was read from one of the given input kinds (plan, snapshot, audit,
 * manifest). For properties whose absence means different things in a declaration and in observed state:
 * a plan that leaves a property out gets the API's default for a new resource, while a Resource Graph row
 * that reads null shows an old resource that predates that default.
 */
const evaluate: RuleFunction = (context, args) => {
  const kinds = Array.isArray(args['kinds']) ? (args['kinds'] as unknown[]).filter((kind): kind is InputKind => typeof kind === 'string') : [];
  return { verdict: kinds.includes(context.resource.source.kind) ? 'pass' : 'fail', evidence: [] };
};

export default defineCheck({
  name: 'inputKindIs',
  reads: [],
  details: [],
  arguments: { kinds: { type: 'array', required: true, description: 'input kinds (plan, snapshot, audit, manifest) that pass' } },
  evaluate,
});
