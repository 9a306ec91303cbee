import type { Resource } from './resource.js';
import { isPlainObject, UNKNOWN } from './values.js';

/**
 * A resource that changes another resource's properties: `azapi_update_resource`, `azapi_resource_action`
 * with a PUT or PATCH, or an azurerm resource that manages part of another (network rules, DNS servers,
 * subnet associations). Readers produce overlays; one model step (src/inputs/terraform/apply-overlays.ts) applies them to
 * their targets before any rule runs, so every rule judges the final state and a finding the overlay
 * caused points at the overlay.
 */
export interface Overlay {
  /**
   * The resource that writes, for where it is (file, address, line), the references its configuration
   * makes (to find a target whose id is known only after apply) and, for azurerm, which attribute wrote
   * each ARM path. Its body is not read.
   */
  writer: Resource;
  target: OverlayTarget;
  /** The ARM-shaped part of the target it writes ({ properties: {...} }), or a placeholder when it is unknown or sensitive. */
  fragment: unknown;
  /**
   * merge: the fragment is merged into the target (azapi_update_resource reads the resource and merges its
   * body; PATCH; azurerm writers). replace: a PUT, which makes the body the resource's whole definition.
   */
  mode: 'merge' | 'replace';
  /** azapi `list_unique_id_property`: array path -> the member key lists are merged by (default `name`). */
  listKeys?: Readonly<Record<string, string>>;
}

export interface OverlayTarget {
  /** The Terraform attribute that names the target; its configuration references find it when the id is unknown. */
  attribute: string;
  /** The target's ARM id: a string, a placeholder (known after apply, sensitive) or absent (named by parent and name). */
  id?: unknown;
  /** The target's ARM type, when the writer says it (azapi `type`, the azurerm writer's table entry). */
  armType?: string;
  /** azapi `parent_id` + `name`, when there is no resource_id. */
  parentId?: unknown;
  name?: unknown;
}

/**
 * What a write that may or may not happen (a method or target known only after apply, one of several
 * candidate targets) leaves behind: every value it would set is unknown; objects keep their shape, so
 * what it does not touch stays as it was.
 */
export function possibly(fragment: unknown, depth = 0): unknown {
  if (isPlainObject(fragment) && depth < 50) return Object.fromEntries(Object.entries(fragment).map(([key, value]) => [key, possibly(value, depth + 1)]));
  return UNKNOWN;
}
