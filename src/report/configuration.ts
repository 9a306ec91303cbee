import type { Severity } from './rule-descriptor.js';

/** The configuration a run applied, as every report states it, and the phrases reports show it in. */
export type FailOn = Severity | 'none';

/** Where a gate setting came from: a command-line flag wins over the configuration, which wins over the default. */
export type SettingSource = 'flag' | 'config' | 'default';

export const DEFAULT_FAIL_ON: FailOn = 'high';

/**
 * What the configuration file changed against the defaults. A pull request controls `.azfence.yaml` as much
 * as the plan: every report states this, so a weakened gate is seen by whoever reads the run.
 */
export interface ConfigurationReport {
  /** The configuration file, as shown in errors; absent when none was read. */
  file?: string;
  rulesDisabled: string[];
  severities: Array<{ rule: string; from: Severity; to: Severity }>;
  /** Rule parameters whose value differs from the rule's default. Values are not repeated here. */
  parameters: Array<{ rule: string; name: string }>;
  /** Entries under `suppressions:`. */
  suppressions: number;
  /** Rule packs the configuration adds. */
  policies: string[];
  failOn?: FailOn;
  failOnUnknown?: boolean;
  /** Rules --check / --skip-check or `check:` / `skipCheck:` left out; absent when every rule ran. */
  rulesNotRun?: RulesNotRun[];
  /** The gate the run applied, set once the command line is known (scan and audit set it). */
  gate?: { failOn: FailOn; failOnUnknown: boolean; from: { failOn: SettingSource; failOnUnknown: SettingSource } };
}

/** The rules a selection left out, and why: every report shows them. */
export interface RulesNotRun {
  /** `check`: not matched by the check list; `skipCheck`: matched by the skip list. */
  by: 'check' | 'skipCheck';
  from: Exclude<SettingSource, 'default'>;
  patterns: string[];
  rules: string[];
}

/** The gate a run applies: flags win over the configuration file, which wins over the defaults. */
export function resolveGate(flags: { failOn?: FailOn | undefined; failOnUnknown?: boolean | undefined }, config: { failOn?: FailOn; failOnUnknown?: boolean }): NonNullable<ConfigurationReport['gate']> {
  const failOnFrom: SettingSource = flags.failOn !== undefined ? 'flag' : config.failOn !== undefined ? 'config' : 'default';
  const unknownFrom: SettingSource = flags.failOnUnknown !== undefined ? 'flag' : config.failOnUnknown !== undefined ? 'config' : 'default';
  return {
    failOn: flags.failOn ?? config.failOn ?? DEFAULT_FAIL_ON,
    failOnUnknown: flags.failOnUnknown ?? config.failOnUnknown ?? false,
    from: { failOn: failOnFrom, failOnUnknown: unknownFrom },
  };
}

/** Each change as a short phrase, in a fixed order: rules off, severities, parameters, suppressions, packs, gate. */
export function configurationChanges(configuration: ConfigurationReport): string[] {
  const changes: string[] = [];
  for (const rule of configuration.rulesDisabled) changes.push(`${rule} disabled`);
  for (const { rule, from, to } of configuration.severities) changes.push(`${rule} severity ${from} -> ${to}`);
  for (const notRun of configuration.rulesNotRun ?? []) changes.push(notRunPhrase(notRun));
  if (configuration.parameters.length) changes.push(`parameters set: ${configuration.parameters.map(({ rule, name }) => `${rule} ${name}`).join(', ')}`);
  if (configuration.suppressions) changes.push(`${configuration.suppressions} suppression${configuration.suppressions === 1 ? '' : 's'}`);
  if (configuration.policies.length) changes.push(`rule packs added: ${configuration.policies.join(', ')}`);
  const gate = configuration.gate;
  if (configuration.failOn !== undefined) {
    changes.push(gate?.from.failOn === 'flag' ? `failOn ${configuration.failOn} in the configuration, overridden by --fail-on ${gate.failOn}` : `failOn ${configuration.failOn} (default ${DEFAULT_FAIL_ON})`);
  }
  if (configuration.failOnUnknown !== undefined) {
    changes.push(gate?.from.failOnUnknown === 'flag' ? 'failOnUnknown true in the configuration, overridden by --fail-on-unknown' : 'failOnUnknown true (default false)');
  }
  return changes;
}

/** `only AZF-PUB-* checked (--check): 27 rules not run`, `AZF-KATA-* skipped (skipCheck in the configuration): AZF-KATA-001, ...`. */
function notRunPhrase(notRun: RulesNotRun): string {
  const where = notRun.from === 'flag' ? (notRun.by === 'check' ? '--check' : '--skip-check') : `${notRun.by} in the configuration`;
  const count = `${notRun.rules.length} rule${notRun.rules.length === 1 ? '' : 's'} not run`;
  const listed = notRun.rules.length <= 8 ? `: ${notRun.rules.join(', ')}` : '';
  return notRun.by === 'check' ? `only ${notRun.patterns.join(', ')} checked (${where}), ${count}${listed}` : `${notRun.patterns.join(', ')} skipped (${where}), ${count}${listed}`;
}

/** The one line reports show, or undefined when the configuration changes nothing. */
export function configurationLine(configuration: ConfigurationReport): string | undefined {
  const changes = configurationChanges(configuration);
  if (changes.length === 0) return undefined;
  // Without a file only command-line flags (--check, --skip-check) narrowed the run.
  return `${configuration.file !== undefined ? `Configuration ${configuration.file}` : 'The command line'} changes the defaults: ${changes.join('; ')}`;
}
