import { armNotation } from '../../model/notation.js';

/** Rows a live audit read from Resource Graph: ARM names and values; what a row lacks, Azure did not return. */
/** An audit fetches each endpoint's zone groups from ARM (src/audit/query-plan.ts); a policy's rule collection groups it may lack, as an export does. */
export const AUDIT_NOTATION = armNotation({ unread: '(not returned by Azure)', projected: 'audit', unindexed: ['Microsoft.Network/firewallPolicies/ruleCollectionGroups'] });
