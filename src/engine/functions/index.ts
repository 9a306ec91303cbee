import type { RuleFunction } from '../evaluate.js';
import { DNS_FUNCTIONS } from './dns.js';
import { KATA_FUNCTIONS } from './kata.js';
import { AGENT_POOL_FUNCTIONS } from './agent-pools.js';
import { EGRESS_FUNCTIONS } from './egress.js';
import { INPUT_FUNCTIONS } from './input.js';
import { jobUsesManagedIdentity } from './job-credentials.js';
import { PIPELINE_BUILD_FUNCTIONS } from './pipeline-builds.js';
import { SESSION_POOL_FUNCTIONS } from './session-pool-egress.js';
import { AKS_BOOTSTRAP_FUNCTIONS } from './aks-bootstrap-cache.js';
import { MULTITENANT_WILDCARD_FUNCTIONS } from './multitenant-wildcards.js';
import { NSG_EGRESS_FUNCTIONS } from './nsg-egress.js';
import { CONFIGMAP_CREDENTIAL_FUNCTIONS } from './configmap-credentials.js';

/**
 * Named functions rules may call where a condition needs the resource graph or a data table.
 * Each is small and pure: (resource context, arguments) -> evaluation.
 */
export const BUILT_IN_FUNCTIONS: ReadonlyMap<string, RuleFunction> = new Map<string, RuleFunction>([...DNS_FUNCTIONS, ...AGENT_POOL_FUNCTIONS, ...EGRESS_FUNCTIONS, ...KATA_FUNCTIONS, ...INPUT_FUNCTIONS, ...PIPELINE_BUILD_FUNCTIONS, ...SESSION_POOL_FUNCTIONS, ...AKS_BOOTSTRAP_FUNCTIONS, ...MULTITENANT_WILDCARD_FUNCTIONS, ...NSG_EGRESS_FUNCTIONS, ...CONFIGMAP_CREDENTIAL_FUNCTIONS, ['jobUsesManagedIdentity', jobUsesManagedIdentity]]);
