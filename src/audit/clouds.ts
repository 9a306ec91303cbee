import { UserError } from '../errors.js';

/** Where a cloud's Resource Manager and Entra ID live. Custom clouds (Azure Stack, the test emulator) pass both. */
export interface CloudEndpoints {
  /** Resource Manager, without a trailing slash: the Resource Graph and ARM GETs go here. */
  arm: string;
  /** Entra ID authority host, handed to DefaultAzureCredential. */
  authorityHost: string;
  /** Token scope for ARM: `${arm}/.default`. */
  scope: string;
}

export const CLOUD_NAMES = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

// The names `az cloud list` uses, so a pipeline can pass `$(az cloud show --query name -o tsv)`.
const KNOWN: Record<CloudName, { arm: string; authorityHost: string }> = {
  AzureCloud: { arm: 'https://management.azure.com', authorityHost: 'https://login.microsoftonline.com' },
  AzureUSGovernment: { arm: 'https://management.usgovcloudapi.net', authorityHost: 'https://login.microsoftonline.us' },
  AzureChinaCloud: { arm: 'https://management.chinacloudapi.cn', authorityHost: 'https://login.chinacloudapi.cn' },
};

export function resolveCloud(options: { cloud?: string; armEndpoint?: string; authorityHost?: string }): CloudEndpoints {
  const name = options.cloud ?? 'AzureCloud';
  const known = Object.hasOwn(KNOWN, name) ? KNOWN[name as CloudName] : undefined;
  if (!known) throw new UserError(`--cloud must be one of ${CLOUD_NAMES.join(', ')} (use --arm-endpoint and --authority-host for another cloud)`);
  const arm = trimSlash(checkedUrl(options.armEndpoint ?? known.arm, '--arm-endpoint'));
  const authorityHost = trimSlash(checkedUrl(options.authorityHost ?? known.authorityHost, '--authority-host'));
  return { arm, authorityHost, scope: `${arm}/.default` };
}

function checkedUrl(value: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(`${flag} must be a URL (got "${value}")`);
  }
  // Bearer tokens are only ever sent over TLS: the SDK refuses http, so say so before signing in.
  if (url.protocol !== 'https:') throw new UserError(`${flag} must be an https URL (got "${value}")`);
  return url.toString();
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
