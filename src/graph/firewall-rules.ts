import type { Inventory } from '../model/inventory.js';
import type { Resource } from '../model/resource.js';
import { isPlaceholder, isPlainObject, REDACTED, UNKNOWN } from '../model/values.js';
import { parseProtocol, type Protocol } from '../egress/fqdn.js';
import { childrenOf, followLinks, parentOf } from './links.js';
import { notationOf } from '../model/notation.js';

/**
 * The rules a firewall enforces, from every place they live: classic rule collections (inline on the
 * firewall, or azurerm's own collection resources), its Firewall Policy's rule collection groups, and the
 * groups of the base policies that policy inherits from.
 */
export const FIREWALL = 'Microsoft.Network/azureFirewalls';
export const FIREWALL_POLICY = 'Microsoft.Network/firewallPolicies';
export const RULE_COLLECTION_GROUP = 'Microsoft.Network/firewallPolicies/ruleCollectionGroups';
export const CLASSIC_APP_COLLECTION = 'Microsoft.Network/azureFirewalls/applicationRuleCollections';
export const CLASSIC_NET_COLLECTION = 'Microsoft.Network/azureFirewalls/networkRuleCollections';

export interface RuleOrigin {
  /** The resource the rule is written in (firewall, policy group, classic collection). */
  resource: Resource;
  collection: string;
  rule: string;
  /** Where in `resource` the rule is written, as a field path (`properties.ruleCollections[1].rules[0]`). */
  path: string;
  /** The collection's priority, for the order rules are processed in. */
  priority?: number;
  /** Set when the rule came from a base policy. */
  inheritedFrom?: string;
}

export interface ApplicationRule {
  origin: RuleOrigin;
  allow: boolean;
  protocols: Protocol[];
  targetFqdns: string[];
  fqdnTags: string[];
  sourceAddresses: string[];
}

export interface NetworkRule {
  origin: RuleOrigin;
  allow: boolean;
  protocols: string[];
  destinationAddresses: string[];
  destinationFqdns: string[];
  destinationPorts: string[];
  sourceAddresses: string[];
}

export interface FirewallRules {
  application: ApplicationRule[];
  network: NetworkRule[];
  /** Parts that could not be read (known only after apply, not in the scan): a pass cannot rest on them. */
  gaps: string[];
  /** DNS proxy on the firewall or its policy; undefined when unknown. */
  dnsProxy: boolean | undefined;
  policies: Resource[];
}

function propertiesOf(resource: Resource): Record<string, unknown> {
  return isPlainObject(resource.body['properties']) ? resource.body['properties'] : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : typeof value === 'string' ? value.split(',').map((item) => item.trim()) : [];
}

function isAllow(action: unknown): boolean {
  const type = isPlainObject(action) ? action['type'] : action;
  return typeof type !== 'string' || type.toLowerCase() === 'allow';
}

/** Whether a rule holds `placeholder` anywhere (its FQDNs, addresses, ports): then no verdict may rest on it. */
function holds(value: unknown, placeholder: typeof UNKNOWN | typeof REDACTED, depth = 0): boolean {
  if (value === placeholder) return true;
  if (depth > 6) return false;
  if (Array.isArray(value)) return value.some((item) => holds(item, placeholder, depth + 1));
  if (isPlainObject(value)) return Object.values(value).some((item) => holds(item, placeholder, depth + 1));
  return false;
}

/** How a gap says why a value cannot be read. */
function unreadable(value: typeof UNKNOWN | typeof REDACTED): string {
  return value === UNKNOWN ? 'known only after apply' : 'marked sensitive';
}

interface Sink {
  rules: FirewallRules;
}

function addApplicationRule(sink: Sink, origin: RuleOrigin, allow: boolean, rule: Record<string, unknown>): void {
  const protocols = (Array.isArray(rule['protocols']) ? rule['protocols'] : []).map(parseProtocol).filter((protocol): protocol is Protocol => protocol !== undefined);
  sink.rules.application.push({ origin, allow, protocols, targetFqdns: strings(rule['targetFqdns']), fqdnTags: strings(rule['fqdnTags']), sourceAddresses: strings(rule['sourceAddresses']) });
}

function addNetworkRule(sink: Sink, origin: RuleOrigin, allow: boolean, rule: Record<string, unknown>): void {
  sink.rules.network.push({
    origin,
    allow,
    protocols: strings(rule['ipProtocols'] ?? rule['protocols']).map((protocol) => protocol.toLowerCase()),
    destinationAddresses: strings(rule['destinationAddresses']),
    destinationFqdns: strings(rule['destinationFqdns']),
    destinationPorts: strings(rule['destinationPorts']),
    sourceAddresses: strings(rule['sourceAddresses']),
  });
}

/**
 * Reads one collection ({name, action, rules}) of a known kind, noting what is unknown. `path` is where the
 * collection's rules list is in `resource`.
 */
function readCollection(sink: Sink, resource: Resource, kind: 'application' | 'network', collection: Record<string, unknown>, path: string, inheritedFrom?: string): void {
  const name = typeof collection['name'] === 'string' ? collection['name'] : resource.name;
  const props = isPlainObject(collection['properties']) ? collection['properties'] : collection;
  const rules = props['rules'];
  const action = props['action'];
  const unread = isPlaceholder(rules) ? rules : isPlaceholder(action) ? action : undefined;
  if (unread) {
    sink.rules.gaps.push(`the rules of collection ${name} in ${resource.name} are ${unreadable(unread)}`);
    return;
  }
  if (!Array.isArray(rules)) return;
  const allow = isAllow(action);
  const priority = typeof props['priority'] === 'number' ? props['priority'] : undefined;
  rules.forEach((rule, index) => {
    if (!isPlainObject(rule)) {
      if (isPlaceholder(rule)) sink.rules.gaps.push(`a rule of collection ${name} in ${resource.name} is ${unreadable(rule)}`);
      return;
    }
    if (holds(rule, UNKNOWN)) sink.rules.gaps.push(`rule ${String(rule['name'] ?? '?')} of collection ${name} in ${resource.name} has values known only after apply`);
    // A value Terraform marks sensitive (a `*` from a sensitive variable) is dropped from the rule's lists
    // below: the rule is a gap, or a hidden allow-all would pass.
    if (holds(rule, REDACTED)) sink.rules.gaps.push(`rule ${String(rule['name'] ?? '?')} of collection ${name} in ${resource.name} has values marked sensitive`);
    const origin: RuleOrigin = { resource, collection: name, rule: typeof rule['name'] === 'string' ? rule['name'] : '?', path: `${path}[${index}]`, ...(priority !== undefined ? { priority } : {}), ...(inheritedFrom ? { inheritedFrom } : {}) };
    const ruleType = typeof rule['ruleType'] === 'string' ? rule['ruleType'].toLowerCase() : undefined;
    const asKind = ruleType === 'applicationrule' ? 'application' : ruleType === 'networkrule' ? 'network' : kind;
    if (asKind === 'application') addApplicationRule(sink, origin, allow, rule);
    else addNetworkRule(sink, origin, allow, rule);
  });
}

/** Where a collection's rules are: inline on a firewall row they sit under `properties`. */
function rulesPath(collection: Record<string, unknown>, path: string): string {
  return isPlainObject(collection['properties']) ? `${path}.properties.rules` : `${path}.rules`;
}

function readCollections(sink: Sink, resource: Resource, value: unknown, kind: 'application' | 'network', path: string, inheritedFrom?: string): void {
  if (isPlaceholder(value)) {
    sink.rules.gaps.push(`the ${kind} rule collections of ${resource.name} are ${unreadable(value)}`);
    return;
  }
  if (!Array.isArray(value)) return;
  value.forEach((collection, index) => {
    if (isPlaceholder(collection)) sink.rules.gaps.push(`a rule collection of ${resource.name} is ${unreadable(collection)}`);
    else if (isPlainObject(collection)) readCollection(sink, resource, kind, collection, rulesPath(collection, `${path}[${index}]`), inheritedFrom);
  });
}

/** A rule collection group: ARM's typed `ruleCollections`, or azurerm's split arrays. */
function readGroup(sink: Sink, group: Resource, inheritedFrom?: string): void {
  const whole = group.body['properties'];
  if (isPlaceholder(whole)) {
    sink.rules.gaps.push(`the rule collections of ${group.name} are ${unreadable(whole)}`);
    return;
  }
  const props = propertiesOf(group);
  const typed = props['ruleCollections'];
  if (Array.isArray(typed)) {
    typed.forEach((collection, index) => {
      if (isPlaceholder(collection)) sink.rules.gaps.push(`a rule collection of ${group.name} is ${unreadable(collection)}`);
      if (!isPlainObject(collection)) return;
      const collectionProps = isPlainObject(collection['properties']) ? collection['properties'] : collection;
      if (String(collectionProps['ruleCollectionType'] ?? '').toLowerCase().includes('nat')) return;
      readCollection(sink, group, 'application', collection, rulesPath(collection, `properties.ruleCollections[${index}]`), inheritedFrom);
    });
  } else if (isPlaceholder(typed)) sink.rules.gaps.push(`the rule collections of ${group.name} are ${unreadable(typed)}`);
  readCollections(sink, group, props['applicationRuleCollections'], 'application', 'properties.applicationRuleCollections', inheritedFrom);
  readCollections(sink, group, props['networkRuleCollections'], 'network', 'properties.networkRuleCollections', inheritedFrom);
}

function readPolicy(inventory: Inventory, sink: Sink, policy: Resource, seen: Set<Resource>, inheritedFrom?: string): void {
  if (seen.has(policy) || seen.size > 10) return;
  seen.add(policy);
  sink.rules.policies.push(policy);
  const groups = childrenOf(inventory, policy, RULE_COLLECTION_GROUP);
  // Resource Graph does not index rule collection groups: a snapshot without them cannot say "no rules".
  sink.rules.gaps.push(...missingGroups(inventory, policy));
  for (const group of groups) readGroup(sink, group, inheritedFrom);
  const proxy = propertiesOf(policy)['dnsSettings'];
  const enabled = isPlainObject(proxy) ? proxy['enableProxy'] : undefined;
  if (enabled === true) sink.rules.dnsProxy = true;
  else if (enabled === UNKNOWN && sink.rules.dnsProxy !== true) sink.rules.dnsProxy = undefined;
  // A child policy inherits every rule collection group of its base policy.
  const base = followLinks(inventory, policy, 'properties.basePolicy.id', { targetTypes: [FIREWALL_POLICY] });
  for (const link of base.links) {
    if (link.target) readPolicy(inventory, sink, link.target, seen, link.target.name);
    else sink.rules.gaps.push(`base policy ${link.name ?? link.id} of ${policy.name} is not in this scan`);
  }
  sink.rules.gaps.push(...base.unresolved);
}

export function firewallRules(inventory: Inventory, firewall: Resource): FirewallRules {
  return inventory.cachedFor('firewall-rules', firewall, () => {
    const sink: Sink = { rules: emptyRules() };
    readInline(sink, firewall);
    for (const collection of classicCollectionsOf(inventory, firewall)) readClassicCollection(sink, collection);
    if (classicDnsProxy(firewall)) sink.rules.dnsProxy = true;
    const policyLinks = followLinks(inventory, firewall, 'properties.firewallPolicy.id', { targetTypes: [FIREWALL_POLICY] });
    for (const link of policyLinks.links) {
      if (link.target) readPolicy(inventory, sink, link.target, new Set());
      else sink.rules.gaps.push(`firewall policy ${link.name ?? link.id} is not in this scan`);
    }
    sink.rules.gaps.push(...policyLinks.unresolved);
    return sink.rules;
  });
}

function emptyRules(): FirewallRules {
  return { application: [], network: [], gaps: [], dnsProxy: false, policies: [] };
}

/** Classic rule collections written inline on a firewall (Resource Graph rows, ARM templates, azapi). */
function readInline(sink: Sink, firewall: Resource): void {
  const props = propertiesOf(firewall);
  readCollections(sink, firewall, props['applicationRuleCollections'], 'application', 'properties.applicationRuleCollections');
  readCollections(sink, firewall, props['networkRuleCollections'], 'network', 'properties.networkRuleCollections');
}

/** azurerm writes each classic collection as a resource of its own. */
function readClassicCollection(sink: Sink, collection: Resource): void {
  const kind = collection.armType.toLowerCase() === CLASSIC_NET_COLLECTION.toLowerCase() ? 'network' : 'application';
  readCollection(sink, collection, kind, { name: collection.name, ...propertiesOf(collection) }, 'properties.rules');
}

function classicCollectionsOf(inventory: Inventory, firewall: Resource): Resource[] {
  return [...childrenOf(inventory, firewall, CLASSIC_APP_COLLECTION), ...childrenOf(inventory, firewall, CLASSIC_NET_COLLECTION)];
}

/** DNS proxy set on a firewall itself (azurerm dns_proxy_enabled; ARM's additionalProperties). */
function classicDnsProxy(firewall: Resource): boolean {
  const props = propertiesOf(firewall);
  const classic = isPlainObject(props['dnsSettings']) ? props['dnsSettings']['enableProxy'] : undefined;
  const additional = isPlainObject(props['additionalProperties']) ? props['additionalProperties']['Network.DNS.EnableProxy'] : undefined;
  return classic === true || String(additional).toLowerCase() === 'true';
}

/**
 * The rules written in one resource: a rule collection group, a classic collection resource, or the
 * classic collections inline on a firewall. A finding about a rule belongs on the resource that holds it,
 * so each is judged once, whichever firewalls use it (app teams add groups to a shared hub policy).
 */
export function rulesWrittenIn(inventory: Inventory, resource: Resource): FirewallRules {
  return inventory.cachedFor('rules-written-in', resource, () => {
    const sink: Sink = { rules: emptyRules() };
    const type = resource.armType.toLowerCase();
    if (type === RULE_COLLECTION_GROUP.toLowerCase()) readGroup(sink, resource);
    else if (type === FIREWALL.toLowerCase()) readInline(sink, resource);
    else if (type === CLASSIC_APP_COLLECTION.toLowerCase() || type === CLASSIC_NET_COLLECTION.toLowerCase()) readClassicCollection(sink, resource);
    else if (type === FIREWALL_POLICY.toLowerCase()) sink.rules.gaps.push(...missingGroups(inventory, resource));
    return sink.rules;
  });
}

/**
 * Rule collection groups a policy has that the scan does not hold. Resource Graph does not index them, so a
 * snapshot may list them on the policy row (`ruleCollectionGroups[].id`) without the rows themselves.
 */
function missingGroups(inventory: Inventory, policy: Resource): string[] {
  if (!notationOf(policy).mayLackChildren(RULE_COLLECTION_GROUP)) return [];
  const listed = propertiesOf(policy)['ruleCollectionGroups'];
  if (Array.isArray(listed)) {
    const missing = listed.map((entry) => (isPlainObject(entry) && typeof entry['id'] === 'string' ? entry['id'] : undefined)).filter((id): id is string => id !== undefined && !inventory.getById(id));
    if (missing.length === 0) return [];
    const names = missing.map((id) => id.slice(id.lastIndexOf('/') + 1)).join(', ');
    const lead = missing.length === listed.length ? `the snapshot has no rule collection groups for policy ${policy.name} (it lists ${names})` : `the snapshot lacks rule collection groups ${names} of policy ${policy.name}`;
    return [`${lead}; Resource Graph does not index them, azfence audit reads them through ARM`];
  }
  if (childrenOf(inventory, policy, RULE_COLLECTION_GROUP).length === 0 && !inventory.fileHasType(policy.source.file, RULE_COLLECTION_GROUP)) {
    return [`the snapshot has no rule collection groups for policy ${policy.name} (Resource Graph does not index them; azfence audit reads them through ARM)`];
  }
  return [];
}

/** Where rules are written and who uses them: a group's policy, a classic collection's firewall. */
export interface RuleHome {
  /** The policy a group belongs to, or the firewall a classic collection belongs to, when in the scan. */
  owner?: Resource;
  /** Its name as far as known (from the link, when the owner is not in the scan). */
  ownerName?: string;
  /** Why the owner could not be found. */
  unresolved: string[];
}

export function ruleHome(inventory: Inventory, resource: Resource): RuleHome {
  const type = resource.armType.toLowerCase();
  if (type === FIREWALL.toLowerCase() || type === FIREWALL_POLICY.toLowerCase()) return { owner: resource, ownerName: resource.name, unresolved: [] };
  const parent = parentOf(inventory, resource);
  const link = parent.links[0];
  return { ...(link?.target ? { owner: link.target } : {}), ...(link ? { ownerName: link.target?.name ?? link.name ?? link.id } : {}), unresolved: parent.unresolved };
}

/** A policy and the base policies it inherits from, nearest first. */
function policyChain(inventory: Inventory, policy: Resource): { policies: Resource[]; gaps: string[] } {
  const policies: Resource[] = [];
  const gaps: string[] = [];
  for (let current: Resource | undefined = policy; current && !policies.includes(current) && policies.length <= 10; ) {
    policies.push(current);
    const base = followLinks(inventory, current, 'properties.basePolicy.id', { targetTypes: [FIREWALL_POLICY] });
    gaps.push(...base.unresolved);
    const link = base.links[0];
    if (link && !link.target) gaps.push(`base policy ${link.name ?? link.id} of ${current.name} is not in this scan`);
    current = link?.target;
  }
  return { policies, gaps };
}

/**
 * Whether the firewall or policy the rules in `resource` run on resolves FQDNs with DNS proxy: true,
 * false, or undefined (known only after apply, or not in this scan) with the reason.
 */
export function dnsProxyFor(inventory: Inventory, resource: Resource): { enabled: boolean | undefined; where: string; reason?: string } {
  const home = ruleHome(inventory, resource);
  const owner = home.owner;
  if (!owner) {
    const where = home.ownerName ?? 'its parent';
    return { enabled: undefined, where, reason: home.unresolved.join('; ') || `${where} is not in this scan, so whether it has DNS proxy is not known` };
  }
  if (owner.armType.toLowerCase() === FIREWALL.toLowerCase()) {
    if (classicDnsProxy(owner)) return { enabled: true, where: owner.name };
    const policies = followLinks(inventory, owner, 'properties.firewallPolicy.id', { targetTypes: [FIREWALL_POLICY] });
    const policy = policies.links[0];
    if (!policy) return policies.unresolved.length ? { enabled: undefined, where: owner.name, reason: policies.unresolved.join('; ') } : { enabled: false, where: owner.name };
    if (!policy.target) return { enabled: undefined, where: policy.name ?? owner.name, reason: `firewall policy ${policy.name ?? policy.id} of ${owner.name} is not in this scan` };
    return dnsProxyFor(inventory, policy.target);
  }
  // Firewall Policy DNS settings are inherited from the base policy.
  const chain = policyChain(inventory, owner);
  let undecided: string | undefined;
  for (const policy of chain.policies) {
    const settings = propertiesOf(policy)['dnsSettings'];
    const enabled = isPlainObject(settings) ? settings['enableProxy'] : settings;
    if (enabled === true) return { enabled: true, where: policy.name };
    if (enabled === UNKNOWN || isPlaceholder(policy.body['properties'])) undecided ??= `whether DNS proxy is on is known only after apply (firewall policy ${policy.name})`;
  }
  if (undecided) return { enabled: undefined, where: owner.name, reason: undecided };
  if (chain.gaps.length) return { enabled: undefined, where: owner.name, reason: chain.gaps.join('; ') };
  return { enabled: false, where: owner.name };
}

/**
 * Every place rules are written that are processed together with `resource`'s, in processing order: for a
 * group, the groups of its policy's base policies and then its policy's own, by priority; for classic
 * collections, the firewall's. An entry repeated across them is reported where it is repeated, once.
 */
export function ruleFamily(inventory: Inventory, resource: Resource): Resource[] {
  const type = resource.armType.toLowerCase();
  const byPriority = (a: Resource, b: Resource): number => priorityOf(a) - priorityOf(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  if (type === RULE_COLLECTION_GROUP.toLowerCase()) {
    const home = ruleHome(inventory, resource);
    if (!home.owner) return [resource];
    const chain = policyChain(inventory, home.owner).policies.reverse();
    return chain.flatMap((policy) => childrenOf(inventory, policy, RULE_COLLECTION_GROUP).sort(byPriority));
  }
  const home = ruleHome(inventory, resource);
  if (!home.owner) return [resource];
  return [home.owner, ...classicCollectionsOf(inventory, home.owner).sort(byPriority)];
}

function priorityOf(resource: Resource): number {
  const priority = propertiesOf(resource)['priority'];
  return typeof priority === 'number' ? priority : Number.MAX_SAFE_INTEGER;
}
