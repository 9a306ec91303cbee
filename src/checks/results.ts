import type { Evaluation } from '../engine/verdict.js';
import type { Resource } from '../model/resource.js';
import { isPlainObject, UNKNOWN } from '../model/values.js';

/**
 * How rule functions answer: a verdict, the property it rests on, and named facts for the rule's message
 * (`{detail:...}`). An unknown carries its reason, which the finding's message states.
 */
export function pass(): Evaluation {
  return { verdict: 'pass', evidence: [] };
}

export function fail(path: string, actual: unknown, expected: string, details: Record<string, string>): Evaluation {
  return { verdict: 'fail', evidence: [{ path, actual, expected }], details };
}

export function unknown(path: string, reason: string, details: Record<string, string> = {}): Evaluation {
  return { verdict: 'unknown', evidence: [{ path, actual: UNKNOWN, expected: 'a decidable value', unknownExplained: true }], details: { ...details, unknownReason: reason } };
}

export function propertiesOf(resource: Resource): Record<string, unknown> {
  return isPlainObject(resource.body['properties']) ? resource.body['properties'] : {};
}
