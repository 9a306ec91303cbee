import { followLinks, parentOf } from '../../graph/links.js';
import { notationOf, openBecause } from '../../model/notation.js';
import { idKey, refKey, referenceTargets, USER_ASSIGNED_IDENTITY } from '../../graph/role-assignments.js';
import type { Inventory } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder, isPlainObject, isRedacted, UNKNOWN } from '../../model/values.js';
import type { RoleMode } from './registry-roles.js';
import { workloadRegistries } from './workload-images.js';

/**
 * AZF-POOL-009, what pulls images and with which identity: the identity that pulls images holds a pull role on the registry, at the registry or a
 * parent scope. Pullers: Container Apps apps and jobs (`configuration.registries[].identity`), session pools
 * (`customContainerTemplate.registryCredentials.identity`), an AKS cluster's kubelet identity (for its
 * bootstrap cache registry, and for its workloads' images when the scan holds them and no other cluster), and ACR tasks (the identity of each `credentials.customRegistries` entry; on
 * an ABAC-mode registry also `credentials.sourceRegistry.identity` for the task's own registry, where a
 * legacy-mode task has data-plane access without any role).
 *
 * A puller is judged only where the scan holds role assignments for it (its own input, or its registry's):
 * an input with none says so once (on its first puller), not once per workload.
 */
export const REGISTRY = 'Microsoft.ContainerRegistry/registries';
/** What the checks read besides the puller: registries, identities, role assignments and (custom) role definitions (authorizationresources). */
export const PULL_ROLE_READS: readonly string[] = ['microsoft.containerregistry/registries', 'microsoft.managedidentity/userassignedidentities', 'microsoft.authorization/roleassignments', 'microsoft.authorization/roledefinitions'];

export const PULLER_TYPES: readonly string[] = ['Microsoft.App/containerApps', 'Microsoft.App/jobs', 'Microsoft.App/sessionPools', 'Microsoft.ContainerService/managedClusters', 'Microsoft.ContainerRegistry/registries/tasks'];

export interface Identity {
  label: string;
  keys: string[];
  /** How a fix names its object id in the puller's own input (an expression of its configuration, an id, a shell lookup). */
  principal: string;
}

export interface Pull {
  /** ARM path of the identity setting, for evidence. */
  path: string;
  registry?: Resource;
  registryName: string;
  /** Why the registry could not be told (a server known only after apply). */
  registryUnknown?: string;
  identity: Identity | { unresolved: string; label?: string; principal?: string } | { missing: string };
  repositories?: string[];
  /** What the pull is for, when the puller is not the workload itself: `the images of Deployment web`. */
  purpose?: string;
}

export interface Pulls {
  pulls: Pull[];
  /** Settings that decide whether (and with what) the resource pulls, not known. */
  undecided: string[];
}

const known = (resource: Resource): string => openBecause(resource, 'not in the input');

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function propertiesOf(resource: Resource): Record<string, unknown> {
  return isPlainObject(resource.body['properties']) ? resource.body['properties'] : {};
}

/** How the user names an ARM path of a resource, nested blocks included (`registry[0].identity`). */
function named(resource: Resource, path: string): string {
  return notationOf(resource).spell(resource, path);
}

/** Registries by login server and by name, built once per scan. */
function registryByServer(inventory: Inventory, server: string): Resource | undefined {
  const index = inventory.cached('registries-by-login-server', () => {
    const byServer = new Map<string, Resource>();
    for (const registry of inventory.ofType(REGISTRY)) {
      const login = text(propertiesOf(registry)['loginServer']);
      if (login) byServer.set(login.toLowerCase(), registry);
      for (const suffix of ['azurecr.io', 'azurecr.cn', 'azurecr.us']) {
        const key = `${registry.name.toLowerCase()}.${suffix}`;
        if (!byServer.has(key)) byServer.set(key, registry);
      }
    }
    return byServer;
  });
  return index.get(server.toLowerCase());
}

function isAcrServer(server: string): boolean {
  return /\.azurecr\.(io|cn|us)$/i.test(server);
}

function registryNameOf(server: string): string {
  return server.toLowerCase().replace(/\.azurecr\.(io|cn|us)$/, '');
}

/** User-assigned identities by client id (ACR tasks name them so), built once per scan. */
function identityByClientId(inventory: Inventory, clientId: string): Resource | undefined {
  const index = inventory.cached('identities-by-client-id', () => {
    const byClient = new Map<string, Resource>();
    for (const identity of inventory.ofType(USER_ASSIGNED_IDENTITY)) {
      const client = text(propertiesOf(identity)['clientId']);
      if (client) byClient.set(client.toLowerCase(), identity);
    }
    return byClient;
  });
  return index.get(clientId.toLowerCase());
}

function shellLookup(resource: Resource, command: string, query: string): string {
  const group = text(resource.body['resourceGroup']);
  const where = resource.source.id ? `--ids ${resource.source.id}` : `--name ${resource.name}${group ? ` --resource-group ${group}` : ''}`;
  return `$(az ${command} show ${where} --query ${query} --output tsv)`;
}

/** The object id as a fix writes it: the id, else the input's expression for `armPath` once deployed, else the shell lookup. */
function principalText(owner: Resource, objectId: string | undefined, armPath: string, shell: string): string {
  const notation = notationOf(owner);
  if (objectId) return notation.quote(objectId);
  return notation.outputOf(owner, armPath) ?? shell;
}

function userAssigned(uami: Resource): Identity | { unresolved: string } {
  const objectId = text(propertiesOf(uami)['principalId']);
  const keys = objectId ? [idKey(objectId)] : [];
  if (notationOf(uami).refersByConfiguration) keys.push(refKey(uami, 'principal'));
  if (keys.length === 0) return { unresolved: `the principal id of user-assigned identity ${uami.name} is not in the input` };
  return { label: `user-assigned identity ${uami.name}`, keys, principal: principalText(uami, objectId, 'properties.principalId', shellLookup(uami, 'identity', 'principalId')) };
}

function systemAssigned(owner: Resource): Identity | { unresolved: string } {
  const identity = owner.body['identity'];
  const objectId = isPlainObject(identity) ? text(identity['principalId']) : undefined;
  const keys = objectId ? [idKey(objectId)] : [];
  if (notationOf(owner).refersByConfiguration) keys.push(refKey(owner, 'principal'));
  if (keys.length === 0) return { unresolved: `the principal id of the system-assigned identity of ${owner.name} is not in the input` };
  const command = owner.armType === 'Microsoft.ContainerRegistry/registries/tasks' ? 'acr task' : 'containerapp';
  return { label: `the system-assigned identity of ${owner.name}`, keys, principal: principalText(owner, objectId, 'identity.principalId', shellLookup(owner, command, 'identity.principalId')) };
}

/** The identity a registry setting names: `system` / `[system]`, a user-assigned identity id, or (tasks) a client id. */
type Unresolved = { unresolved: string; label?: string; principal?: string };

function identityNamed(inventory: Inventory, owner: Resource, path: string, value: unknown): Identity | Unresolved | undefined {
  const attribute = named(owner, path);
  if (isRedacted(value)) return { unresolved: `${attribute} is marked sensitive` };
  if (value === UNKNOWN) {
    const notation = notationOf(owner);
    // An attribute that writes the whole body (azapi) holds references to every identity the resource names.
    const shared = notation.sharesAttribute(owner, path);
    let followed = referenceTargets(inventory, owner, shared ? (notation.settingAttribute(owner, path) ?? attribute) : attribute);
    // A dynamic block is one block in the configuration, whatever its index in the plan.
    if (followed.targets.length === 0 && !shared) followed = referenceTargets(inventory, owner, attribute.replace(/\[\d+\]/g, '[0]'));
    const identities = [...new Set(followed.targets.filter(({ target }) => target.armType === USER_ASSIGNED_IDENTITY).map(({ target }) => target))];
    if (identities.length >= 1 && !shared) return userAssigned(identities[0]!);
    // An input records the references of an attribute that writes the whole body as one list, not per
    // property (a plan's configuration does: Terraform's jsonconfig marshalExpression), and the unknown value
    // comes from one of them. It can name only an identity the body refers to: with one identity among the
    // references, every reference resolved and none reading an identity off another resource, it is that
    // identity, whether the body names it once or in several places (registry, identity map, a client id).
    const other = followed.targets.some(({ target, reference }) => target.armType !== USER_ASSIGNED_IDENTITY && /identit/i.test(reference));
    if (identities.length === 1 && followed.unresolved.length === 0 && !other) return userAssigned(identities[0]!);
    const why = followed.unresolved.length
      ? followed.unresolved.join('; ')
      : identities.length > 1
        ? `${notation.settingAttribute(owner, path) ?? attribute} refers to user-assigned identities ${identities.map((identity) => identity.name).join(' and ')}, and the input records its references as one list, not per property, so which one the registry entry names is not known`
        : 'the configuration shows no identity it refers to';
    return { unresolved: `${attribute} is known only after apply: ${why}` };
  }
  const written = text(value);
  if (!written) return undefined;
  const lower = written.toLowerCase();
  if (lower === 'system' || lower === '[system]') return systemAssigned(owner);
  if (lower === '[caller]') return undefined;
  if (lower.includes('/providers/microsoft.managedidentity/userassignedidentities/')) {
    const uami = inventory.getById(written);
    if (uami) return userAssigned(uami);
    // An app lists its user-assigned identities with their principal ids (ARM, snapshots, audits).
    const assigned = isPlainObject(owner.body['identity']) ? owner.body['identity']['userAssignedIdentities'] : undefined;
    if (isPlainObject(assigned)) {
      for (const [id, entry] of Object.entries(assigned)) {
        const objectId = isPlainObject(entry) ? text(entry['principalId']) : undefined;
        if (objectId && id.toLowerCase() === lower) return { label: `user-assigned identity ${written.replace(/^.*\//, '')}`, keys: [idKey(objectId)], principal: notationOf(owner).quote(objectId) };
      }
    }
    const name = written.replace(/^.*\//, '');
    const principal = notationOf(owner).phrases.identityPrincipal(name, written);
    return { unresolved: `user-assigned identity ${name} (${attribute}) is not in this scan, so its principal id is not known`, label: `user-assigned identity ${name}`, principal };
  }
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(written)) {
    const uami = identityByClientId(inventory, written);
    if (uami) return userAssigned(uami);
    return { unresolved: `the identity with client id ${written} (${attribute}) is not in this scan, so its principal id is not known` };
  }
  return { unresolved: `${attribute} is ${JSON.stringify(written)}, which names no identity azfence can follow` };
}

/** The registry a login server names, and the repositories the resource's containers pull from it. */
function registryFor(inventory: Inventory, owner: Resource, path: string, server: unknown): { registry?: Resource; name: string; unknown?: string } | undefined {
  const written = text(server);
  if (written) {
    const host = written.toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    const registry = registryByServer(inventory, host);
    if (registry) return { registry, name: registry.name };
    return isAcrServer(host) ? { name: registryNameOf(host) } : undefined;
  }
  if (server !== UNKNOWN) return undefined;
  const attribute = named(owner, path);
  const followed = followLinks(inventory, owner, path, { targetTypes: [REGISTRY] });
  const target = followed.links.find((link) => link.target)?.target;
  if (target) return { registry: target, name: target.name };
  return { name: attribute, unknown: `${attribute} is known only after apply${followed.unresolved.length ? `: ${followed.unresolved.join('; ')}` : ''}` };
}

function repositoriesFrom(owner: Resource, registry: Resource | undefined, server: unknown): string[] | undefined {
  const template = propertiesOf(owner)['template'];
  const containers = isPlainObject(template) ? [...list(template['containers']), ...list(template['initContainers'])] : [];
  const hosts = new Set<string>();
  const written = text(server);
  if (written) hosts.add(written.toLowerCase());
  if (registry) {
    hosts.add(`${registry.name.toLowerCase()}.azurecr.io`);
    const login = text(propertiesOf(registry)['loginServer']);
    if (login) hosts.add(login.toLowerCase());
  }
  const repositories: string[] = [];
  for (const container of containers) {
    const image = isPlainObject(container) ? container['image'] : undefined;
    if (isPlaceholder(image)) return undefined;
    const ref = text(image);
    if (!ref) continue;
    const slash = ref.indexOf('/');
    if (slash < 0 || !hosts.has(ref.slice(0, slash).toLowerCase())) continue;
    repositories.push(ref.slice(slash + 1).replace(/@.*$/, '').replace(/:[^/:]*$/, ''));
  }
  return repositories.length ? repositories : undefined;
}

function appPulls(inventory: Inventory, app: Resource, base: string, entries: unknown, into: Pulls): void {
  if (isPlaceholder(entries)) {
    into.undecided.push(`${named(app, base)} is ${isRedacted(entries) ? 'marked sensitive' : known(app)}`);
    return;
  }
  const members = Array.isArray(entries) ? entries.map((entry, index) => ({ entry, path: `${base}[${index}]` })) : isPlainObject(entries) ? [{ entry: entries, path: base }] : [];
  for (const { entry, path } of members) {
    if (isPlaceholder(entry)) {
      into.undecided.push(`${named(app, path)} is ${known(app)}`);
      continue;
    }
    if (!isPlainObject(entry)) continue;
    const identityValue = entry['identity'];
    if (identityValue === undefined || identityValue === null || identityValue === '') continue;
    const registry = registryFor(inventory, app, `${path}.server`, entry['server']);
    if (!registry) continue;
    const identity = identityNamed(inventory, app, `${path}.identity`, identityValue);
    if (!identity) continue;
    const repositories = repositoriesFrom(app, registry.registry, entry['server']);
    into.pulls.push({ path: `${path}.identity`, ...(registry.registry ? { registry: registry.registry } : {}), registryName: registry.name, ...(registry.unknown ? { registryUnknown: registry.unknown } : {}), identity, ...(repositories ? { repositories } : {}) });
  }
}

function kubeletIdentity(inventory: Inventory, cluster: Resource): Identity | { unresolved: string } {
  const profile = propertiesOf(cluster)['identityProfile'];
  const kubelet = isPlainObject(profile) ? Object.entries(profile).find(([key]) => key.toLowerCase() === 'kubeletidentity')?.[1] : undefined;
  const objectId = isPlainObject(kubelet) ? text(kubelet['objectId']) : undefined;
  const keys = objectId ? [idKey(objectId)] : [];
  if (notationOf(cluster).refersByConfiguration) keys.push(refKey(cluster, 'kubelet'));
  const resourceId = isPlainObject(kubelet) ? kubelet['resourceId'] : undefined;
  const uamis = resourceId === undefined ? [] : followLinks(inventory, cluster, 'properties.identityProfile.kubeletidentity.resourceId', { targetTypes: [USER_ASSIGNED_IDENTITY] }).links.flatMap((link) => (link.target ? [link.target] : []));
  for (const uami of uamis) {
    const identity = userAssigned(uami);
    if ('keys' in identity) keys.push(...identity.keys);
  }
  if (keys.length === 0) return { unresolved: `the kubelet identity of ${cluster.name} (identityProfile.kubeletidentity.objectId) is not in the input` };
  return {
    label: `the kubelet identity of ${cluster.name}`,
    keys,
    principal: principalText(cluster, objectId, 'properties.identityProfile.kubeletidentity.objectId', shellLookup(cluster, 'aks', 'identityProfile.kubeletidentity.objectId')),
  };
}

function clusterPulls(inventory: Inventory, cluster: Resource, into: Pulls): void {
  bootstrapPull(inventory, cluster, into);
  workloadPulls(inventory, cluster, into);
}

/** The kubelet identity also pulls the images of the cluster's workloads (workload-images.ts says which). */
function workloadPulls(inventory: Inventory, cluster: Resource, into: Pulls): void {
  const found = workloadRegistries(inventory, (host) => registryByServer(inventory, host));
  if (found.length === 0) return;
  const identity = kubeletIdentity(inventory, cluster);
  for (const { registry, repositories, purpose } of found) into.pulls.push({ path: 'properties.identityProfile.kubeletidentity.objectId', registry, registryName: registry.name, identity, repositories, purpose });
}

function bootstrapPull(inventory: Inventory, cluster: Resource, into: Pulls): void {
  const bootstrap = propertiesOf(cluster)['bootstrapProfile'];
  if (!isPlainObject(bootstrap)) return;
  const source = bootstrap['artifactSource'];
  if (typeof source !== 'string' || source.toLowerCase() !== 'cache') return;
  const path = 'properties.bootstrapProfile.containerRegistryId';
  const value = bootstrap['containerRegistryId'];
  if (value === undefined || value === null || value === '') return;
  const links = followLinks(inventory, cluster, path, { targetTypes: [REGISTRY] });
  const link = links.links[0];
  const registryName = link?.target?.name ?? link?.name ?? named(cluster, path);
  const pull: Pull = { path, registryName, identity: kubeletIdentity(inventory, cluster) };
  if (link?.target) pull.registry = link.target;
  else if (!link) pull.registryUnknown = links.unresolved.join('; ') || `${named(cluster, path)} is ${known(cluster)}`;
  into.pulls.push(pull);
}

export function modeOf(registry: Resource): RoleMode | undefined | typeof UNKNOWN {
  const mode = propertiesOf(registry)['roleAssignmentMode'];
  if (isPlaceholder(mode) || isPlaceholder(registry.body['properties'])) return UNKNOWN;
  return typeof mode === 'string' && mode.toLowerCase() === 'abacrepositorypermissions' ? 'abac' : 'legacy';
}

function taskPulls(inventory: Inventory, task: Resource, into: Pulls): void {
  const credentials = propertiesOf(task)['credentials'];
  if (isPlaceholder(credentials)) {
    into.undecided.push(`${named(task, 'properties.credentials')} is ${known(task)}`);
    return;
  }
  const custom = isPlainObject(credentials) ? credentials['customRegistries'] : undefined;
  // ARM keys custom registries by login server; the azurerm mapping lists them with their login server.
  const entries = Array.isArray(custom)
    ? custom.map((entry, index) => ({ entry, server: isPlainObject(entry) ? entry['loginServer'] : undefined, path: `properties.credentials.customRegistries[${index}]` }))
    : isPlainObject(custom)
      ? Object.entries(custom).map(([server, entry]) => ({ entry, server: server as unknown, path: `properties.credentials.customRegistries.${server}` }))
      : [];
  if (isPlaceholder(custom)) into.undecided.push(`${named(task, 'properties.credentials.customRegistries')} is ${known(task)}`);
  for (const { entry, server, path } of entries) {
    if (!isPlainObject(entry)) continue;
    const identityValue = entry['identity'];
    if (identityValue === undefined || identityValue === null || identityValue === '') continue;
    const registry = registryFor(inventory, task, `${path}.loginServer`, server);
    if (!registry) continue;
    const identity = identityNamed(inventory, task, `${path}.identity`, identityValue);
    if (!identity) continue;
    into.pulls.push({ path: `${path}.identity`, ...(registry.registry ? { registry: registry.registry } : {}), registryName: registry.name, ...(registry.unknown ? { registryUnknown: registry.unknown } : {}), identity });
  }
  // The task's own registry: a legacy-mode task reaches it without a role; an ABAC-mode one needs an identity.
  const own = parentOf(inventory, task).links.find((link) => link.target?.armType === REGISTRY)?.target;
  if (!own || modeOf(own) !== 'abac') return;
  const path = 'properties.credentials.sourceRegistry.identity';
  const source = isPlainObject(credentials) ? credentials['sourceRegistry'] : undefined;
  const value = isPlainObject(source) ? source['identity'] : isPlaceholder(source) ? source : undefined;
  if (value === undefined || value === null || value === '') {
    const cannot = notationOf(task).unsettable(task, path);
    const identity = cannot
      ? { unresolved: `its registry ${own.name} uses ABAC repository permissions, and ${cannot}` }
      : { missing: `its registry ${own.name} uses ABAC repository permissions, where a task pulls with the identity in credentials.sourceRegistry.identity, and none is set` };
    into.pulls.push({ path, registry: own, registryName: own.name, identity });
    return;
  }
  const identity = identityNamed(inventory, task, path, value);
  if (identity) into.pulls.push({ path, registry: own, registryName: own.name, identity });
}

export function pullsOf(inventory: Inventory, resource: Resource): Pulls {
  return inventory.cachedFor('image-pulls', resource, () => {
    const pulls: Pulls = { pulls: [], undecided: [] };
    const properties = resource.body['properties'];
    if (isPlaceholder(properties)) return pulls;
    const type = resource.armType.toLowerCase();
    if (type === 'microsoft.app/containerapps' || type === 'microsoft.app/jobs') {
      const configuration = propertiesOf(resource)['configuration'];
      if (isPlaceholder(configuration)) pulls.undecided.push(`${named(resource, 'properties.configuration')} is ${known(resource)}`);
      else appPulls(inventory, resource, 'properties.configuration.registries', isPlainObject(configuration) ? configuration['registries'] : undefined, pulls);
    } else if (type === 'microsoft.app/sessionpools') {
      const template = propertiesOf(resource)['customContainerTemplate'];
      if (isPlainObject(template)) appPulls(inventory, resource, 'properties.customContainerTemplate.registryCredentials', template['registryCredentials'], pulls);
    } else if (type === 'microsoft.containerservice/managedclusters') {
      clusterPulls(inventory, resource, pulls);
    } else if (type === 'microsoft.containerregistry/registries/tasks') {
      taskPulls(inventory, resource, pulls);
    }
    return pulls;
  });
}

