import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildPlan, type AzurermCase } from '../support/materialize.js';
import { tempDir } from '../support/run-cli.js';

/**
 * A small Terraform root module with its plan, written to a temp directory: a for_each storage account,
 * a key vault in a local module, inline suppressions with and without a reason, and HCL that trips naive
 * scanners (a heredoc and a template string that look like blocks, a block comment holding a block header).
 */
export const ROOT_TF = `# Root module of the CI-gate fixture.
locals {
  banner = <<-EOT
    resource "azurerm_storage_account" "logs" {
      public_network_access_enabled = false
    }
  EOT
  tpl = "\${jsonencode({ a = "}" })} { not a block"
}

/* resource "azurerm_key_vault" "audit" {
   public_network_access_enabled = false */

resource "azurerm_storage_account" "logs" {
  for_each = toset(["a", "b"])

  name                            = "stlogs\${each.key}" // a } in a comment
  account_kind                    = "StorageV2"
  allow_nested_items_to_be_public = false
  public_network_access_enabled   = true
}

# The SIEM in another tenant queries this vault over the internet.
# azfence:ignore AZF-PUB-005 SIEM ingestion needs public access until the private link lands (INC-42)
resource "azurerm_key_vault" "audit" {
  name                          = "kv-audit"
  sku_name                      = "standard"
  public_network_access_enabled = true
}

resource "azurerm_key_vault" "noreason" {
  name                          = "kv-noreason"
  sku_name                      = "standard"
  public_network_access_enabled = true # azfence:ignore AZF-PUB-005
}

module "spoke" {
  source = "./modules/spoke"
}
`;

export const MODULE_TF = `variable "name" {
  type    = string
  default = "kv-spoke"
}

resource "azurerm_key_vault" "this" {
  name     = var.name
  sku_name = "standard"

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
  }

  public_network_access_enabled = true
}
`;

export const VAULTS: AzurermCase[] = [
  { type: 'azurerm_key_vault', address: 'azurerm_key_vault.audit', values: { name: 'kv-audit', sku_name: 'standard', public_network_access_enabled: true } },
  { type: 'azurerm_key_vault', address: 'azurerm_key_vault.noreason', values: { name: 'kv-noreason', sku_name: 'standard', public_network_access_enabled: true } },
  { type: 'azurerm_key_vault', address: 'module.spoke.azurerm_key_vault.this', values: { name: 'kv-spoke', sku_name: 'standard', public_network_access_enabled: true } },
];

export const STORAGE: AzurermCase[] = ['a', 'b'].map((key) => ({
  type: 'azurerm_storage_account',
  address: `azurerm_storage_account.logs["${key}"]`,
  values: { name: `stlogs${key}`, account_kind: 'StorageV2', public_network_access_enabled: true, allow_nested_items_to_be_public: false },
}));

export function write(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** Writes the fixture; `extra` adds resources to the plan (e.g. one that is new since a baseline). */
export function makeEstate(options: { extra?: AzurermCase[]; config?: string } = {}): string {
  const dir = tempDir('azfence-ci-gate-');
  write(dir, 'main.tf', ROOT_TF);
  write(dir, 'modules/spoke/main.tf', MODULE_TF);
  write(dir, 'plan.json', JSON.stringify(buildPlan({ azurerm: [...STORAGE, ...VAULTS, ...(options.extra ?? [])] }), null, 2));
  if (options.config !== undefined) write(dir, '.azfence.yaml', options.config);
  return dir;
}

/** 1-based line of the first line containing `needle` (after `after`, when given). */
export function lineOf(text: string, needle: string, after?: string): number {
  const lines = text.split('\n');
  const start = after ? lines.findIndex((line) => line.includes(after)) : 0;
  const index = lines.findIndex((line, i) => i >= start && line.includes(needle));
  if (index < 0) throw new Error(`"${needle}" not in the text`);
  return index + 1;
}
