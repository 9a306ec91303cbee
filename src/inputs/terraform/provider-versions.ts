import { isPlainObject } from '../../model/values.js';

/**
 * Which major versions of a provider a plan can have been made with, from the version constraints in its
 * configuration (`configuration.provider_config.*.version_constraint`). A plan does not record the installed
 * version, but Terraform installs one version that meets every constraint on that provider, so the majors
 * every constraint admits bound it. Used where a provider's default changed between majors
 * (azurerm v5: `allow_nested_items_to_be_public` defaults to false, true before).
 */
export interface MajorRange {
  /** Lowest and highest major admitted; `max` is Infinity when nothing caps it. */
  min: number;
  max: number;
}

export const ANY_MAJOR: MajorRange = Object.freeze({ min: 0, max: Infinity });

function versionParts(text: string): number[] | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text.trim());
  if (!match) return undefined;
  return [match[1], match[2], match[3]].filter((part): part is string => part !== undefined).map(Number);
}

/** The majors one clause (`~> 4.0`, `>= 3.1`, `< 5.0.0`, `4.1.0`) admits; undefined for a clause it cannot read. */
function clauseRange(clause: string): MajorRange | undefined {
  const match = /^\s*(~>|>=|<=|!=|=|>|<)?\s*(\S+)\s*$/.exec(clause);
  if (!match) return undefined;
  const operator = match[1] ?? '=';
  const parts = versionParts(match[2]!);
  if (!parts) return undefined;
  const major = parts[0]!;
  const rest = parts.slice(1);
  switch (operator) {
    case '=':
      return { min: major, max: major };
    case '!=':
      return ANY_MAJOR;
    case '>':
    case '>=':
      return { min: major, max: Infinity };
    case '<=':
      return { min: 0, max: major };
    case '<':
      // `< 5.0.0` stops before v5; `< 5.1` still admits 5.0.x.
      return { min: 0, max: rest.some((part) => part > 0) ? major : major - 1 };
    case '~>':
      // `~> 4.0` and `~> 4.0.1` stay in v4; `~> 4` lets every later component grow, so any major from 4.
      return parts.length >= 2 ? { min: major, max: major } : { min: major, max: Infinity };
    default:
      return undefined;
  }
}

function intersect(a: MajorRange, b: MajorRange): MajorRange {
  return { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) };
}

/** Every constraint in the plan's configuration on the named provider (root and module provider configs). */
export function providerMajors(plan: Record<string, unknown>, provider: string): MajorRange {
  const configuration = plan['configuration'];
  const configs = isPlainObject(configuration) && isPlainObject(configuration['provider_config']) ? configuration['provider_config'] : {};
  let range = ANY_MAJOR;
  for (const [key, config] of Object.entries(configs)) {
    if (!isPlainObject(config)) continue;
    const name = typeof config['name'] === 'string' ? config['name'] : key.split(':').pop();
    const fullName = typeof config['full_name'] === 'string' ? config['full_name'] : '';
    if (name !== provider && !fullName.endsWith(`/${provider}`)) continue;
    const constraint = config['version_constraint'];
    if (typeof constraint !== 'string') continue;
    for (const clause of constraint.split(',')) {
      const clauseMajors = clauseRange(clause);
      if (clauseMajors) range = intersect(range, clauseMajors);
    }
  }
  return range;
}

export function describeMajors(range: MajorRange): string {
  if (range.min === range.max) return `v${range.min}`;
  if (range.max === Infinity) return range.min > 0 ? `v${range.min} or later` : 'any version';
  return `v${range.min} to v${range.max}`;
}
