import { join } from 'node:path';
import { readYamlData } from '../../engine/precompiled.js';
import type { RuleFunction } from '../../engine/evaluate.js';
import { BUILT_IN_POLICY_DIR } from '../../engine/policy-dir.js';
import { isPrivateRange, overlaps, contains, parseCidr, type Range } from '../../egress/ipv4.js';
import { childrenOf } from '../../graph/links.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder, isPlainObject } from '../../model/values.js';
import { openBecause } from '../../model/notation.js';

/**
 * An NSG's outbound rules as Azure evaluates them for AZF-EGR-007: in priority order, the NSG's own rules and
 * then the default rules (AllowVnetOutBound, AllowInternetOutBound, DenyAllOutBound), the first matching rule
 * deciding. The needs per pool kind and the default rules are data: policies/data/nsg-egress-needs.yaml.
 */
export const NSG = 'Microsoft.Network/networkSecurityGroups';
export const NSG_RULE = 'Microsoft.Network/networkSecurityGroups/securityRules';

export interface Need {
  protocol: string;
  destination: string;
  port: number;
  why: string;
}

interface PoolNeeds {
  title: string;
  needs: Need[];
}

interface DefaultRule {
  name: string;
  priority: number;
  access: string;
  protocol: string;
  source: string;
  destination: string;
  ports: string;
}

interface NeedsTable {
  defaultOutboundRules: DefaultRule[];
  pools: Record<string, PoolNeeds>;
}

let table: NeedsTable | undefined;

export function needsTable(): NeedsTable {
  table ??= readYamlData(join(BUILT_IN_POLICY_DIR, 'data', 'nsg-egress-needs.yaml')) as NeedsTable;
  return table;
}

/** A field of a rule: its values, or 'unknown' when some of it is known only after apply. */
type Values = string[] | 'unknown';

interface NsgRule {
  name: string;
  /** Where it is written: the NSG (inline), a separate rule resource, or the defaults. */
  where: string;
  priority: number | undefined;
  access: string | undefined;
  outbound: boolean | undefined;
  protocol: string | undefined;
  sourcePorts: Values;
  destinationPorts: Values;
  sources: Values;
  destinations: Values;
  sourceGroups: number;
  destinationGroups: number;
  isDefault: boolean;
}

type Match = 'none' | 'maybe' | 'covers';

function worst(...matches: Match[]): Match {
  if (matches.includes('none')) return 'none';
  if (matches.includes('maybe')) return 'maybe';
  return 'covers';
}

function best(matches: Match[]): Match {
  if (matches.includes('covers')) return 'covers';
  if (matches.includes('maybe')) return 'maybe';
  return 'none';
}

function values(properties: Record<string, unknown>, single: string, plural: string): Values {
  const out: string[] = [];
  const one = properties[single];
  const many = properties[plural];
  if (isPlaceholder(one) || isPlaceholder(many)) return 'unknown';
  if (typeof one === 'string' && one !== '') out.push(one);
  if (Array.isArray(many)) {
    for (const item of many) {
      if (isPlaceholder(item)) return 'unknown';
      if (typeof item === 'string' && item !== '') out.push(item);
    }
  }
  return out;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function readRule(name: string, where: string, properties: Record<string, unknown>): NsgRule {
  const priority = properties['priority'];
  const direction = properties['direction'];
  const groups = (key: string): number => (Array.isArray(properties[key]) ? (properties[key] as unknown[]).length : isPlaceholder(properties[key]) ? 1 : 0);
  return {
    name,
    where,
    priority: typeof priority === 'number' ? priority : typeof priority === 'string' && /^\d+$/.test(priority) ? Number(priority) : undefined,
    access: text(properties['access'])?.toLowerCase(),
    outbound: typeof direction === 'string' ? direction.toLowerCase() === 'outbound' : undefined,
    protocol: text(properties['protocol'])?.toLowerCase(),
    sourcePorts: values(properties, 'sourcePortRange', 'sourcePortRanges'),
    destinationPorts: values(properties, 'destinationPortRange', 'destinationPortRanges'),
    sources: values(properties, 'sourceAddressPrefix', 'sourceAddressPrefixes'),
    destinations: values(properties, 'destinationAddressPrefix', 'destinationAddressPrefixes'),
    sourceGroups: groups('sourceApplicationSecurityGroups'),
    destinationGroups: groups('destinationApplicationSecurityGroups'),
    isDefault: false,
  };
}

/** The NSG's rules: inline, separate rule resources (azurerm_network_security_rule, child rows), then the defaults. */
export function rulesOf(inventory: Parameters<RuleFunction>[0]['inventory'], nsg: Resource): { rules: NsgRule[]; gap?: string } {
  const properties = nsg.body['properties'];
  if (isPlaceholder(properties)) return { rules: [], gap: `the properties of NSG ${nsg.name} are ${openBecause(nsg, 'not in the input')}` };
  const rules: NsgRule[] = [];
  const inline = isPlainObject(properties) ? properties['securityRules'] : undefined;
  if (isPlaceholder(inline)) return { rules: [], gap: `the security rules of NSG ${nsg.name} are known only after apply` };
  if (Array.isArray(inline)) {
    for (const [index, rule] of inline.entries()) {
      if (isPlaceholder(rule)) return { rules: [], gap: `a security rule of NSG ${nsg.name} is known only after apply` };
      if (!isPlainObject(rule)) continue;
      const ruleProperties = isPlainObject(rule['properties']) ? rule['properties'] : rule;
      rules.push(readRule(text(rule['name']) ?? `securityRules[${index}]`, `NSG ${nsg.name}`, ruleProperties));
    }
  }
  for (const child of childrenOf(inventory, nsg, NSG_RULE)) {
    const childProperties = child.body['properties'];
    if (isPlaceholder(childProperties)) return { rules: [], gap: `the properties of security rule ${child.name} are known only after apply` };
    rules.push(readRule(child.name, child.source.address ?? `security rule ${child.name}`, isPlainObject(childProperties) ? childProperties : {}));
  }
  for (const rule of needsTable().defaultOutboundRules) {
    rules.push({
      name: rule.name,
      where: 'the default rules',
      priority: rule.priority,
      access: rule.access.toLowerCase(),
      outbound: true,
      protocol: rule.protocol.toLowerCase(),
      sourcePorts: ['*'],
      destinationPorts: [rule.ports],
      sources: [rule.source],
      destinations: [rule.destination],
      sourceGroups: 0,
      destinationGroups: 0,
      isDefault: true,
    });
  }
  return { rules };
}

function protocolMatch(rule: NsgRule, need: Need): Match {
  if (rule.protocol === undefined) return 'maybe';
  return rule.protocol === '*' || rule.protocol === 'any' || rule.protocol === need.protocol.toLowerCase() ? 'covers' : 'none';
}

function portMatch(ports: Values, port: number | undefined): Match {
  if (ports === 'unknown') return 'maybe';
  if (ports.length === 0) return 'maybe';
  return best(
    ports.map((range): Match => {
      const value = range.trim();
      if (value === '*') return 'covers';
      // Source ports of a connection are ephemeral: a rule on some source ports may or may not catch it.
      if (port === undefined) return 'maybe';
      const [low, high] = value.split('-').map((part) => Number(part.trim()));
      if (low === undefined || Number.isNaN(low)) return 'maybe';
      return port >= low && port <= (high === undefined || Number.isNaN(high) ? low : high) ? 'covers' : 'none';
    }),
  );
}

const ANY_ADDRESS = new Set(['*', '0.0.0.0/0', 'any']);

function sourceMatch(rule: NsgRule, subnetRanges: Range[] | undefined): Match {
  if (rule.sources === 'unknown') return 'maybe';
  const matches = rule.sources.map((source): Match => {
    const value = source.trim().toLowerCase();
    if (ANY_ADDRESS.has(value) || value === 'virtualnetwork') return 'covers';
    const range = parseCidr(value);
    if (!range) return 'none'; // another service tag (AzureLoadBalancer, Internet...) is not the subnet
    if (!subnetRanges || subnetRanges.length === 0) return 'maybe';
    if (subnetRanges.every((subnet) => contains(range, subnet))) return 'covers';
    return subnetRanges.some((subnet) => overlaps(range, subnet)) ? 'maybe' : 'none';
  });
  if (rule.sourceGroups > 0) matches.push('maybe');
  return best(matches);
}

/** `Storage.WestEurope` -> { tag: storage, region: westeurope }. */
function splitTag(value: string): { tag: string; region?: string } {
  const [tag, ...rest] = value.toLowerCase().split('.');
  // AzureFrontDoor.FirstParty is a tag of its own, not a region.
  if (tag === 'azurefrontdoor') return { tag: value.toLowerCase() };
  return rest.length ? { tag: tag!, region: rest.join('.') } : { tag: tag! };
}

function destinationMatch(rule: NsgRule, need: Need, region: string | undefined): Match {
  if (rule.destinations === 'unknown') return 'maybe';
  const wanted = splitTag(need.destination.replace('<region>', region ?? '<region>'));
  const allow = rule.access === 'allow';
  const matches = rule.destinations.map((destination): Match => {
    const value = destination.trim().toLowerCase();
    if (ANY_ADDRESS.has(value) || value === 'internet') return 'covers';
    const range = parseCidr(value);
    if (range) return isPrivateRange(range) || value === '168.63.129.16' || value === '168.63.129.16/32' ? 'none' : 'maybe';
    if (wanted.tag === 'internet') return 'none'; // a single service tag is not every public address a need stands for
    const written = splitTag(value);
    if (written.tag === wanted.tag) {
      if (!written.region) return 'covers';
      if (wanted.region) return wanted.region.includes('<') ? 'maybe' : written.region === wanted.region ? 'covers' : 'none';
      // A regional form of an unqualified need: the pool's own region is the part it surely uses.
      if (!region) return 'maybe';
      if (written.region !== region) return 'none';
      return allow ? 'maybe' : 'covers';
    }
    // Whether AzureCloud holds every other public tag's addresses is not documented.
    if (written.tag === 'azurecloud') return 'maybe';
    return 'none';
  });
  return best(matches);
}

function matchOf(rule: NsgRule, need: Need, subnetRanges: Range[] | undefined, region: string | undefined): Match {
  if (rule.outbound === false) return 'none';
  // Application security groups hold NICs in virtual networks, never a public service.
  const destination = rule.destinationGroups > 0 && rule.destinations !== 'unknown' && rule.destinations.length === 0 ? 'none' : destinationMatch(rule, need, region);
  return worst(rule.outbound === undefined ? 'maybe' : 'covers', protocolMatch(rule, need), portMatch(rule.destinationPorts, need.port), portMatch(rule.sourcePorts, undefined), sourceMatch(rule, subnetRanges), destination);
}

type Outcome = { kind: 'met' } | { kind: 'blocked'; rule: NsgRule } | { kind: 'unknown'; reason: string };

export function describeNsgRule(rule: NsgRule): string {
  return `${rule.name} (priority ${rule.priority ?? 'unknown'}${rule.isDefault ? ', a default rule' : rule.where.startsWith('NSG ') ? '' : `, ${rule.where}`})`;
}

export function evaluateNeed(rules: readonly NsgRule[], need: Need, subnetRanges: Range[] | undefined, region: string | undefined): Outcome {
  const unordered = rules.filter((rule) => rule.priority === undefined && matchOf(rule, need, subnetRanges, region) !== 'none');
  if (unordered.length) return { kind: 'unknown', reason: `the priority of rule ${unordered[0]!.name} is known only after apply` };
  const ordered = [...rules].sort((a, b) => a.priority! - b.priority!);
  let mayAllow: NsgRule | undefined;
  let mayDeny: NsgRule | undefined;
  for (const rule of ordered) {
    const match = matchOf(rule, need, subnetRanges, region);
    if (match === 'none') continue;
    const access = rule.access;
    if (access !== 'allow' && access !== 'deny') {
      if (match === 'covers') return { kind: 'unknown', reason: `the access of rule ${rule.name} is known only after apply` };
      continue;
    }
    if (match === 'maybe') {
      if (access === 'allow') mayAllow ??= rule;
      else mayDeny ??= rule;
      continue;
    }
    if (access === 'allow') return mayDeny ? { kind: 'unknown', reason: `rule ${describeNsgRule(mayDeny)} may deny it first (its addresses, ports or groups may cover the need)` } : { kind: 'met' };
    return mayAllow ? { kind: 'unknown', reason: `rule ${describeNsgRule(mayAllow)} may allow it first, before ${describeNsgRule(rule)} denies it` } : { kind: 'blocked', rule };
  }
  return { kind: 'met' };
}

export function describeNsgNeed(need: Need, region: string | undefined): string {
  return `${need.protocol.toUpperCase()} ${need.destination.replace('<region>', region ?? '<region>')} ${need.port}`;
}
