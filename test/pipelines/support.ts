import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildPlan, type AzurermCase } from '../support/materialize.js';
import { tempDir, writeJson, type JsonReport } from '../support/run-cli.js';

/** A Premium registry in a plan: locked (public access off, no trusted-service bypass) or open. */
export const registry = (label: string, name: string, locked: boolean): AzurermCase => ({
  type: 'azurerm_container_registry',
  name: label,
  values: { name, resource_group_name: 'rg-ci', location: 'westeurope', sku: 'Premium', public_network_access_enabled: !locked, ...(locked ? { network_rule_bypass_option: 'None' } : {}) },
});

/** A git checkout holding `files` and, in infra/plan.json, a plan with these registries. */
export function repoWith(files: Record<string, string>, registries: AzurermCase[]): string {
  const dir = tempDir();
  mkdirSync(join(dir, '.git'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  writeJson(dir, 'infra/plan.json', buildPlan({ azurerm: registries }));
  return dir;
}

export type Finding = JsonReport['findings'][number];

export function pool008(report: JsonReport): Finding[] {
  return report.findings.filter((finding) => finding.ruleId === 'AZF-POOL-008');
}
