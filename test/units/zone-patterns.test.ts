import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { knownZonePatterns, zonePattern } from '../../src/checks/dns/zone-table.js';

/**
 * A zone template (`privatelink.{region}.azmk8s.io`) matches a zone name as the anchored regular expression
 * it stands for: `{region}` is the endpoint's region when known, else `[a-z0-9]+`; any other placeholder is
 * `[a-z0-9-]+`; the rest is literal, compared with the template in lower case. The patterns compile that
 * expression only for zones that could match, and are held here to the expression itself.
 */
function expressionOf(template: string, region: string | undefined): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const source = template
    .toLowerCase()
    .split(/(\{[a-zA-Z]+\})/)
    .map((part, index) => {
      if (index % 2 === 0) return escape(part);
      if (part === '{region}') return region ? escape(region.toLowerCase().replace(/\s+/g, '')) : '[a-z0-9]+';
      return '[a-z0-9-]+';
    })
    .join('');
  return new RegExp(`^${source}$`);
}

const piece = fc.constantFrom('privatelink', '.', '-', 'a', 'b1', '{region}', '{subzone}', '{dnsPrefix}', '{', '}', '{x', 'Z', '.azmk8s.io', '');
const template = fc.array(piece, { maxLength: 7 }).map((parts) => parts.join(''));
const region = fc.option(fc.constantFrom('westeurope', 'West Europe', 'a', 'b1', '', ' '), { nil: undefined });
const zoneChar = fc.constantFrom('privatelink', '.', '-', 'a', 'b1', 'westeurope', 'x', 'Z', '{', '}', 'azmk8s', 'io', '');

describe('zone patterns', () => {
  it('match exactly the zones the template\'s regular expression matches', () => {
    fc.assert(
      fc.property(template, region, fc.array(fc.array(zoneChar, { maxLength: 8 }).map((parts) => parts.join('')), { maxLength: 6 }), (text, where, zones) => {
        const expression = expressionOf(text, where);
        const pattern = zonePattern(text, where);
        // Zones built from the template itself too, with its placeholders filled, so that matches occur.
        const filled = [text.toLowerCase().replace(/\{[a-zA-Z]+\}/g, 'b1'), text.toLowerCase().replace(/\{[a-zA-Z]+\}/g, 'westeurope'), text, text.toLowerCase()];
        for (const zone of [...zones, ...filled]) expect(pattern.test(zone)).toBe(expression.test(zone));
      }),
      { numRuns: 2000 },
    );
  });

  it('tells the known zones of a region from others', () => {
    const known = knownZonePatterns('westeurope');
    const isKnown = (zone: string) => known.some((pattern) => pattern.test(zone));
    expect(isKnown('privatelink.westeurope.azmk8s.io')).toBe(true);
    expect(isKnown('abc.privatelink.westeurope.azmk8s.io')).toBe(true);
    // Another region's zone is still a real privatelink zone (the endpoint's region is checked elsewhere).
    expect(isKnown('privatelink.northeurope.azmk8s.io')).toBe(true);
    expect(isKnown('privatelink.blob.core.windows.net')).toBe(true);
    expect(isKnown('privatelink.blob.core.windows.net.evil')).toBe(false);
    expect(isKnown('blob.core.windows.net')).toBe(false);
    expect(isKnown('Privatelink.blob.core.windows.net')).toBe(false);
  });
});
