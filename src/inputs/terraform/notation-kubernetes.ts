import type { Notation, Resource } from '../../model/resource.js';
import { manifestPath } from '../kubernetes/notation.js';
import { AZURERM_NOTATION } from './notation.js';

/**
 * How the kubernetes provider writes a workload the plan reader lifted to the manifest shape:
 * kubernetes_manifest keeps the manifest under `manifest`; kubernetes_deployment and friends write it as
 * snake_case blocks (`spec[0].template[0].spec[0].container[0].security_context[0].privileged`).
 */

/** Fields the provider writes as a single-element block list (`security_context[0]`). */
const BLOCKS = new Set(['spec', 'template', 'jobTemplate', 'securityContext', 'capabilities', 'seccompProfile', 'hostPath', 'resources', 'affinity', 'nodeAffinity']);

/** Lists the provider names in the singular. */
const RENAMES: Readonly<Record<string, string>> = { containers: 'container', initContainers: 'init_container', ephemeralContainers: 'ephemeral_container', volumes: 'volume' };

function snakeSegment(segment: string): string {
  const index = /^([^[]+)(\[.*\])?$/.exec(segment);
  const name = index?.[1] ?? segment;
  const snake = RENAMES[name] ?? name.replace(/([a-z0-9])([A-Z]+)/g, '$1_$2').toLowerCase();
  return `${snake}${BLOCKS.has(name) && !index?.[2] ? '[0]' : ''}${index?.[2] ?? ''}`;
}

function blocksPath(resource: Resource, armPath: string): string {
  const written = manifestPath(resource, armPath);
  if (written === armPath) return AZURERM_NOTATION.spell(resource, armPath);
  return written.split('.').map(snakeSegment).join('.');
}

/** kubernetes_manifest: the manifest as written, under `manifest`. */
export const KUBERNETES_MANIFEST_NOTATION: Notation = {
  ...AZURERM_NOTATION,
  spell: (resource, armPath) => (armPath.startsWith('properties.podSpec') ? `manifest.${manifestPath(resource, armPath)}` : AZURERM_NOTATION.spell(resource, armPath)),
};

/** kubernetes_deployment, kubernetes_pod, kubernetes_cron_job...: snake_case blocks. */
export const KUBERNETES_BLOCKS_NOTATION: Notation = { ...AZURERM_NOTATION, spell: blocksPath };

/** The notation for an azurerm-dialect resource type (the azurerm and kubernetes providers). */
export function notationForType(terraformType: string): Notation {
  if (terraformType === 'kubernetes_manifest') return KUBERNETES_MANIFEST_NOTATION;
  return terraformType.startsWith('kubernetes_') ? KUBERNETES_BLOCKS_NOTATION : AZURERM_NOTATION;
}
