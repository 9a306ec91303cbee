import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fqdnProblem, isAllowAll, networkFqdnCovers, networkFqdnProblem, patternCovers, patternMatches, portAllows, parseProtocol, protocolAllows } from '../../src/egress/fqdn.js';

/** The FQDN matcher as a small library: examples pin behaviour, properties guard the edges. */
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const domain = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
const casing = (text: string) => fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }).map((flags) => [...text].map((ch, i) => (flags[i] ? ch.toUpperCase() : ch)).join(''));

describe('FQDN matching', () => {
  it.each([
    ['*.blob.core.windows.net', 'acct.blob.core.windows.net', true],
    ['*.blob.core.windows.net', 'blob.core.windows.net', false],
    // Azure Firewall FAQ: a leading asterisk matches "literally anything to the left", i.e. subdomains at any depth.
    ['*.blob.core.windows.net', 'a.b.blob.core.windows.net', true],
    ['*.dev.azure.com', 'download.agent.dev.azure.com', true],
    ['*.core.windows.net', 'acct.blob.core.windows.net', true],
    ['*.azure.com', 'download.agent.dev.azure.com', true],
    ['*.dev.azure.com', 'dev.azure.com', false],
    ['*.ore.windows.net', 'acct.blob.core.windows.net', false],
    ['*.core.windows.net', 'acct.blob.core.windows.net.example.com', false],
    // The FAQ's `*contoso.com` (no dot): anything to the left, the apex and look-alikes included.
    ['*contoso.com', 'contoso.com', true],
    ['*contoso.com', 'example.anycontoso.com', true],
    ['*contoso.com', 'contoso.com.example.net', false],
    ['mcr.microsoft.com', 'MCR.Microsoft.com', true],
    ['mcr.microsoft.com', 'mcr.microsoft.com.', true],
    ['mcr.microsoft.com', 'x.mcr.microsoft.com', false],
    ['*', 'anything.example', true],
  ])('%s matches %s: %s', (pattern, host, expected) => {
    expect(patternMatches(pattern, host)).toBe(expected);
  });

  it.each([
    ['*.data.mcr.microsoft.com', '*.data.mcr.microsoft.com', true],
    ['*.mcr.microsoft.com', '*.data.mcr.microsoft.com', true],
    ['*.core.windows.net', '*.blob.core.windows.net', true],
    ['*.windows.net', '*.blob.core.windows.net', true],
    ['*core.windows.net', '*.blob.core.windows.net', true],
    ['*.data.mcr.microsoft.com', '*.mcr.microsoft.com', false],
    ['*.ata.mcr.microsoft.com', '*.data.mcr.microsoft.com', false],
    ['data.mcr.microsoft.com', '*.data.mcr.microsoft.com', false],
    ['westeurope.data.mcr.microsoft.com', '*.data.mcr.microsoft.com', false],
    ['*', '*.data.mcr.microsoft.com', true],
  ])('%s covers the need %s: %s', (pattern, need, expected) => {
    expect(patternCovers(pattern, need)).toBe(expected);
  });

  it('a wildcard covers subdomains at any depth and never the apex', () => {
    fc.assert(
      fc.property(domain, label, label, (base, sub, deeper) => {
        expect(patternMatches(`*.${base}`, `${sub}.${base}`)).toBe(true);
        expect(patternMatches(`*.${base}`, base)).toBe(false);
        expect(patternMatches(`*.${base}`, `${deeper}.${sub}.${base}`)).toBe(true);
      }),
    );
  });

  it("a wildcard need is covered by its own or a parent domain's wildcard, never by a subdomain's", () => {
    fc.assert(
      fc.property(domain, label, (base, sub) => {
        expect(patternCovers(`*.${base}`, `*.${sub}.${base}`)).toBe(true);
        expect(patternCovers(`*.${base}`, `*.${base}`)).toBe(true);
        expect(patternCovers(`*.${sub}.${base}`, `*.${base}`)).toBe(false);
        expect(patternCovers(base, `*.${base}`)).toBe(false);
      }),
    );
  });

  it('matching ignores case on both sides', () => {
    fc.assert(fc.property(domain, (host) => fc.assert(fc.property(casing(host), casing(host), (a, b) => patternMatches(a, b)), { numRuns: 5 })));
  });

  it('an exact entry matches only its own host', () => {
    fc.assert(fc.property(domain, domain, (a, b) => {
      expect(patternMatches(a, b)).toBe(a === b);
    }));
  });

  it('covering a need implies matching every host the need stands for, at any depth', () => {
    const pattern = fc.oneof(domain, domain.map((d) => `*.${d}`), domain.map((d) => `*${d}`), fc.constant('*'));
    fc.assert(
      fc.property(pattern, domain, fc.array(label, { minLength: 1, maxLength: 3 }), (written, base, subs) => {
        if (patternCovers(written, `*.${base}`)) expect(patternMatches(written, `${subs.join('.')}.${base}`)).toBe(true);
      }),
    );
  });

  it('valid host names and leading wildcards are well formed', () => {
    fc.assert(fc.property(domain, (host) => {
      expect(fqdnProblem(host)).toBeUndefined();
    }));
    fc.assert(fc.property(domain, (host) => {
      expect(fqdnProblem(`*.${host}`)).toBeUndefined();
    }));
  });

  it.each([
    ['https://mcr.microsoft.com/', /scheme/],
    ['mcr.microsoft.com/v2', /path/],
    ['mcr.microsoft.com:443', /port/],
    ['mcr.*.com', /wildcard/],
    ['mcr..microsoft.com', /empty label/],
    ['mcr_microsoft com', /characters/],
  ])('%s is malformed', (entry, why) => {
    expect(fqdnProblem(entry)).toMatch(why);
  });

  it('allow-all patterns: * and bare TLD wildcards, not deeper wildcards', () => {
    expect(isAllowAll('*')).toBe(true);
    expect(isAllowAll('*.com')).toBe(true);
    expect(isAllowAll('*.microsoft.com')).toBe(false);
  });
});

// Network rules resolve destination FQDNs through DNS: "FQDN filtering in network rules doesn't support
// wildcards by design" (Microsoft, "Use FQDN filtering in network rules").
describe('network rule destination FQDNs', () => {
  it.each([
    ['packages.aks.azure.com', 'packages.aks.azure.com', true],
    ['Packages.AKS.azure.com', 'packages.aks.azure.com', true],
    ['packages.aks.azure.com.', 'packages.aks.azure.com', true],
    ['packages.aks.azure.com', 'Packages.AKS.azure.com.', true],
    ['*.aks.azure.com', 'packages.aks.azure.com', false],
    ['*aks.azure.com', 'packages.aks.azure.com', false],
    ['*', 'packages.aks.azure.com', false],
    ['*.data.mcr.microsoft.com', '*.data.mcr.microsoft.com', false],
    ['westeurope.data.mcr.microsoft.com', '*.data.mcr.microsoft.com', false],
    ['aks.azure.com', 'packages.aks.azure.com', false],
  ])('%s covers the need %s: %s', (entry, need, expected) => {
    expect(networkFqdnCovers(entry, need)).toBe(expected);
  });

  it('an entry covers exactly the host it names, whatever an application rule pattern would cover', () => {
    const entry = fc.oneof(domain, domain.map((d) => `*.${d}`), domain.map((d) => `*${d}`), fc.constant('*'));
    fc.assert(
      fc.property(entry, domain, (written, host) => {
        expect(networkFqdnCovers(written, host)).toBe(!written.includes('*') && written === host);
      }),
    );
  });

  it.each(['*.aks.azure.com', '*aks.azure.com', '*', 'mcr.*.com'])('%s is reported as a wildcard network rules do not take', (entry) => {
    expect(networkFqdnProblem(entry)).toMatch(/wildcard, which network rules do not take \(they resolve FQDNs through DNS/);
  });

  it('host names are well formed, and other problems read as for application rules', () => {
    fc.assert(fc.property(domain, (host) => {
      expect(networkFqdnProblem(host)).toBeUndefined();
    }));
    expect(networkFqdnProblem('https://mcr.microsoft.com/')).toBe(fqdnProblem('https://mcr.microsoft.com/'));
    expect(networkFqdnProblem('ntp.ubuntu.com:123')).toMatch(/port/);
  });
});

describe('protocols and ports', () => {
  it('Https:443 is not Http:80', () => {
    const allowed = [parseProtocol('Https:443')!];
    expect(protocolAllows(allowed, { type: 'https', port: 443 })).toBe(true);
    expect(protocolAllows(allowed, { type: 'http', port: 80 })).toBe(false);
    expect(protocolAllows([parseProtocol({ protocolType: 'Https', port: 8443 })!], { type: 'https', port: 443 })).toBe(false);
  });

  it('port ranges and *', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 }), (a, b, port) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(portAllows([`${low}-${high}`], port)).toBe(port >= low && port <= high);
        expect(portAllows(['*'], port)).toBe(true);
        expect(portAllows([String(port)], port)).toBe(true);
      }),
    );
  });
});
