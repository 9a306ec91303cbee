import { join } from 'node:path';
import { networkFqdnCovers, patternCovers, portAllows, protocolAllows } from '../../egress/fqdn.js';
import type { FunctionContext } from '../../engine/evaluate.js';
import { BUILT_IN_POLICY_DIR } from '../../engine/policy-dir.js';
import { readYamlData } from '../../engine/precompiled.js';
import { endpointIndex } from '../../graph/endpoint-index.js';
import { CLASSIC_APP_COLLECTION, CLASSIC_NET_COLLECTION, FIREWALL_POLICY, ruleHome, RULE_COLLECTION_GROUP, type FirewallRules } from '../../graph/firewall-rules.js';
import { followLinks, parentOf } from '../../graph/links.js';
import { defaultRouteOf, SUBNET } from '../../graph/routes.js';
import type { Inventory } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder, isPlainObject, UNKNOWN } from '../../model/values.js';
import { dataEndpointHosts, dataEndpointsEnabled } from '../../egress/data-endpoints.js';
import { propertiesOf } from '../results.js';
import { openBecause } from '../../model/notation.js';

/**
 * The egress pack's evaluators: what the workloads behind a firewall need (egress profiles, as data), what
 * its rules allow, allow-all rules, malformed entries, DNS proxy for FQDN network rules, and workloads that
 * should egress through the firewall but do not.
 */
export interface EgressNeed {
  fqdn?: string;
  serviceTag?: string;
  serviceTags?: string[];
  port?: number;
  protocol?: string;
  /** Image layers of the workloads' registries: also met by their dedicated data endpoints (AZF-EGR-006's fix). */
  registryData?: boolean;
}

export interface EgressProfile {
  id: string;
  title: string;
  fqdnTags?: string[];
  needs: EgressNeed[];
}

let builtInProfiles: EgressProfile[] | undefined;

export function egressProfiles(extra: unknown): EgressProfile[] {
  builtInProfiles ??= (readYamlData(join(BUILT_IN_POLICY_DIR, 'data', 'egress-profiles.yaml')) as { profiles: EgressProfile[] }).profiles;
  const custom = Array.isArray(extra) ? (extra as EgressProfile[]).filter((profile) => profile && typeof profile.id === 'string' && Array.isArray(profile.needs)) : [];
  // A team's profile with a built-in id replaces it.
  return [...builtInProfiles.filter((profile) => !custom.some((own) => own.id === profile.id)), ...custom];
}

/** A workload behind a firewall, the profile it implies, and the values for the profile's placeholders. */
interface Workload {
  resource: Resource;
  profile: string;
  registries: string[];
  /** Every registry login server it pulls from, private endpoint or not. */
  pullsFrom: string[];
  /** Why it may or may not be behind the firewall, or need the profile: a value known only after apply, a subnet not in the scan. */
  uncertain?: string;
}

/** The profile a workload implies; `uncertain` when whether it does rests on a value the scan does not have. */
type ProfileOf = string | undefined | { profile: string; uncertain: string };

/** Subnets of the resources that host workloads, by the field that names them. */
const WORKLOAD_SUBNETS: Array<{ type: string; paths: string[]; profile: (inventory: Inventory, resource: Resource) => ProfileOf }> = [
  {
    type: 'Microsoft.ContainerService/managedClusters',
    paths: ['properties.agentPoolProfiles[*].vnetSubnetID'],
    profile: () => 'aks',
  },
  { type: 'Microsoft.ContainerService/managedClusters/agentPools', paths: ['properties.vnetSubnetID'], profile: () => 'aks' },
  {
    type: 'Microsoft.App/managedEnvironments',
    paths: ['properties.vnetConfiguration.infrastructureSubnetId'],
    profile: (inventory, environment) => {
      const kinds = jobsOf(inventory, environment).map(isAzurePipelinesAgent);
      if (kinds.includes(true)) return 'aca-azure-devops-agent';
      if (kinds.includes(undefined)) return { profile: 'aca-azure-devops-agent', uncertain: `whether ${environment.name} runs Azure Pipelines agents is known only after apply (a job's scale rules)` };
      // A job whose environment cannot be told may run here.
      const stray = jobsWithoutEnvironment(inventory).find((job) => isAzurePipelinesAgent(job) !== false);
      if (stray) return { profile: 'aca-azure-devops-agent', uncertain: `the environment of job ${stray.name} is not known, so whether ${environment.name} runs Azure Pipelines agents is not known` };
      return undefined;
    },
  },
  { type: 'Microsoft.ContainerRegistry/registries/agentPools', paths: ['properties.virtualNetworkSubnetResourceId'], profile: () => 'acr-agent-pool' },
  { type: 'Microsoft.DevOpsInfrastructure/pools', paths: ['properties.fabricProfile.networkProfile.subnetId'], profile: () => 'managed-devops-pools' },
];

/** Container Apps jobs by environment, and the jobs whose environment cannot be followed. Built once per scan. */
function jobIndex(inventory: Inventory): { byEnvironment: Map<string, Resource[]>; unlinked: Resource[] } {
  return inventory.cached('egress-jobs-by-environment', () => {
    const byEnvironment = new Map<string, Resource[]>();
    const unlinked: Resource[] = [];
    for (const job of inventory.ofType('Microsoft.App/jobs')) {
      const environments = followLinks(inventory, job, 'properties.environmentId', { targetTypes: ['Microsoft.App/managedEnvironments'] });
      if (environments.links.length === 0 && (environments.unresolved.length || isPlaceholder(job.body['properties']))) unlinked.push(job);
      for (const link of environments.links) {
        const key = link.target ? link.target.key.toLowerCase() : `id:${(link.id ?? '').toLowerCase()}`;
        byEnvironment.set(key, [...(byEnvironment.get(key) ?? []), job]);
      }
    }
    return { byEnvironment, unlinked };
  });
}

function jobsOf(inventory: Inventory, environment: Resource): Resource[] {
  const index = jobIndex(inventory).byEnvironment;
  return [...(index.get(environment.key.toLowerCase()) ?? []), ...(environment.source.id ? index.get(`id:${environment.source.id.toLowerCase()}`) ?? [] : [])];
}

function jobsWithoutEnvironment(inventory: Inventory): Resource[] {
  return jobIndex(inventory).unlinked;
}

/** Whether a job is an Azure Pipelines agent (a KEDA azure-pipelines scale rule); undefined when that is not known. */
function isAzurePipelinesAgent(job: Resource): boolean | undefined {
  if (isPlaceholder(job.body['properties'])) return undefined;
  let node: unknown = propertiesOf(job);
  for (const key of ['configuration', 'eventTriggerConfig', 'scale', 'rules']) {
    if (isPlaceholder(node)) return undefined;
    node = isPlainObject(node) ? node[key] : undefined;
  }
  if (isPlaceholder(node)) return undefined;
  if (!Array.isArray(node)) return false;
  if (node.some((rule) => isPlainObject(rule) && typeof rule['type'] === 'string' && rule['type'].toLowerCase() === 'azure-pipelines')) return true;
  return node.some((rule) => isPlaceholder(rule) || (isPlainObject(rule) && isPlaceholder(rule['type']))) ? undefined : false;
}

/** Registries the workload pulls from (login servers), and those it reaches through the firewall (no private endpoint in the scan). */
function registriesOf(inventory: Inventory, workload: Resource): { pullsFrom: string[]; registries: string[] } {
  const servers: string[] = [];
  const jobs = workload.armType.toLowerCase() === 'microsoft.app/managedenvironments' ? jobsOf(inventory, workload) : [];
  for (const job of jobs) {
    const registries = (propertiesOf(job)['configuration'] as Record<string, unknown> | undefined)?.['registries'];
    if (!Array.isArray(registries)) continue;
    registries.forEach((entry, index) => {
      if (!isPlainObject(entry)) return;
      const server = entry['server'];
      if (typeof server === 'string') servers.push(server.toLowerCase());
      else if (server === UNKNOWN) {
        // Usually azurerm_container_registry.x.login_server, known only after apply: the reference names the registry.
        const links = followLinks(inventory, job, `properties.configuration.registries[${index}].server`, { targetTypes: ['Microsoft.ContainerRegistry/registries'] }).links;
        for (const link of links) if (link.target) servers.push(`${link.target.name.toLowerCase()}.azurecr.io`);
      }
    });
  }
  if (workload.armType.toLowerCase() === 'microsoft.containerregistry/registries/agentpools') {
    for (const link of parentOf(inventory, workload).links) {
      const name = link.target?.name ?? link.name;
      if (name) servers.push(`${name.toLowerCase()}.azurecr.io`);
    }
  }
  const endpoints = endpointIndex(inventory);
  const pullsFrom = [...new Set(servers)];
  const registries = pullsFrom.filter((server) => {
    const name = server.replace(/\.azurecr\.(io|us|cn)$/, '');
    const registry = inventory.byName('Microsoft.ContainerRegistry/registries', name)[0];
    if (!registry) return true;
    return !(endpoints.byTarget.has(registry.key.toLowerCase()) || (registry.source.id && endpoints.byTarget.has(`id:${registry.source.id.toLowerCase()}`)));
  });
  return { pullsFrom, registries };
}

/** firewall key -> the workloads whose subnets send 0.0.0.0/0 to it. Built once per scan. */
interface WorkloadIndex {
  /** firewall key -> the workloads whose subnets send 0.0.0.0/0 to it. */
  byFirewall: Map<string, Workload[]>;
  /** Workloads whose route the scan cannot follow: any firewall may be theirs, so no firewall passes on their account. */
  anyFirewall: Workload[];
}

/** Where each workload's subnets send 0.0.0.0/0. Built once per scan. */
export function workloadsBehindFirewalls(inventory: Inventory): WorkloadIndex {
  return inventory.cached('workloads-behind-firewalls', () => {
    const index: WorkloadIndex = { byFirewall: new Map(), anyFirewall: [] };
    for (const spec of WORKLOAD_SUBNETS) {
      for (const resource of inventory.ofType(spec.type)) {
        const implied = spec.profile(inventory, resource);
        if (!implied) continue;
        const profile = typeof implied === 'string' ? implied : implied.profile;
        const firewalls = new Set<Resource>();
        const undecided: string[] = [];
        if (isPlaceholder(resource.body['properties'])) undecided.push(`the properties of ${resource.name} are ${openBecause(resource, 'not in the snapshot')}`);
        for (const path of spec.paths) {
          const subnets = followLinks(inventory, resource, path, { targetTypes: [SUBNET] });
          undecided.push(...subnets.unresolved);
          for (const subnet of subnets.links) {
            if (!subnet.target) {
              undecided.push(`subnet ${subnet.name ?? subnet.id} of ${resource.name} is not in this scan`);
              continue;
            }
            const route = defaultRouteOf(inventory, subnet.target);
            if (route.status === 'firewall' && route.firewall) firewalls.add(route.firewall);
            else if (route.status === 'unknown') undecided.push(route.reason ?? `the default route of ${subnet.target.name} is known only after apply`);
          }
        }
        const uncertain = typeof implied === 'string' ? undefined : implied.uncertain;
        const workload = (why: string | undefined): Workload => ({ resource, profile, ...registriesOf(inventory, resource), ...(why ? { uncertain: why } : {}) });
        for (const firewall of firewalls) {
          const key = firewall.key.toLowerCase();
          index.byFirewall.set(key, [...(index.byFirewall.get(key) ?? []), workload(uncertain)]);
        }
        if (firewalls.size === 0 && undecided.length) index.anyFirewall.push(workload([`whether ${resource.name} egresses through this firewall is not known: ${undecided.join('; ')}`, uncertain].filter(Boolean).join('; ')));
      }
    }
    return index;
  });
}

export function expandNeed(need: EgressNeed, workloads: readonly Workload[], fallbackLocation: string | undefined): EgressNeed[] {
  if (!need.fqdn) return [need];
  if (need.fqdn.includes('<registry>')) {
    const registries = [...new Set(workloads.flatMap((workload) => workload.registries))];
    return registries.map((server) => ({ ...need, fqdn: need.fqdn!.replace('<registry>.azurecr.io', server).replace('<registry>', server.split('.')[0]!) }));
  }
  if (need.fqdn.includes('<location>')) {
    // A profile named in configuration has no workloads to take a region from: the firewall's region stands in.
    const fromWorkloads = workloads.map((workload) => workload.resource.location);
    const locations = [...new Set((fromWorkloads.length ? fromWorkloads : [fallbackLocation]).map((location) => location?.toLowerCase().replace(/\s+/g, '')).filter((location): location is string => !!location))];
    return locations.map((location) => ({ ...need, fqdn: need.fqdn!.replace('<location>', location) }));
  }
  return [need];
}

function serviceTagAllowed(rules: FirewallRules, tag: string, port: number): boolean {
  const wanted = tag.toLowerCase();
  return rules.network.some(
    (rule) =>
      rule.allow &&
      portAllows(rule.destinationPorts, port) &&
      (rule.protocols.length === 0 || rule.protocols.some((protocol) => protocol === 'tcp' || protocol === 'any')) &&
      rule.destinationAddresses.some((address) => {
        const value = address.toLowerCase();
        return value === wanted || value.startsWith(`${wanted}.`) || value === '*';
      }),
  );
}

export function needMet(rules: FirewallRules, need: EgressNeed, fqdnTags: readonly string[]): boolean {
  const port = need.port ?? 443;
  const protocol = { type: need.protocol ?? (port === 80 ? 'http' : 'https'), port };
  if (need.fqdn) {
    const viaApplication = rules.application.some((rule) => rule.allow && protocolAllows(rule.protocols, protocol) && rule.targetFqdns.some((pattern) => patternCovers(pattern, need.fqdn!)));
    if (viaApplication) return true;
    const viaTag = fqdnTags.length > 0 && rules.application.some((rule) => rule.allow && rule.fqdnTags.some((tag) => fqdnTags.some((wanted) => wanted.toLowerCase() === tag.toLowerCase())));
    if (viaTag) return true;
    // Network rules resolve destination FQDNs through DNS and take no wildcards (Microsoft, "Use FQDN
    // filtering in network rules"): only an entry naming the needed host allows it.
    const viaNetwork = rules.network.some(
      (rule) => rule.allow && portAllows(rule.destinationPorts, port) && rule.destinationFqdns.some((entry) => networkFqdnCovers(entry, need.fqdn!)),
    );
    if (viaNetwork) return true;
    return (need.serviceTags ?? []).some((tag) => serviceTagAllowed(rules, tag, port));
  }
  if (need.serviceTag) return serviceTagAllowed(rules, need.serviceTag, port);
  return true;
}

/**
 * A registry-data need (`*.blob.core.windows.net`) is met without the wildcard when every registry the
 * workloads reach through the firewall serves its layers from dedicated data endpoints that the rules allow;
 * registries behind a private endpoint serve them through it. Workloads whose registries are not known
 * keep the wildcard need.
 */
export function registryDataMet(inventory: Inventory, rules: FirewallRules, workloads: readonly Workload[]): boolean {
  if (!workloads.some((workload) => workload.pullsFrom.length > 0)) return false;
  const throughFirewall = [...new Set(workloads.flatMap((workload) => workload.registries))];
  const https = { type: 'https', port: 443 };
  return throughFirewall.every((server) => {
    const registry = inventory.byName('Microsoft.ContainerRegistry/registries', server.replace(/\.azurecr\.(io|us|cn)$/, ''))[0];
    if (!registry || !dataEndpointsEnabled(registry)) return false;
    return dataEndpointHosts(registry).every(
      (host) => !host.includes('<') && rules.application.some((rule) => rule.allow && protocolAllows(rule.protocols, https) && rule.targetFqdns.some((pattern) => patternCovers(pattern, host))),
    );
  });
}

export function describeNeed(need: EgressNeed): string {
  const port = need.port ?? 443;
  if (need.fqdn) return port === 443 ? need.fqdn : `${need.fqdn}:${port}`;
  return `service tag ${need.serviceTag}${port === 443 ? '' : ` port ${port}`}`;
}

export function configuredProfiles(context: FunctionContext): string[] {
  const all = context.parameters['profiles'];
  const byFirewall = context.parameters['firewallProfiles'];
  const own = isPlainObject(byFirewall) ? byFirewall[context.resource.name] : undefined;
  return [...(Array.isArray(all) ? all : []), ...(Array.isArray(own) ? own : [])].filter((id): id is string => typeof id === 'string');
}

/**
 * Where the rules a check reads are written, for messages and fixes: the group and its policy, the classic
 * collection and its firewall, or the firewall (inline collections) or policy itself.
 */
export function rulePlaceOf(context: FunctionContext): Record<string, string> {
  const { inventory, resource } = context;
  const type = resource.armType.toLowerCase();
  const owner = ruleHome(inventory, resource).ownerName;
  if (type === RULE_COLLECTION_GROUP.toLowerCase()) {
    const ofPolicy = owner ? ` of firewall policy ${owner}` : '';
    return { policy: owner ?? '(not in this scan)', ofPolicy, where: `rule collection group ${resource.name}${ofPolicy}` };
  }
  if (type === CLASSIC_APP_COLLECTION.toLowerCase() || type === CLASSIC_NET_COLLECTION.toLowerCase()) {
    const ofFirewall = owner ? ` of firewall ${owner}` : '';
    return { firewall: owner ?? '(not in this scan)', ofFirewall, where: `rule collection ${resource.name}${ofFirewall}` };
  }
  if (type === FIREWALL_POLICY.toLowerCase()) return { policy: resource.name, where: `firewall policy ${resource.name}` };
  return { where: `firewall ${resource.name}` };
}

/** AKS outbound types with no egress path (network-isolated clusters): `none`, and `block` (azapi and ARM only). */
export const NO_EGRESS_OUTBOUND_TYPES: ReadonlySet<string> = new Set(['none', 'block']);
