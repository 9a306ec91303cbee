/**
 * Names that say a value is a credential. Used to keep such values out of the model where a reader maps
 * them (azurerm env values, scale rule metadata) and by the rules that report them, naming the attribute
 * and never the value.
 */

/** A map key (KEDA trigger metadata, ConfigMap data) whose value is a credential; `...FromEnv` keys name a variable instead. */
export function isCredentialKey(key: string): boolean {
  return !/fromenv$/i.test(key) && /(token|password|passwd|secret|api[-_]?key|access[-_]?key|connection[-_]?string|^connection$)/i.test(key);
}

/** An environment variable that carries a token or password (AZP_TOKEN, GITHUB_PAT, PAT, DB_PASSWORD). */
export function isCredentialEnvName(name: string): boolean {
  return /token|password|passwd/i.test(name) || /(^|_)PAT$/i.test(name);
}
