import type { RuleFunction } from '../../engine/evaluate.js';
import { parseArmId } from '../../graph/arm-id.js';
import { defaultRouteOf } from '../../graph/routes.js';
import type { Resource } from '../../model/resource.js';
import { defineCheck } from '../check.js';
import { ROUTING_TYPES } from '../../graph/type-groups.js';
import { pass, fail, unknown } from '../results.js';
import { strings, subnetsAt, routeFix } from './agent-network.js';
import { notationOf } from '../../model/notation.js';

/** AZF-POOL-005: the agent subnet sends 0.0.0.0/0 to a VirtualAppliance that is a firewall's private IP. */
const evaluate: RuleFunction = (context, args) => {
  const path = args['subnet'];
  const firewallIps = strings(context.parameters['firewallIps']);
  let subnets: Array<{ target?: Resource; id?: string; name?: string }>;
  let unresolved: string[] = [];
  if (typeof path === 'string') {
    const found = subnetsAt(context, path);
    subnets = found.links;
    unresolved = found.unresolved;
  } else subnets = [{ target: context.resource, name: context.resource.name }];
  // Where the subnet cannot be read, the fix says what to check rather than which command to run.
  const unread = (subnet: string) => ({ subnet, routeFix: notationOf(context.resource).phrases.defaultRouteFix({ subnet }), problem: 'the subnet could not be read' });
  if (subnets.length === 0) return unresolved.length ? unknown('subnet', unresolved.join('; '), unread('the agent subnet')) : pass();
  for (const subnet of subnets) {
    const name = subnet.target?.name ?? subnet.name ?? (subnet.id ? parseArmId(subnet.id)?.name : undefined) ?? 'the subnet';
    if (!subnet.target) return unknown('subnet', `subnet ${name} is not in this scan, so its routes cannot be read`, unread(`subnet ${name}`));
    const route = defaultRouteOf(context.inventory, subnet.target, firewallIps);
    const details: Record<string, string> = { subnet: name, routeTable: route.routeTable ?? 'none', routeFix: routeFix(context.inventory, context.resource, subnet.target, name, route.routeTable) };
    switch (route.status) {
      case 'firewall':
        continue;
      case 'unknown':
        return unknown('routeTable', route.reason ?? 'the route is known only after apply', details);
      case 'no-route-table':
        return fail('routeTable', undefined, 'a route table', { ...details, problem: `subnet ${name} has no route table, so agents egress straight to the internet` });
      case 'no-default-route':
        return fail('routes', [], 'a 0.0.0.0/0 route', { ...details, problem: `route table ${route.routeTable} on subnet ${name} has no 0.0.0.0/0 route, so agents egress straight to the internet` });
      case 'internet':
      case 'appliance':
        return fail('nextHop', route.nextHopIp ?? route.nextHopType, 'a firewall private IP', {
          ...details,
          problem: route.nextHopIp
            ? `the default route of ${name} goes to ${route.nextHopIp}, which is not the private IP of a firewall in this scan (list it in firewallIps if it is one)`
            : `the default route of ${name} goes to ${route.nextHopType}, not to a firewall`,
        });
    }
  }
  return pass();
};

export default defineCheck({
  name: 'subnetRoutesToFirewall',
  reads: ROUTING_TYPES,
  details: ['problem', 'routeFix', 'subnet'],
  arguments: { subnet: { type: 'string', required: false, description: 'field path of the subnet whose routes are judged; without it, the resource is the subnet' } },
  evaluate,
});
