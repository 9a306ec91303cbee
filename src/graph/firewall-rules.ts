import type { Inventory } from '../model/inventory.js';
import type { Resource } from '../model/resource.js';
import { isPlaceholder, isPlainObject, REDACTED, UNKNOWN } from '../model/values.js';
import { parseProtocol, type Protocol } from '../egress/fqdn.js';
import { childrenOf, followLinks } from './links.js';

/**
 * The rules a firewall enforces, from every place they live: classic rule collections (inline on the
 * firewall, or azurerm's own collection resources), its Firewall Policy's rule collection groups, and the
 * groups of the base policies that policy inherits from.
 */
export const FIREWALL_POLICY = 'Microsoft.Network/firewallPolicies';
export const RULE_COLLECTION_GROUP = 'Microsoft.Network/firewallPolicies/ruleCollectionGroups';
const CLASSIC_APP_COLLECTION = 'Microsoft.Network/azureFirewalls/applicationRuleCollections';
const CLASSIC_NET_COLLECTION = 'Microsoft.Network/azureFirewalls/networkRuleCollections';

export interface RuleOrigin {
  /** The resource the rule is written in (firewall, policy group, classic collection). */
  resource: Resource;
  collection: string;
  rule: string;
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

/** Reads one collection ({name, action, rules}) of a known kind, noting what is unknown. */
function readCollection(sink: Sink, resource: Resource, kind: 'application' | 'network', collection: Record<string, unknown>, inheritedFrom?: string): void {
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
  for (const rule of rules) {
    if (!isPlainObject(rule)) {
      if (isPlaceholder(rule)) sink.rules.gaps.push(`a rule of collection ${name} in ${resource.name} is ${unreadable(rule)}`);
      continue;
    }
    if (holds(rule, UNKNOWN)) sink.rules.gaps.push(`rule ${String(rule['name'] ?? '?')} of collection ${name} in ${resource.name} has values known only after apply`);
    // A value Terraform marks sensitive (a `*` from a sensitive variable) is dropped from the rule's lists
    // below: the rule is a gap, or a hidden allow-all would pass.
    if (holds(rule, REDACTED)) sink.rules.gaps.push(`rule ${String(rule['name'] ?? '?')} of collection ${name} in ${resource.name} has values marked sensitive`);
    const origin: RuleOrigin = { resource, collection: name, rule: typeof rule['name'] === 'string' ? rule['name'] : '?', ...(inheritedFrom ? { inheritedFrom } : {}) };
    const ruleType = typeof rule['ruleType'] === 'string' ? rule['ruleType'].toLowerCase() : undefined;
    const asKind = ruleType === 'applicationrule' ? 'application' : ruleType === 'networkrule' ? 'network' : kind;
    if (asKind === 'application') addApplicationRule(sink, origin, allow, rule);
    else addNetworkRule(sink, origin, allow, rule);
  }
}

function readCollections(sink: Sink, resource: Resource, value: unknown, kind: 'application' | 'network', inheritedFrom?: string): void {
  if (isPlaceholder(value)) {
    sink.rules.gaps.push(`the ${kind} rule collections of ${resource.name} are ${unreadable(value)}`);
    return;
  }
  if (!Array.isArray(value)) return;
  for (const collection of value) {
    if (isPlaceholder(collection)) sink.rules.gaps.push(`a rule collection of ${resource.name} is ${unreadable(collection)}`);
    else if (isPlainObject(collection)) readCollection(sink, resource, kind, collection, inheritedFrom);
  }
}

/** A rule collection group: ARM's typed `ruleCollections`, or azurerm's split arrays. */
function readGroup(sink: Sink, group: Resource, inheritedFrom?: string): void {
  const props = propertiesOf(group);
  const typed = props['ruleCollections'];
  if (Array.isArray(typed)) {
    for (const collection of typed) {
      if (!isPlainObject(collection)) continue;
      const collectionProps = isPlainObject(collection['properties']) ? collection['properties'] : collection;
      if (String(collectionProps['ruleCollectionType'] ?? '').toLowerCase().includes('nat')) continue;
      readCollection(sink, group, 'application', collection, inheritedFrom);
    }
  } else if (isPlaceholder(typed)) sink.rules.gaps.push(`the rule collections of ${group.name} are ${unreadable(typed)}`);
  readCollections(sink, group, props['applicationRuleCollections'], 'application', inheritedFrom);
  readCollections(sink, group, props['networkRuleCollections'], 'network', inheritedFrom);
}

function readPolicy(inventory: Inventory, sink: Sink, policy: Resource, seen: Set<Resource>, inheritedFrom?: string): void {
  if (seen.has(policy) || seen.size > 10) return;
  seen.add(policy);
  sink.rules.policies.push(policy);
  const groups = childrenOf(inventory, policy, RULE_COLLECTION_GROUP);
  // Resource Graph does not index rule collection groups: a snapshot without any cannot say "no rules".
  if (groups.length === 0 && policy.source.kind === 'snapshot' && !inventory.fileHasType(policy.source.file, RULE_COLLECTION_GROUP)) {
    sink.rules.gaps.push(`the snapshot has no rule collection groups for policy ${policy.name} (Resource Graph does not index them; azfence audit reads them through ARM)`);
  }
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
    const sink: Sink = { rules: { application: [], network: [], gaps: [], dnsProxy: false, policies: [] } };
    const props = propertiesOf(firewall);
    readCollections(sink, firewall, props['applicationRuleCollections'], 'application');
    readCollections(sink, firewall, props['networkRuleCollections'], 'network');
    for (const collection of childrenOf(inventory, firewall, CLASSIC_APP_COLLECTION)) readCollection(sink, collection, 'application', { name: collection.name, ...propertiesOf(collection) });
    for (const collection of childrenOf(inventory, firewall, CLASSIC_NET_COLLECTION)) readCollection(sink, collection, 'network', { name: collection.name, ...propertiesOf(collection) });
    const classicProxy = isPlainObject(props['dnsSettings']) ? props['dnsSettings']['enableProxy'] : undefined;
    const additional = isPlainObject(props['additionalProperties']) ? props['additionalProperties']['Network.DNS.EnableProxy'] : undefined;
    if (classicProxy === true || String(additional).toLowerCase() === 'true') sink.rules.dnsProxy = true;
    const policyLinks = followLinks(inventory, firewall, 'properties.firewallPolicy.id', { targetTypes: [FIREWALL_POLICY] });
    for (const link of policyLinks.links) {
      if (link.target) readPolicy(inventory, sink, link.target, new Set());
      else sink.rules.gaps.push(`firewall policy ${link.name ?? link.id} is not in this scan`);
    }
    sink.rules.gaps.push(...policyLinks.unresolved);
    return sink.rules;
  });
}
