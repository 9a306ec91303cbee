import { isPlainObject } from '../model/values.js';

/**
 * A registry's dedicated data endpoints (`<registry>.<region>.data.azurecr.io`, one per replica region):
 * the hosts that serve its image layers when `dataEndpointEnabled` is true, in place of its storage
 * account under `*.blob.core.windows.net`. The ones Azure lists (`dataEndpointHostNames`, read-only) win;
 * otherwise the registry's own region gives one.
 */
export function dataEndpointHosts(registry: { name: string; location?: string; body: Record<string, unknown> }): string[] {
  const properties = isPlainObject(registry.body['properties']) ? registry.body['properties'] : {};
  const listed = properties['dataEndpointHostNames'];
  if (Array.isArray(listed) && listed.length && listed.every((host) => typeof host === 'string')) return (listed as string[]).map((host) => host.toLowerCase());
  const location = (registry.location ?? (typeof registry.body['location'] === 'string' ? registry.body['location'] : '')).toLowerCase().replace(/\s+/g, '');
  return [`${registry.name.toLowerCase()}.${location || '<region>'}.data.azurecr.io`];
}

export function dataEndpointsEnabled(registry: { body: Record<string, unknown> }): boolean {
  const properties = isPlainObject(registry.body['properties']) ? registry.body['properties'] : {};
  return properties['dataEndpointEnabled'] === true;
}
