import { isPlainObject } from '../../model/values.js';

/**
 * `configuration.module_calls[].source` of a plan, keyed like `.terraform/modules/modules.json` keys:
 * the call names joined by dots (`network`, `spoke.subnets`). Source mapping uses it to find a local
 * module's directory when `terraform init`'s module manifest is not there.
 */
export function moduleSourcesOf(rootModule: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (module: unknown, prefix: string, depth: number): void => {
    if (!isPlainObject(module) || depth > 50 || !isPlainObject(module['module_calls'])) return;
    for (const [name, call] of Object.entries(module['module_calls'])) {
      if (!isPlainObject(call)) continue;
      const key = prefix ? `${prefix}.${name}` : name;
      if (typeof call['source'] === 'string') out.set(key, call['source']);
      walk(call['module'], key, depth + 1);
    }
  };
  walk(rootModule, '', 0);
  return out;
}
