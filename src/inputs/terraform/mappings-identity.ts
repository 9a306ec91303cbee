import type { AzurermTypeMapping } from './mapping-types.js';
import { CONTAINER_APP_PULL } from './mappings-agents.js';

/**
 * Who may pull from a registry: role assignments, the identities they name, the resource groups they may be
 * scoped to, and container apps (which pull like jobs). Names from the azurerm provider docs
 * (role_assignment, role_definition, user_assigned_identity, resource_group, container_app) and the ARM
 * Microsoft.Authorization/roleAssignments 2022-04-01 and roleDefinitions models.
 */
const tags = { arm: 'tags', from: 'tags' };

export const IDENTITY_MAPPINGS: Record<string, AzurermTypeMapping> = {
  azurerm_role_assignment: {
    armType: 'Microsoft.Authorization/roleAssignments',
    attributes: [
      // ARM keeps the scope in the id (and, read-only, properties.scope); azurerm has it as an argument.
      { arm: 'properties.scope', from: 'scope' },
      { arm: 'properties.roleDefinitionId', from: 'role_definition_id' },
      // Not an ARM property: azurerm accepts a role by name, and a plan knows only one of name and id.
      { arm: 'properties.roleDefinitionName', from: 'role_definition_name' },
      { arm: 'properties.principalId', from: 'principal_id' },
      { arm: 'properties.principalType', from: 'principal_type' },
      { arm: 'properties.condition', from: 'condition' },
    ],
  },
  // A custom role: its permissions decide whether an assignment of it grants pulls (azurerm_role_definition docs:
  // `permissions { actions, not_actions, data_actions, not_data_actions }`, `role_definition_id` the GUID).
  azurerm_role_definition: {
    armType: 'Microsoft.Authorization/roleDefinitions',
    attributes: [
      // ARM names a role definition by its GUID; azurerm's `name` is the role's display name.
      { arm: 'name', from: 'role_definition_id' },
      { arm: 'properties.roleName', from: 'name' },
      {
        arm: 'properties.permissions',
        from: 'permissions',
        items: [
          { arm: 'actions', from: 'actions' },
          { arm: 'notActions', from: 'not_actions' },
          { arm: 'dataActions', from: 'data_actions' },
          { arm: 'notDataActions', from: 'not_data_actions' },
        ],
      },
      { arm: 'properties.assignableScopes', from: 'assignable_scopes' },
    ],
  },
  azurerm_user_assigned_identity: {
    armType: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    attributes: [{ arm: 'properties.principalId', from: 'principal_id' }, { arm: 'properties.clientId', from: 'client_id' }, tags],
  },
  azurerm_resource_group: { armType: 'Microsoft.Resources/resourceGroups', attributes: [tags] },
  azurerm_container_app: {
    armType: 'Microsoft.App/containerApps',
    attributes: [
      ...CONTAINER_APP_PULL,
      { arm: 'properties.template.containers', from: 'template[0].container', items: [{ arm: 'name', from: 'name' }, { arm: 'image', from: 'image' }] },
      tags,
    ],
  },
};
