/**
 * Canonical casing and human labels for the ARM types azfence knows. Resource Graph returns types in lower
 * case; messages and SARIF read better with the documented casing.
 */
// Keyed by types read from input: a Map, so `constructor` or `__proto__` is just an unknown type.
const KNOWN_TYPES = new Map<string, string>();

const LABELS: Readonly<Record<string, string>> = {
  'Microsoft.ContainerRegistry/registries': 'container registry',
  'Microsoft.ContainerRegistry/registries/agentPools': 'ACR agent pool',
  'Microsoft.ContainerRegistry/registries/tasks': 'ACR task',
  'Microsoft.ContainerRegistry/registries/taskRuns': 'ACR task run',
  'Microsoft.KeyVault/vaults': 'key vault',
  'Microsoft.KeyVault/managedHSMs': 'managed HSM',
  'Microsoft.Storage/storageAccounts': 'storage account',
  'Microsoft.Sql/servers': 'SQL server',
  'Microsoft.DocumentDB/databaseAccounts': 'Cosmos DB account',
  'Microsoft.ServiceBus/namespaces': 'Service Bus namespace',
  'Microsoft.EventHub/namespaces': 'Event Hubs namespace',
  'Microsoft.CognitiveServices/accounts': 'Cognitive Services / OpenAI account',
  'Microsoft.AppConfiguration/configurationStores': 'App Configuration store',
  'Microsoft.Web/sites': 'web or function app',
  'Microsoft.App/managedEnvironments': 'Container Apps environment',
  'Microsoft.App/jobs': 'Container Apps job',
  'Microsoft.App/containerApps': 'container app',
  'Microsoft.Authorization/roleAssignments': 'role assignment',
  'Microsoft.Authorization/roleDefinitions': 'role definition',
  'Microsoft.ManagedIdentity/userAssignedIdentities': 'user-assigned identity',
  'Microsoft.Resources/resourceGroups': 'resource group',
  'Microsoft.App/sessionPools': 'Container Apps session pool',
  'Microsoft.ContainerService/managedClusters': 'AKS cluster',
  'Microsoft.ContainerService/managedClusters/agentPools': 'AKS node pool',
  'Microsoft.DBforPostgreSQL/flexibleServers': 'PostgreSQL flexible server',
  'Microsoft.DBforMySQL/flexibleServers': 'MySQL flexible server',
  'Microsoft.Cache/redis': 'Redis cache',
  'Microsoft.Search/searchServices': 'AI Search service',
  'Microsoft.DataFactory/factories': 'data factory',
  'Microsoft.Synapse/workspaces': 'Synapse workspace',
  'Microsoft.MachineLearningServices/workspaces': 'Machine Learning workspace',
  'Microsoft.SignalRService/signalR': 'SignalR service',
  'Microsoft.SignalRService/webPubSub': 'Web PubSub service',
  'Microsoft.Batch/batchAccounts': 'Batch account',
  'Microsoft.RecoveryServices/vaults': 'Recovery Services vault',
  'Microsoft.ApiManagement/service': 'API Management service',
  'Microsoft.Databricks/workspaces': 'Databricks workspace',
  'Microsoft.Devices/IotHubs': 'IoT hub',
  'Microsoft.EventGrid/topics': 'Event Grid topic',
  'Microsoft.EventGrid/domains': 'Event Grid domain',
  'Microsoft.OperationalInsights/workspaces': 'Log Analytics workspace',
  'Microsoft.Insights/privateLinkScopes': 'Azure Monitor Private Link Scope',
  'Microsoft.Insights/components': 'Application Insights component',
  'Microsoft.Network/privateEndpoints': 'private endpoint',
  'Microsoft.Network/privateEndpoints/privateDnsZoneGroups': 'private DNS zone group',
  'Microsoft.Network/privateDnsZones': 'private DNS zone',
  'Microsoft.Network/privateDnsZones/virtualNetworkLinks': 'private DNS zone VNet link',
  'Microsoft.Network/virtualNetworks': 'virtual network',
  'Microsoft.Network/virtualNetworks/subnets': 'subnet',
  'Microsoft.Network/virtualNetworks/virtualNetworkPeerings': 'VNet peering',
  'Microsoft.Network/routeTables': 'route table',
  'Microsoft.Network/routeTables/routes': 'route',
  'Microsoft.Network/azureFirewalls': 'Azure Firewall',
  'Microsoft.Network/firewallPolicies': 'firewall policy',
  'Microsoft.Network/firewallPolicies/ruleCollectionGroups': 'firewall policy rule collection group',
  'Microsoft.Network/azureFirewalls/applicationRuleCollections': 'firewall application rule collection',
  'Microsoft.Network/azureFirewalls/networkRuleCollections': 'firewall network rule collection',
  'Microsoft.Network/networkSecurityGroups': 'network security group',
  'Microsoft.Network/networkSecurityGroups/securityRules': 'network security rule',
  'Microsoft.DevOpsInfrastructure/pools': 'Managed DevOps Pool',
  'Kubernetes/Workload': 'Kubernetes workload',
  'azfence/Unclassified': 'resource',
  'Pipeline/acrCommands': 'pipeline command',
  'Kubernetes/ConfigMap': 'ConfigMap',
};

for (const type of Object.keys(LABELS)) KNOWN_TYPES.set(type.toLowerCase(), type);

/** Returns the documented casing of an ARM type, or the input unchanged when the type is not known. */
export function canonicalArmType(type: string): string {
  return KNOWN_TYPES.get(type.toLowerCase()) ?? type;
}

/** Registers a type's casing seen in mapping data, so types azfence maps are always shown canonically. */
export function registerArmType(type: string): void {
  const lower = type.toLowerCase();
  if (!KNOWN_TYPES.has(lower)) KNOWN_TYPES.set(lower, type);
}

export function armTypeLabel(type: string): string {
  const canonical = canonicalArmType(type);
  return (Object.hasOwn(LABELS, canonical) ? LABELS[canonical] : undefined) ?? canonical;
}
