import { resolve } from 'node:path';
import { loadRules } from '../engine/load-packs.js';
import type { Rule, Severity } from '../engine/rule.js';
import { configurationReport } from './changes.js';
import { loadConfig, parametersForRule, validateConfigAgainstRules, type AzfenceConfig } from './load-config.js';
import { repositoryRoot } from './repository.js';
import { selectionLists, selectRules, type RuleSelectionInput } from './rule-selection.js';
import type { ConfigurationReport } from '../report/configuration.js';

/** Rules, their parameters and the configuration, as a scan or an audit needs them. */
export interface RuleSetup {
  rules: Rule[];
  parameters: Record<string, Record<string, unknown>>;
  config: AzfenceConfig;
  configuration: ConfigurationReport;
}

export function setUpRules(options: { scanPaths: readonly string[]; policyPaths?: readonly string[]; configPath?: string; cwd: string; selection?: RuleSelectionInput }): RuleSetup {
  const { cwd } = options;
  const config = loadConfig({ ...(options.configPath ? { explicitPath: options.configPath } : {}), scanPaths: options.scanPaths, cwd });
  // Packs named by the config come from the repository and must stay in it, file by file.
  const repository = config.file && config.policies.length > 0 ? repositoryRoot(resolve(cwd, config.file)) : undefined;
  const fromConfig = repository ? config.policies.map((path) => ({ path, repository })) : [];
  const { rules: allRules } = loadRules([...fromConfig, ...(options.policyPaths ?? [])], cwd);
  validateConfigAgainstRules(config, allRules);
  const enabled = allRules.filter((rule) => config.rules[rule.id]?.enabled !== false).map((rule) => withSeverity(rule, config.rules[rule.id]?.severity));
  const { rules, notRun } = selectRules(enabled, selectionLists(config, options.selection ?? {}), allRules);
  const parameters = Object.fromEntries(rules.map((rule) => [rule.id, parametersForRule(config, rule.id, rule.parameters)]));
  const configuration = configurationReport(config, allRules, cwd);
  return { rules, parameters, config, configuration: notRun.length ? { ...configuration, rulesNotRun: notRun } : configuration };
}

/** A team may rank a rule differently: the configured severity replaces the rule's and its checks'. */
function withSeverity(rule: Rule, severity: Severity | undefined): Rule {
  if (!severity) return rule;
  return { ...rule, severity, checks: rule.checks.map(({ severity: _ignored, ...check }) => check) };
}
