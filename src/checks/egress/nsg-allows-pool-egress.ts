import type { RuleFunction } from '../../engine/evaluate.js';
import type { Evidence } from '../../engine/verdict.js';
import { parseCidr, type Range } from '../../egress/ipv4.js';
import { followLinks } from '../../graph/links.js';
import { SUBNET } from '../../graph/routes.js';
import type { Resource } from '../../model/resource.js';
import { isPlaceholder, isPlainObject } from '../../model/values.js';
import { defineCheck } from '../check.js';
import { pass, unknown } from '../results.js';
import { describeNsgNeed, describeNsgRule, evaluateNeed, needsTable, NSG, rulesOf, type Need } from './nsg-rules.js';
import { openBecause } from '../../model/notation.js';

/**
 * AZF-EGR-007: the NSG on an agent subnet does not deny a service tag and port the pool needs. Outbound
 * rules are evaluated as Azure does: in priority order, the NSG's own rules and then the default rules
 * (AllowVnetOutBound, AllowInternetOutBound, DenyAllOutBound), the first matching rule deciding. A rule that
 * may or may not match (an address prefix that may hold the tag's addresses, an application security group,
 * a value known only after apply) leaves the need undecided if a later rule would decide it the other way.
 * The needs per pool kind and the default rules are data: policies/data/nsg-egress-needs.yaml.
 */

/** The pool kind whose needs apply, or why that is not known. */
function poolKind(resource: Resource, field: (path: string) => unknown): string | { unknown: string } {
  const type = resource.armType.toLowerCase();
  if (type === 'microsoft.containerregistry/registries/agentpools') return 'acr-agent-pool';
  if (type === 'microsoft.devopsinfrastructure/pools') return 'managed-devops-pools';
  const profiles = field('properties.workloadProfiles');
  if (isPlaceholder(profiles)) return { unknown: `whether ${resource.name} has workload profiles is known only after apply` };
  return Array.isArray(profiles) && profiles.length > 0 ? 'aca-workload-profiles' : 'aca-consumption-only';
}

const SUBNET_PATHS: Record<string, string> = {
  'microsoft.containerregistry/registries/agentpools': 'properties.virtualNetworkSubnetResourceId',
  'microsoft.app/managedenvironments': 'properties.vnetConfiguration.infrastructureSubnetId',
  'microsoft.devopsinfrastructure/pools': 'properties.fabricProfile.networkProfile.subnetId',
};

function subnetRangesOf(subnet: Resource): Range[] | undefined {
  const properties = isPlainObject(subnet.body['properties']) ? subnet.body['properties'] : {};
  const prefixes = [properties['addressPrefix'], ...(Array.isArray(properties['addressPrefixes']) ? properties['addressPrefixes'] : [])].filter((value): value is string => typeof value === 'string');
  const ranges = prefixes.map(parseCidr).filter((range): range is Range => !!range);
  return ranges.length ? ranges : undefined;
}

/**
 * `az network nsg rule create` for one blocked need: an outbound Allow numbered just below the denying rule,
 * skipping numbers the NSG's rules already use (priorities are unique per direction). Undefined when the
 * NSG's resource group, the deny's priority or a free number below it is not known.
 */
function allowCommand(nsg: Resource, rules: ReadonlyArray<{ priority: number | undefined }>, need: Need, region: string | undefined, denyPriority: number | undefined, taken: number): string | undefined {
  const group = typeof nsg.body['resourceGroup'] === 'string' ? nsg.body['resourceGroup'] : /\/resourceGroups\/([^/]+)/i.exec(nsg.source.id ?? '')?.[1];
  if (!group || denyPriority === undefined) return undefined;
  const used = new Set(rules.map((rule) => rule.priority));
  let priority = denyPriority - 1 - taken;
  while (priority >= 100 && used.has(priority)) priority--;
  if (priority < 100) return undefined;
  const destination = need.destination.includes('<region>') ? (region ? need.destination.replace('<region>', region) : undefined) : need.destination;
  if (!destination) return undefined;
  const protocol = need.protocol === '*' ? "'*'" : need.protocol.charAt(0).toUpperCase() + need.protocol.slice(1).toLowerCase();
  const name = `allow-${destination.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${need.port}-out`;
  return `\`az network nsg rule create --nsg-name ${nsg.name} --resource-group ${group} --name ${name} --direction Outbound --access Allow --priority ${priority} --protocol ${protocol} --destination-address-prefixes ${destination} --destination-port-ranges ${need.port}\``;
}

const evaluate: RuleFunction = (context) => {
  const { inventory, resource } = context;
  const subnetPath = SUBNET_PATHS[resource.armType.toLowerCase()];
  if (!subnetPath) return pass();
  if (isPlaceholder(resource.body['properties'])) return unknown(subnetPath, `the properties of ${resource.name} are ${openBecause(resource, 'not in the input')}`);
  const subnets = followLinks(inventory, resource, subnetPath, { targetTypes: [SUBNET] });
  const region = (resource.location ?? (typeof resource.body['location'] === 'string' ? resource.body['location'] : undefined))?.toLowerCase().replace(/\s+/g, '');
  const kind = poolKind(resource, context.field);
  // Needs denied, grouped by the rule that denies them: one sentence per rule, however many needs it catches.
  const blocked = new Map<string, string[]>();
  const undecided: string[] = [...subnets.unresolved];
  const fixes: string[] = [];
  const blockedNeeds = new Map<string, string[]>();
  let firstBlocked: { nsg: string; rule: string; priority: string } | undefined;
  // The CLI fix, one command per blocked need: concrete names, resource group and a free priority number.
  const commands: string[] = [];
  let commandsComplete = true;
  for (const link of subnets.links) {
    if (!link.target) {
      undecided.push(`subnet ${link.name ?? link.id} is not in this scan, so its NSG is not known`);
      continue;
    }
    const subnet = link.target;
    const nsgs = followLinks(inventory, subnet, 'properties.networkSecurityGroup.id', { targetTypes: [NSG] });
    undecided.push(...nsgs.unresolved);
    for (const nsgLink of nsgs.links) {
      if (!nsgLink.target) {
        undecided.push(`NSG ${nsgLink.name ?? nsgLink.id} on subnet ${subnet.name} is not in this scan`);
        continue;
      }
      const nsg = nsgLink.target;
      const { rules, gap } = rulesOf(inventory, nsg);
      if (gap) {
        undecided.push(gap);
        continue;
      }
      const custom = rules.filter((rule) => !rule.isDefault && rule.outbound !== false);
      if (custom.length === 0) continue; // the default rules allow every public destination
      if (typeof kind !== 'string') {
        undecided.push(kind.unknown);
        continue;
      }
      const pool = needsTable().pools[kind];
      if (!pool) continue;
      const ranges = subnetRangesOf(subnet);
      for (const need of pool.needs) {
        const outcome = evaluateNeed(rules, need, ranges, region);
        const shown = describeNsgNeed(need, region);
        if (outcome.kind === 'blocked') {
          const by = `rule ${describeNsgRule(outcome.rule)} of NSG ${nsg.name} on subnet ${subnet.name}`;
          blocked.set(by, [...(blocked.get(by) ?? []), `${shown} (${need.why})`]);
          blockedNeeds.set(by, [...(blockedNeeds.get(by) ?? []), shown]);
          fixes.push(shown);
          firstBlocked ??= { nsg: nsg.name, rule: outcome.rule.name, priority: String(outcome.rule.priority ?? '') };
          const command = allowCommand(nsg, rules, need, region, outcome.rule.priority, commands.length);
          if (command) commands.push(command);
          else commandsComplete = false;
        } else if (outcome.kind === 'unknown') undecided.push(`${shown} through NSG ${nsg.name}: ${outcome.reason}`);
      }
    }
  }
  const title = typeof kind === 'string' ? needsTable().pools[kind]?.title ?? kind : 'agent pool';
  if (blocked.size) {
    const sentences = [...blocked].map(([by, needs]) => `${needs.join(', ')} ${needs.length === 1 ? 'is' : 'are'} denied by ${by}`);
    // One evidence per denying rule, at the pool's own property that leads to the subnet: the rule as the NSG
    // has it, against the allow the pool needs (the NSG's rules are not a property of the pool).
    const evidence: Evidence[] = [...blockedNeeds].map(([by, needs]) => ({ path: subnetPath, actual: by, expected: `an outbound Allow, at a lower priority number, for ${needs.join(', ')}` }));
    return {
      verdict: 'fail',
      evidence,
      details: {
      pool: title,
      blocked: sentences.join('; '),
      needs: [...new Set(fixes)].join(', '),
      nsg: firstBlocked!.nsg,
      rule: firstBlocked!.rule,
      priority: firstBlocked!.priority,
      ...(commandsComplete && commands.length ? { commands: commands.join('; ') } : {}),
      },
    };
  }
  if (undecided.length) return unknown(subnetPath, [...new Set(undecided)].join('; '), { pool: title });
  return pass();
};

export default defineCheck({
  name: 'nsgAllowsPoolEgress',
  reads: ['microsoft.network/virtualnetworks', 'microsoft.network/networksecuritygroups'],
  details: ['blocked', 'commands', 'needs', 'nsg', 'pool', 'priority', 'rule'],
  evaluate,
});
