import type { RuleFunction } from '../../engine/evaluate.js';
import { endpointIndex } from '../../graph/endpoint-index.js';
import type { Resource } from '../../model/resource.js';
import { defineCheck } from '../check.js';
import { pass, fail, unknown } from '../results.js';
import { listSome } from './zone-requirements.js';

/** AZF-DNS-005: a resource with public access disabled has at least one (approved) private endpoint. */
const evaluate: RuleFunction = (context) => {
  const { inventory, resource } = context;
  const index = endpointIndex(inventory);
  // A connection is indexed under its target's key and its id: count each once. No endpoint in the scan names
  // a service it connects to (a snapshot's rows do not): no ids to lower-case for the lookup.
  const byEndpoint = new Map<Resource, { endpoint: Resource; status?: string }>();
  if (index.byTarget.size > 0) {
    for (const entry of [...(index.byTarget.get(resource.key.toLowerCase()) ?? []), ...(resource.source.id ? index.byTarget.get(`id:${resource.source.id.toLowerCase()}`) ?? [] : [])]) byEndpoint.set(entry.endpoint, entry);
  }
  const found = [...byEndpoint.values()];
  // Resource Graph rows list their own private endpoint connections, with their approval state.
  const own = context.field('properties.privateEndpointConnections[*].properties.privateLinkServiceConnectionState.status');
  const ownStates = Array.isArray(own) ? own.filter((state): state is string => typeof state === 'string') : [];
  const states = [...found.map((entry) => entry.status), ...ownStates];
  if (states.some((state) => state === undefined || /^approved$/i.test(state))) return pass();
  if (states.length > 0) {
    const shown = listSome(states.filter((state): state is string => !!state));
    return fail('properties.privateEndpointConnections', states, 'an approved private endpoint connection', { states: shown, problem: `its private endpoint connections are not approved (${shown})` });
  }
  const pending = index.unresolvedByFile.get(resource.source.file) ?? [];
  if (pending.length) return unknown('privateEndpoints', pendingReason(pending));
  return fail('privateEndpoints', [], 'a private endpoint', { problem: 'has no private endpoint' });
};

/** The reason is the same for every resource of a file: worked out once per list of pending endpoints. */
let lastPending: readonly string[] | undefined;
let lastReason = '';
function pendingReason(pending: readonly string[]): string {
  if (pending !== lastPending) {
    lastReason = `private endpoint ${listSome(pending)} connects to a resource known only after apply`;
    lastPending = pending;
  }
  return lastReason;
}

export default defineCheck({
  name: 'hasPrivateEndpoint',
  reads: ['microsoft.network/privateendpoints'],
  details: ['problem', 'states'],
  evaluate,
});
