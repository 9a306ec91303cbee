/**
 * FQDN matching as Azure Firewall matches application rule targets: case-insensitive, a trailing dot ignored,
 * a bare `*` allows everything, and a leading `*` stands for anything to its left. The firewall FAQ ("How do
 * wildcards work in target URLs and target FQDNs in application rules?") says "Asterisks on the left-most side
 * mean literally anything to the left will match, meaning multiple subdomains ... will be matched", and that
 * `*.contoso.com` does not match `contoso.com` itself. So `*.core.windows.net` allows
 * `acct.blob.core.windows.net` and `*.dev.azure.com` allows `download.agent.dev.azure.com`: reading the
 * wildcard as one DNS label (the rule catalog's "per DNS label") reported hosts the firewall lets through as missing.
 * AZF-EGR-001 (what an entry covers) and AZF-EGR-006 (which listed wildcards an entry takes in) share this one
 * reading, so they cannot disagree about the same entry.
 */
export function normalizeFqdn(fqdn: string): string {
  return fqdn.trim().toLowerCase().replace(/\.$/, '');
}

const INNER_WILDCARD = 'has a wildcard that is not a leading "*." label';
const NETWORK_WILDCARD = 'is a wildcard, which network rules do not take (they resolve FQDNs through DNS; list each host, or allow the wildcard in an application rule)';

/** Why an allowlist entry is malformed, or undefined when it is a valid FQDN or leading-wildcard pattern. */
export function fqdnProblem(entry: string): string | undefined {
  const value = entry.trim();
  if (value === '') return 'is empty';
  if (value === '*') return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'has a scheme (write the host name only)';
  if (value.includes('/')) return 'has a path (FQDN rules match host names; use a URL rule with TLS inspection for paths)';
  if (/:\d*$/.test(value)) return 'has a port (ports belong in the rule protocols)';
  const body = value.startsWith('*.') ? value.slice(2) : value;
  if (body.includes('*')) return INNER_WILDCARD;
  const labels = body.replace(/\.$/, '').split('.');
  if (labels.some((label) => label === '')) return 'has an empty label';
  if (labels.some((label) => !/^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i.test(label))) return 'has a label with characters a host name cannot hold';
  return undefined;
}

/**
 * What a leading-`*` pattern asks of a host's end: `.blob.core.windows.net` for `*.blob.core.windows.net`,
 * `contoso.com` for `*contoso.com` (the FAQ's form, which takes in the apex and look-alikes such as
 * `anycontoso.com`), the empty string for the bare `*` (so it matches every host and takes in every
 * wildcard); undefined for a pattern without a leading `*`.
 */
function wildcardTail(pattern: string): string | undefined {
  return pattern.startsWith('*') ? pattern.slice(1) : undefined;
}

/** Does allowlist pattern `pattern` allow the concrete host `host`? */
export function patternMatches(pattern: string, host: string): boolean {
  const p = normalizeFqdn(pattern);
  const h = normalizeFqdn(host);
  const tail = wildcardTail(p);
  // Anything to the left of the tail, at any depth; `*.x` never matches the apex `x`, which lacks the dot.
  if (tail !== undefined) return h.endsWith(tail);
  return p === h;
}

/**
 * Does wildcard `broader` allow every host wildcard `narrower` stands for? True when the narrower's tail
 * ends with the broader's: `*` takes in every wildcard, `*.core.windows.net` and `*.windows.net` take in
 * `*.blob.core.windows.net`, `*.data.mcr.microsoft.com` does not take in `*.mcr.microsoft.com`. A tail
 * that starts with a dot only ends another on a label boundary, so `*.ore.windows.net` takes in nothing
 * under `core.windows.net`.
 */
export function wildcardTakesIn(broader: string, narrower: string): boolean {
  const broaderTail = wildcardTail(normalizeFqdn(broader));
  const narrowerTail = wildcardTail(normalizeFqdn(narrower));
  return broaderTail !== undefined && narrowerTail !== undefined && narrowerTail.endsWith(broaderTail);
}

/**
 * Does `pattern` allow every host a need stands for? A concrete need is one host; a wildcard need
 * (`*.data.mcr.microsoft.com`) stands for all its subdomains, so only an equal or broader wildcard covers it.
 */
export function patternCovers(pattern: string, need: string): boolean {
  const n = normalizeFqdn(need);
  return wildcardTail(n) === undefined ? patternMatches(pattern, n) : wildcardTakesIn(pattern, n);
}

/**
 * Does a network rule's destination FQDN allow the need? Network rules match FQDNs by resolving them
 * through DNS, and Microsoft's "Use FQDN filtering in network rules" says "FQDN filtering in network rules
 * doesn't support wildcards by design": an entry allows only the host it names (case and a trailing dot
 * aside). A wildcard entry there covers nothing, and no single host covers a wildcard need. Application
 * rules keep the leading-`*` reading of patternCovers.
 */
export function networkFqdnCovers(entry: string, need: string): boolean {
  const e = normalizeFqdn(entry);
  const n = normalizeFqdn(need);
  return !e.includes('*') && !n.includes('*') && e === n;
}

/**
 * Why a network rule's destination FQDN is malformed: what fqdnProblem says of any entry, except that a
 * wildcard anywhere (`*`, `*.contoso.com`) is itself the problem, since network rules resolve FQDNs through
 * DNS and take no wildcards (see networkFqdnCovers).
 */
export function networkFqdnProblem(entry: string): string | undefined {
  const problem = fqdnProblem(entry);
  if (entry.includes('*') && (problem === undefined || problem === INNER_WILDCARD)) return NETWORK_WILDCARD;
  return problem;
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
