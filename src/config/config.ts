import type { Severity } from '../engine/rule.js';

/** Settings for one rule under `rules:` in `.azfence.yaml`. */
export interface RuleSettings {
  enabled?: boolean;
  severity?: Severity;
  parameters?: Record<string, unknown>;
}

/** A loaded `.azfence.yaml`; with no config file every field is empty and `file` is absent. */
export interface AzfenceConfig {
  /** The config file as shown in errors (displayPath: relative to cwd when inside it). */
  file?: string;
  parameters: Record<string, unknown>;
  rules: Record<string, RuleSettings>;
  /** Extra rule-pack paths, absolute, already checked to lie inside the repository. */
  policies: string[];
  failOn?: Severity | 'none';
  failOnUnknown?: boolean;
  /** `check:` / `skipCheck:`: rule ids, globs over them or pack names (config/rule-selection.ts). */
  check?: string[];
  skipCheck?: string[];
  /** `suppressions:` entries; `line` is where each is written, for warnings about it. */
  suppressions?: ConfigSuppression[];
  /**
   * JSON pointer (`/rules/AZF-DNS-004/parameters/x`) -> line in the config file, for errors found after
   * loading (unknown rule ids, parameter types). Non-enumerable so that comparing or printing a config
   * shows only the settings; lost when the config is spread into a new object, and then errors simply
   * carry no line.
   */
  readonly lines?: ReadonlyMap<string, number>;
}

/** One `suppressions:` entry: findings of `rule` on resources matching `resource` (globs) are suppressed. */
export interface ConfigSuppression {
  rule: string;
  resource: string;
  reason: string;
  /** YYYY-MM-DD: the last day it applies. */
  expires?: string;
  line?: number;
}

export function emptyConfig(): AzfenceConfig {
  return { parameters: {}, rules: {}, policies: [] };
}

export { pointerSegment } from '../inputs/json-pointer.js';

export function lineIn(config: AzfenceConfig, pointer: string): number | undefined {
  return config.lines?.get(pointer);
}
