import { ARM_PHRASES, armNotation } from '../../model/notation.js';
import type { Notation, Resource } from '../../model/resource.js';

/** Where a workload kind keeps its pod spec in a manifest (the reader lifts it to `properties.podSpec`). */
const POD_SPEC_AT: Readonly<Record<string, string>> = { Pod: 'spec', CronJob: 'spec.jobTemplate.spec.template.spec' };

/** A workload's ARM-shaped path as a manifest writes it: `properties.podSpec.x` -> `spec.template.spec.x`. */
export function manifestPath(resource: Resource, armPath: string): string {
  if (armPath !== 'properties.podSpec' && !armPath.startsWith('properties.podSpec.')) return armPath;
  const kind = typeof resource.body['kind'] === 'string' ? resource.body['kind'] : 'workload';
  return `${POD_SPEC_AT[kind] ?? 'spec.template.spec'}${armPath.slice('properties.podSpec'.length)}`;
}

const words = armNotation({
  unread: '(set at deploy time)',
  openValue: 'a placeholder filled in at deploy time',
  projected: 'snapshot',
  explains: 'a placeholder filled in at deploy time (${...})',
  remediationKey: 'kubernetes',
});

/** Manifests name fields as the API does; what they leave open is a placeholder filled in at deploy time. */
export const MANIFEST_NOTATION: Notation = { ...words, spell: manifestPath, phrases: { ...ARM_PHRASES, unreadableData: 'not readable' } };
