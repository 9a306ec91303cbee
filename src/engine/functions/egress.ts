import { join } from 'node:path';
import { readYamlData } from '../precompiled.js';
import type { FunctionContext, RuleFunction } from '../evaluate.js';
import type { Evidence } from '../verdict.js';
import { BUILT_IN_POLICY_DIR } from '../policy-dir.js';
import { fqdnProblem, isAllowAll, normalizeFqdn, patternCovers, portAllows, protocolAllows } from '../../egress/fqdn.js';
import { CLASSIC_APP_COLLECTION, CLASSIC_NET_COLLECTION, dnsProxyFor, firewallRules, FIREWALL_POLICY, ruleFamily, ruleHome, rulesWrittenIn, RULE_COLLECTION_GROUP, type FirewallRules } from '../../graph/firewall-rules.js';
import { childrenOf, followLinks, parentOf } from '../../graph/links.js';
import { defaultRouteOf, SUBNET } from '../../graph/routes.js';
import type { Inventory } from '../../model/inventory.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder, isPlainObject, UNKNOWN } from '../../model/values.js';
import { endpointIndex } from './dns.js';
import { dataEndpointHosts, dataEndpointsEnabled } from '../../egress/data-endpoints.js';
import { pass, fail, unknown, propertiesOf } from './results.js';

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
function workloadsBehindFirewalls(inventory: Inventory): WorkloadIndex {
  return inventory.cached('workloads-behind-firewalls', () => {
    const index: WorkloadIndex = { byFirewall: new Map(), anyFirewall: [] };
    for (const spec of WORKLOAD_SUBNETS) {
      for (const resource of inventory.ofType(spec.type)) {
        const implied = spec.profile(inventory, resource);
        if (!implied) continue;
        const profile = typeof implied === 'string' ? implied : implied.profile;
        const firewalls = new Set<Resource>();
        const undecided: string[] = [];
        if (isPlaceholder(resource.body['properties'])) undecided.push(`the properties of ${resource.name} are ${resource.source.kind === 'plan' ? 'known only after apply' : 'not in the snapshot'}`);
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

function expandNeed(need: EgressNeed, workloads: readonly Workload[], fallbackLocation: string | undefined): EgressNeed[] {
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

function needMet(rules: FirewallRules, need: EgressNeed, fqdnTags: readonly string[]): boolean {
  const port = need.port ?? 443;
  const protocol = { type: need.protocol ?? (port === 80 ? 'http' : 'https'), port };
  if (need.fqdn) {
    const viaApplication = rules.application.some((rule) => rule.allow && protocolAllows(rule.protocols, protocol) && rule.targetFqdns.some((pattern) => patternCovers(pattern, need.fqdn!)));
    if (viaApplication) return true;
    const viaTag = fqdnTags.length > 0 && rules.application.some((rule) => rule.allow && rule.fqdnTags.some((tag) => fqdnTags.some((wanted) => wanted.toLowerCase() === tag.toLowerCase())));
    if (viaTag) return true;
    const viaNetwork = rules.network.some(
      (rule) => rule.allow && portAllows(rule.destinationPorts, port) && rule.destinationFqdns.some((pattern) => patternCovers(pattern, need.fqdn!)),
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
function registryDataMet(inventory: Inventory, rules: FirewallRules, workloads: readonly Workload[]): boolean {
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

function describeNeed(need: EgressNeed): string {
  const port = need.port ?? 443;
  if (need.fqdn) return port === 443 ? need.fqdn : `${need.fqdn}:${port}`;
  return `service tag ${need.serviceTag}${port === 443 ? '' : ` port ${port}`}`;
}

function configuredProfiles(context: FunctionContext): string[] {
  const all = context.parameters['profiles'];
  const byFirewall = context.parameters['firewallProfiles'];
  const own = isPlainObject(byFirewall) ? byFirewall[context.resource.name] : undefined;
  return [...(Array.isArray(all) ? all : []), ...(Array.isArray(own) ? own : [])].filter((id): id is string => typeof id === 'string');
}

/** AZF-EGR-001: the firewall allows every FQDN and service tag the given profile needs, for the workloads behind it. */
export const firewallAllowsProfile: RuleFunction = (context, args) => {
  const profileId = String(args['profile']);
  const profile = egressProfiles(context.parameters['extraProfiles']).find((candidate) => candidate.id === profileId);
  if (!profile) return pass();
  const index = workloadsBehindFirewalls(context.inventory);
  const behind = (index.byFirewall.get(context.resource.key.toLowerCase()) ?? []).filter((workload) => workload.profile === profileId);
  const certain = behind.filter((workload) => !workload.uncertain);
  const maybe = [...behind.filter((workload) => workload.uncertain), ...index.anyFirewall.filter((workload) => workload.profile === profileId)];
  const configured = configuredProfiles(context).includes(profileId);
  if (certain.length === 0 && maybe.length === 0 && !configured) return pass();
  const workloads = [...certain, ...maybe];
  const rules = firewallRules(context.inventory, context.resource);
  const needs = profile.needs.flatMap((need) => expandNeed(need, workloads, context.resource.location));
  const missing = needs.filter((need) => !needMet(rules, need, profile.fqdnTags ?? []) && !(need.registryData && registryDataMet(context.inventory, rules, workloads))).map(describeNeed);
  const named = certain.length ? certain : workloads;
  const why = named.length ? `for ${[...new Set(named.map((workload) => workload.resource.name))].join(', ')}` : 'configured for this firewall';
  const details = { profile: profile.title, profileId, missing: missing.join(', '), workloads: why };
  if (missing.length === 0) return pass();
  if (rules.gaps.length) return unknown('rules', rules.gaps.join('; '), details);
  // Only workloads that may or may not use this firewall (or need the profile) miss something: undecided.
  if (certain.length === 0 && !configured) return unknown('rules', [...new Set(maybe.map((workload) => workload.uncertain!))].join('; '), details);
  // The actual is what the rules leave out; what they should allow is the expected.
  return fail('rules', `not allowed: ${missing.join(', ')}`, `rules allowing ${missing.join(', ')}`, details);
};

/**
 * Where the rules a check reads are written, for messages and fixes: the group and its policy, the classic
 * collection and its firewall, or the firewall (inline collections) or policy itself.
 */
export function placeOf(context: FunctionContext): Record<string, string> {
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

/** AZF-EGR-002: no allow rule opens everything, judged where each rule is written. */
export const noAllowAllRules: RuleFunction = (context) => {
  const rules = rulesWrittenIn(context.inventory, context.resource);
  // Each offending rule is evidence of its own: its path, and the values that open everything.
  const offenders: Array<{ text: string; evidence: Evidence }> = [];
  for (const rule of rules.application) {
    if (!rule.allow) continue;
    const wide = rule.targetFqdns.filter(isAllowAll);
    if (wide.length) offenders.push({ text: `application rule ${rule.origin.collection}/${rule.origin.rule} allows ${wide.join(', ')}`, evidence: { path: `${rule.origin.path}.targetFqdns`, actual: wide, expected: 'no allow-all rule' } });
  }
  for (const rule of rules.network) {
    if (!rule.allow) continue;
    const anyDestinations = rule.destinationAddresses.filter((address) => ['*', '0.0.0.0/0', 'internet', 'any'].includes(address.toLowerCase()));
    const anyPort = rule.destinationPorts.some((port) => port === '*' || /^0?-65535$|^1-65535$/.test(port));
    if (anyDestinations.length && anyPort) {
      offenders.push({ text: `network rule ${rule.origin.collection}/${rule.origin.rule} allows any destination on any port`, evidence: { path: `${rule.origin.path}.destinationAddresses`, actual: anyDestinations, expected: 'no allow-all rule' } });
    }
  }
  const place = placeOf(context);
  if (offenders.length) return { verdict: 'fail', evidence: offenders.map((offender) => offender.evidence), details: { ...place, offenders: offenders.map((offender) => offender.text).join('; ') } };
  if (rules.gaps.length) return unknown('rules', rules.gaps.join('; '), place);
  return pass();
};

const WELL_FORMED = 'a host name (no scheme, path or port; a wildcard only as a leading "*." label)';

/**
 * AZF-EGR-003: FQDN entries are host names (no scheme, path or port; wildcard only as a leading `*.`), each
 * listed once. An entry repeated in another group of the same policy (or a base policy), or another
 * collection of the same firewall, is reported where it comes later in processing order.
 */
export const fqdnsWellFormed: RuleFunction = (context) => {
  const { inventory, resource } = context;
  const own = rulesWrittenIn(inventory, resource);
  const problems: string[] = [];
  // The evidence is each entry as written, against what it should be; the message says what is wrong.
  const evidence: Evidence[] = [];
  const seen = new Map<string, string>();
  // The same host for other sources or ports is a different grant (one rule per spoke), not a repeat.
  const check = (entry: string, where: string, scope: string, mine: boolean, path: string): void => {
    if (entry === '*') return;
    const problem = mine ? fqdnProblem(entry) : undefined;
    const note = (text: string, expected: string): void => {
      problems.push(text);
      evidence.push({ path, actual: entry, expected });
    };
    if (problem) note(`"${entry}" in ${where} ${problem}`, WELL_FORMED);
    const key = `${normalizeFqdn(entry)}|${scope}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, where);
    else if (mine) note(first === where ? `"${entry}" is listed twice in ${where}` : `"${entry}" in ${where} repeats ${first}`, 'an entry listed once');
  };
  const scopeOf = (sources: readonly string[], ports: readonly string[]) => `${[...sources].sort().join(',')}|${[...new Set(ports)].sort().join(',')}`;
  const family = ruleFamily(inventory, resource);
  for (const member of family.includes(resource) ? family : [...family, resource]) {
    const mine = member === resource;
    const rules = mine ? own : rulesWrittenIn(inventory, member);
    const label = (collection: string, rule: string) => (mine ? `${collection}/${rule}` : `${member.name} ${collection}/${rule}`);
    for (const rule of rules.application) {
      const scope = scopeOf(rule.sourceAddresses, rule.protocols.map((protocol) => String(protocol.port)));
      for (const entry of rule.targetFqdns) check(entry, label(rule.origin.collection, rule.origin.rule), scope, mine, `${rule.origin.path}.targetFqdns`);
    }
    for (const rule of rules.network) {
      const scope = scopeOf(rule.sourceAddresses, rule.destinationPorts);
      for (const entry of rule.destinationFqdns) check(entry, label(rule.origin.collection, rule.origin.rule), scope, mine, `${rule.origin.path}.destinationFqdns`);
    }
  }
  const place = placeOf(context);
  if (problems.length) return { verdict: 'fail', evidence, details: { ...place, problems: problems.slice(0, 10).join('; ') + (problems.length > 10 ? `; and ${problems.length - 10} more` : '') } };
  if (own.gaps.length) return unknown('rules', own.gaps.join('; '), place);
  return pass();
};

/** AZF-EGR-004: network rules with destination FQDNs need DNS proxy on the firewall or policy they run on. */
export const fqdnNetworkRulesHaveDnsProxy: RuleFunction = (context) => {
  const rules = rulesWrittenIn(context.inventory, context.resource);
  const place = placeOf(context);
  // Each rule with the FQDNs it resolves: the names whose answers would differ between firewall and client.
  const using = rules.network
    .filter((rule) => rule.destinationFqdns.length > 0)
    .map((rule) => `${rule.origin.collection}/${rule.origin.rule} to ${rule.destinationFqdns.slice(0, 5).join(', ')}${rule.destinationFqdns.length > 5 ? ` and ${rule.destinationFqdns.length - 5} more` : ''}`);
  if (using.length === 0) return rules.gaps.length ? unknown('rules', rules.gaps.join('; '), place) : pass();
  const proxy = dnsProxyFor(context.inventory, context.resource);
  if (proxy.enabled === true) return pass();
  if (proxy.enabled === undefined) return unknown('dnsSettings.enableProxy', proxy.reason ?? 'whether DNS proxy is on is known only after apply', { ...place, rules: using.join(', '), policy: proxy.where });
  return fail('dnsSettings.enableProxy', false, 'DNS proxy enabled', { ...place, rules: using.join(', '), policy: proxy.where });
};

/** AKS outbound types with no egress path (network-isolated clusters): `none`, and `block` (azapi and ARM only). */
const NO_EGRESS_OUTBOUND_TYPES: ReadonlySet<string> = new Set(['none', 'block']);

/** AZF-EGR-005: a workload whose subnet routes to the firewall (or that must) really egresses through it. */
export const egressThroughFirewall: RuleFunction = (context) => {
  const { inventory, resource } = context;
  const type = resource.armType.toLowerCase();
  const required = (context.parameters['requireFirewallEgress'] as unknown[] | undefined)?.some((entry) => entry === '*' || (typeof entry === 'string' && entry.toLowerCase() === resource.name.toLowerCase())) ?? false;
  if (type === 'microsoft.containerservice/managedclusters') {
    // Node subnets of the cluster's inline pools and of node pools written as their own resources.
    const pools = childrenOf(inventory, resource, 'Microsoft.ContainerService/managedClusters/agentPools');
    const subnetLinks = [
      ...followLinks(inventory, resource, 'properties.agentPoolProfiles[*].vnetSubnetID', { targetTypes: [SUBNET] }).links,
      ...pools.flatMap((pool) => followLinks(inventory, pool, 'properties.vnetSubnetID', { targetTypes: [SUBNET] }).links),
    ];
    const outbound = context.field('properties.networkProfile.outboundType');
    // none and block (network-isolated clusters) give the nodes no egress path at all: nothing can bypass
    // the firewall. Whether such a cluster can still bootstrap is AZF-EGR-008's question, not this rule's.
    if (typeof outbound === 'string' && NO_EGRESS_OUTBOUND_TYPES.has(outbound.toLowerCase())) return pass();
    const routes = subnetLinks.map((subnet) => (subnet.target ? defaultRouteOf(inventory, subnet.target) : undefined));
    const toFirewall = routes.some((route) => route?.status === 'firewall');
    if (!toFirewall && !required) {
      // A route known only after apply may still lead to the firewall: no pass can rest on it.
      const pending = routes.find((route) => route?.status === 'unknown');
      const loadBalancer = typeof outbound === 'string' && outbound.toLowerCase() !== 'userdefinedrouting';
      if (pending && loadBalancer) return unknown('routeTable', pending.reason ?? "the node subnet's default route is known only after apply");
      return pass();
    }
    if (outbound === UNKNOWN) return unknown('networkProfile.outboundType', 'the outbound type is known only after apply');
    if (typeof outbound === 'string' && outbound.toLowerCase() === 'userdefinedrouting') {
      if (toFirewall) return pass();
      if (routes.some((route) => route === undefined || route.status === 'unknown')) return unknown('routeTable', "the node subnet's route is known only after apply or not in this scan");
      return fail('routeTable', 'no route to a firewall', 'a 0.0.0.0/0 route to the firewall', { problem: 'its node subnet has no 0.0.0.0/0 route to a firewall' });
    }
    const shown = String(outbound ?? 'loadBalancer');
    return fail('networkProfile.outboundType', shown, 'userDefinedRouting', {
      problem: `its outbound type is ${shown}, so nodes egress through ${/natgateway$/i.test(shown) ? "the NAT gateway's" : "the load balancer's"} public IP${toFirewall ? ' although their subnet routes to the firewall' : ''}`,
    });
  }
  // Container Apps: egress through a firewall (UDR) works only on environments with workload profiles.
  const subnets = followLinks(inventory, resource, 'properties.vnetConfiguration.infrastructureSubnetId', { targetTypes: [SUBNET] }).links;
  const toFirewall = subnets.some((subnet) => subnet.target && defaultRouteOf(inventory, subnet.target).status === 'firewall');
  if (!toFirewall && !required) return pass();
  if (subnets.length === 0) {
    const subnetValue = context.field('properties.vnetConfiguration.infrastructureSubnetId');
    if (subnetValue === UNKNOWN) return unknown('infrastructureSubnetId', 'the infrastructure subnet is known only after apply');
    return fail('vnetConfiguration.infrastructureSubnetId', subnetValue, 'an infrastructure subnet routed to the firewall', { problem: 'it has no infrastructure subnet, so its egress cannot be routed through the firewall' });
  }
  const profiles = context.field('properties.workloadProfiles');
  if (profiles === UNKNOWN) return unknown('workloadProfiles', 'the workload profiles are known only after apply');
  if (Array.isArray(profiles) && profiles.length > 0) return toFirewall ? pass() : fail('routeTable', 'no route', 'a 0.0.0.0/0 route to the firewall', { problem: 'its infrastructure subnet has no 0.0.0.0/0 route to a firewall' });
  return fail('workloadProfiles', [], 'workload profiles', { problem: 'it is a Consumption-only environment, which cannot send egress through a user-defined route' });
};

export const EGRESS_FUNCTIONS: ReadonlyMap<string, RuleFunction> = new Map<string, RuleFunction>([
  ['firewallAllowsProfile', firewallAllowsProfile],
  ['noAllowAllRules', noAllowAllRules],
  ['fqdnsWellFormed', fqdnsWellFormed],
  ['fqdnNetworkRulesHaveDnsProxy', fqdnNetworkRulesHaveDnsProxy],
  ['egressThroughFirewall', egressThroughFirewall],
]);
