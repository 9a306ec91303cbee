/**
 * FQDN matching, per DNS label: case-insensitive; a wildcard only as a leading `*.` that stands for exactly
 * one label (`*.blob.core.windows.net` covers `acct.blob.core.windows.net`, neither `blob.core.windows.net`
 * nor `a.b.blob.core.windows.net`); a bare `*` allows everything. Reading a wildcard as one label is the
 * conservative choice: Microsoft's published lists name deeper hosts (download.agent.dev.azure.com beside
 * *.dev.azure.com) separately, and a missing entry blocks builds at run time.
 */
export function normalizeFqdn(fqdn: string): string {
  return fqdn.trim().toLowerCase().replace(/\.$/, '');
}

/** Why an allowlist entry is malformed, or undefined when it is a valid FQDN or leading-wildcard pattern. */
export function fqdnProblem(entry: string): string | undefined {
  const value = entry.trim();
  if (value === '') return 'is empty';
  if (value === '*') return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'has a scheme (write the host name only)';
  if (value.includes('/')) return 'has a path (FQDN rules match host names; use a URL rule with TLS inspection for paths)';
  if (/:\d*$/.test(value)) return 'has a port (ports belong in the rule protocols)';
  const body = value.startsWith('*.') ? value.slice(2) : value;
  if (body.includes('*')) return 'has a wildcard that is not a leading "*." label';
  const labels = body.replace(/\.$/, '').split('.');
  if (labels.some((label) => label === '')) return 'has an empty label';
  if (labels.some((label) => !/^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i.test(label))) return 'has a label with characters a host name cannot hold';
  return undefined;
}

/** Does allowlist pattern `pattern` allow the concrete host `host`? */
export function patternMatches(pattern: string, host: string): boolean {
  const p = normalizeFqdn(pattern);
  const h = normalizeFqdn(host);
  if (p === '*') return true;
  if (p.startsWith('*.')) {
    const suffix = p.slice(1);
    if (!h.endsWith(suffix)) return false;
    const label = h.slice(0, h.length - suffix.length);
    return label.length > 0 && !label.includes('.');
  }
  return p === h;
}

/**
 * Does `pattern` allow every host a need stands for? A concrete need is one host; a wildcard need
 * (`*.data.mcr.microsoft.com`) stands for all its subdomains, so only an equal or broader wildcard covers it.
 */
export function patternCovers(pattern: string, need: string): boolean {
  const p = normalizeFqdn(pattern);
  const n = normalizeFqdn(need);
  if (!n.startsWith('*.')) return patternMatches(p, n);
  if (p === '*') return true;
  if (!p.startsWith('*.')) return false;
  // Both stand for one label under their suffix: only the same suffix covers every host the need stands for.
  return n.slice(2) === p.slice(2);
}

/** `*` or `*.<one label>` (`*.com`): allows (nearly) the whole internet. */
export function isAllowAll(pattern: string): boolean {
  const p = normalizeFqdn(pattern);
  return p === '*' || /^\*\.[^.]+$/.test(p);
}

export interface Protocol {
  type: string;
  port: number;
}

/** `Https:443`, `https`, `{type, port}`: protocols as firewall rules write them. */
export function parseProtocol(value: unknown): Protocol | undefined {
  if (typeof value === 'string') {
    const [type, port] = value.split(':');
    if (!type) return undefined;
    const defaultPort = type.toLowerCase() === 'http' ? 80 : type.toLowerCase() === 'https' ? 443 : type.toLowerCase() === 'mssql' ? 1433 : NaN;
    return { type: type.toLowerCase(), port: port ? Number(port) : defaultPort };
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const type = record['protocolType'] ?? record['type'];
    const port = record['port'];
    if (typeof type !== 'string') return undefined;
    return { type: type.toLowerCase(), port: typeof port === 'number' ? port : Number(port) };
  }
  return undefined;
}

export function protocolAllows(allowed: readonly Protocol[], need: Protocol): boolean {
  return allowed.some((protocol) => protocol.type === need.type.toLowerCase() && protocol.port === need.port);
}

/** Network-rule ports: `443`, `440-450`, `*`. */
export function portAllows(ports: readonly string[], port: number): boolean {
  return ports.some((entry) => {
    const value = entry.trim();
    if (value === '*') return true;
    const range = /^(\d+)-(\d+)$/.exec(value);
    if (range) return port >= Number(range[1]) && port <= Number(range[2]);
    return Number(value) === port;
  });
}
