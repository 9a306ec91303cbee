import { isDeepStrictEqual } from 'node:util';
import type { Rule } from '../engine/rule.js';
import { displayPath } from '../inputs/display-path.js';
import { DEFAULT_FAIL_ON, type ConfigurationReport } from '../report/configuration.js';
import { parametersForRule } from './parameters.js';
import type { AzfenceConfig } from './config.js';

/** Compares the configuration with the rules as they ship: `allRules` are every loaded rule, before any is switched off. */
export function configurationReport(config: AzfenceConfig, allRules: readonly Rule[], cwd: string): ConfigurationReport {
  const rulesDisabled: string[] = [];
  const severities: ConfigurationReport['severities'] = [];
  const parameters: ConfigurationReport['parameters'] = [];
  for (const rule of allRules) {
    const settings = Object.hasOwn(config.rules, rule.id) ? config.rules[rule.id] : undefined;
    if (settings?.enabled === false) {
      rulesDisabled.push(rule.id);
      continue;
    }
    // A rule whose checks carry their own severity changes even when the configured one equals the rule's.
    if (settings?.severity && (settings.severity !== rule.severity || rule.checks.some((check) => check.severity && check.severity !== settings.severity))) {
      severities.push({ rule: rule.id, from: rule.severity, to: settings.severity });
    }
    const values = parametersForRule(config, rule.id, rule.parameters);
    for (const [name, spec] of Object.entries(rule.parameters)) {
      if (Object.hasOwn(values, name) && !sameValue(values[name], spec.default)) parameters.push({ rule: rule.id, name });
    }
  }
  return {
    ...(config.file ? { file: config.file } : {}),
    rulesDisabled: rulesDisabled.sort(),
    severities: severities.sort((a, b) => (a.rule < b.rule ? -1 : 1)),
    parameters: parameters.sort((a, b) => (a.rule === b.rule ? (a.name < b.name ? -1 : 1) : a.rule < b.rule ? -1 : 1)),
    suppressions: config.suppressions?.length ?? 0,
    // Pack paths are chosen by whoever wrote the file (a pull request): shown, never interpreted by a terminal.
    policies: config.policies.map((path) => displayPath(path, cwd).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')),
    ...(config.failOn !== undefined && config.failOn !== DEFAULT_FAIL_ON ? { failOn: config.failOn } : {}),
    ...(config.failOnUnknown === true ? { failOnUnknown: true } : {}),
  };
}

/**
 * isDeepStrictEqual, without its first call's cost where the answer is plain: a parameter left at its default
 * holds the default itself, and two primitives are compared by Object.is, as isDeepStrictEqual compares them.
 * Its first call loads Node's comparison module (~0.8M instructions of a small scan), which a scan without
 * settings then never pays.
 */
function sameValue(value: unknown, fallback: unknown): boolean {
  if (Object.is(value, fallback)) return true;
  if (typeof value !== 'object' || value === null || typeof fallback !== 'object' || fallback === null) return false;
  return isDeepStrictEqual(value, fallback);
}
