import type { RuleFunction } from '../engine/evaluate.js';
import type { CheckDefinition } from './check.js';
import dnsHasPrivateEndpointCheck from './dns/has-private-endpoint.js';
import dnsNeededZonesLinkedToVnetCheck from './dns/needed-zones-linked-to-vnet.js';
import dnsPrivateEndpointHasZoneGroupCheck from './dns/private-endpoint-has-zone-group.js';
import dnsZoneGroupHasNeededZonesCheck from './dns/zone-group-has-needed-zones.js';
import dnsZoneGroupZonesAreValidCheck from './dns/zone-group-zones-are-valid.js';
import egressAksBootstrapCacheZoneRedundantCheck from './egress/aks-bootstrap-cache-zone-redundant.js';
import egressAksBootstrapsFromPrivateCacheCheck from './egress/aks-bootstraps-from-private-cache.js';
import egressEgressThroughFirewallCheck from './egress/egress-through-firewall.js';
import egressFirewallAllowsProfileCheck from './egress/firewall-allows-profile.js';
import egressFqdnNetworkRulesHaveDnsProxyCheck from './egress/fqdn-network-rules-have-dns-proxy.js';
import egressFqdnsWellFormedCheck from './egress/fqdns-well-formed.js';
import egressNoAllowAllRulesCheck from './egress/no-allow-all-rules.js';
import egressNoMultitenantWildcardsCheck from './egress/no-multitenant-wildcards.js';
import egressNsgAllowsPoolEgressCheck from './egress/nsg-allows-pool-egress.js';
import kataClusterHasKataPoolCheck from './kata/cluster-has-kata-pool.js';
import kataClusterHostsUntrustedWorkloadsCheck from './kata/cluster-hosts-untrusted-workloads.js';
import kataClusterInScanCheck from './kata/cluster-in-scan.js';
import kataClusterKataPoolNotLegacyCheck from './kata/cluster-kata-pool-not-legacy.js';
import kataImagesFromApprovedRegistriesCheck from './kata/images-from-approved-registries.js';
import kataImagesPinnedCheck from './kata/images-pinned.js';
import kataKataPoolOnAzureLinuxCheck from './kata/kata-pool-on-azure-linux.js';
import kataKataPoolOnNestedVirtSizeCheck from './kata/kata-pool-on-nested-virt-size.js';
import kataPodKeepsSandboxCheck from './kata/pod-keeps-sandbox.js';
import kataWorkloadGetsNoConfigMapCredentialsCheck from './kata/workload-gets-no-config-map-credentials.js';
import kataWorkloadIsUntrustedCheck from './kata/workload-is-untrusted.js';
import kataWorkloadRuntimeClassNotLegacyCheck from './kata/workload-runtime-class-not-legacy.js';
import kataWorkloadSelectsKataPoolCheck from './kata/workload-selects-kata-pool.js';
import kataWorkloadUsesKataRuntimeClassCheck from './kata/workload-uses-kata-runtime-class.js';
import poolAgentPoolReachesRegistryPrivatelyCheck from './pool/agent-pool-reaches-registry-privately.js';
import poolEnvironmentRunsJobsCheck from './pool/environment-runs-jobs.js';
import poolFirstPullerWithoutRoleAssignmentsCheck from './pool/first-puller-without-role-assignments.js';
import poolIdentityHoldsPullRoleCheck from './pool/identity-holds-pull-role.js';
import poolJobUsesManagedIdentityCheck from './pool/job-uses-managed-identity.js';
import poolPeeringNamesVnetByIdCheck from './pool/peering-names-vnet-by-id.js';
import poolPipelineBuildUsesAgentPoolCheck from './pool/pipeline-build-uses-agent-pool.js';
import poolPullRolesJudgedPerIdentityCheck from './pool/pull-roles-judged-per-identity.js';
import poolRoleAssignmentsInInputCheck from './pool/role-assignments-in-input.js';
import poolSubnetRoutesToFirewallCheck from './pool/subnet-routes-to-firewall.js';
import poolTaskUsesAgentPoolCheck from './pool/task-uses-agent-pool.js';
import pubInputKindIsCheck from './pub/input-kind-is.js';
import pubSessionPoolEgressDisabledCheck from './pub/session-pool-egress-disabled.js';

/**
 * Every function-backed check, one module each (grouped by pack). The pack loader, the evaluator and the
 * audit's query plan all read this list: a check is added by writing its module and listing it here.
 */
export const CHECKS: readonly CheckDefinition[] = [
  dnsHasPrivateEndpointCheck,
  dnsNeededZonesLinkedToVnetCheck,
  dnsPrivateEndpointHasZoneGroupCheck,
  dnsZoneGroupHasNeededZonesCheck,
  dnsZoneGroupZonesAreValidCheck,
  egressAksBootstrapCacheZoneRedundantCheck,
  egressAksBootstrapsFromPrivateCacheCheck,
  egressEgressThroughFirewallCheck,
  egressFirewallAllowsProfileCheck,
  egressFqdnNetworkRulesHaveDnsProxyCheck,
  egressFqdnsWellFormedCheck,
  egressNoAllowAllRulesCheck,
  egressNoMultitenantWildcardsCheck,
  egressNsgAllowsPoolEgressCheck,
  kataClusterHasKataPoolCheck,
  kataClusterHostsUntrustedWorkloadsCheck,
  kataClusterInScanCheck,
  kataClusterKataPoolNotLegacyCheck,
  kataImagesFromApprovedRegistriesCheck,
  kataImagesPinnedCheck,
  kataKataPoolOnAzureLinuxCheck,
  kataKataPoolOnNestedVirtSizeCheck,
  kataPodKeepsSandboxCheck,
  kataWorkloadGetsNoConfigMapCredentialsCheck,
  kataWorkloadIsUntrustedCheck,
  kataWorkloadRuntimeClassNotLegacyCheck,
  kataWorkloadSelectsKataPoolCheck,
  kataWorkloadUsesKataRuntimeClassCheck,
  poolAgentPoolReachesRegistryPrivatelyCheck,
  poolEnvironmentRunsJobsCheck,
  poolFirstPullerWithoutRoleAssignmentsCheck,
  poolIdentityHoldsPullRoleCheck,
  poolJobUsesManagedIdentityCheck,
  poolPeeringNamesVnetByIdCheck,
  poolPipelineBuildUsesAgentPoolCheck,
  poolPullRolesJudgedPerIdentityCheck,
  poolRoleAssignmentsInInputCheck,
  poolSubnetRoutesToFirewallCheck,
  poolTaskUsesAgentPoolCheck,
  pubInputKindIsCheck,
  pubSessionPoolEgressDisabledCheck,
];

const byName = new Map<string, CheckDefinition>();

/** The evaluators by name, as the rule engine calls them. */
export const CHECK_FUNCTIONS: ReadonlyMap<string, RuleFunction> = new Map();

/**
 * Adds a check beside the built-in modules. Only tests call it (a hostile function that throws, to prove
 * the engine survives one); a real check is a module listed in CHECKS.
 */
export function registerCheck(check: CheckDefinition): void {
  if (byName.has(check.name)) throw new Error(`two check modules are named ${check.name}`);
  byName.set(check.name, check);
  (CHECK_FUNCTIONS as Map<string, RuleFunction>).set(check.name, check.evaluate);
}

export function unregisterCheck(name: string): void {
  byName.delete(name);
  (CHECK_FUNCTIONS as Map<string, RuleFunction>).delete(name);
}

for (const check of CHECKS) registerCheck(check);

/** The check a pack's `function:` names, if any module declares it. */
export function checkNamed(name: string): CheckDefinition | undefined {
  return byName.get(name);
}

/** Every check's name, for error messages that list what a pack may call. */
export function checkNames(): string[] {
  return [...byName.keys()].sort();
}
