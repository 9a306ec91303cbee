import { hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sha256HexInJs } from '../../src/findings/sha256.js';

/**
 * Fingerprints are SHA-256 digests that baselines and code scanning remember. A small scan computes them in
 * JavaScript (loading node:crypto costs more than a few dozen hashes), a large one natively: both must give
 * node:crypto's digest for every string, or a baseline would stop matching when a scan grows.
 */
const native = (text: string): string => hash('sha256', text, 'hex');

describe('SHA-256 in JavaScript', () => {
  const samples: Array<[string, string]> = [
    ['empty', ''],
    ['abc', 'abc'],
    ['a fingerprint key', 'AZF-PUB-001|0|plan:fixtures/estate/plan.json#azurerm_container_registry.acr'],
    ['an ARM id', 'AZF-DNS-001|2|arm:/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg/providers/microsoft.network/privateendpoints/pe'],
    ['two-byte UTF-8', 'café-€-ü'],
    ['astral (surrogate pair)', 'registry-😀-𝄞'],
    ['lone high surrogate', 'a\ud800b'],
    ['lone low surrogate', 'a\udc00b'],
    ['high surrogate at the end', 'end\ud83d'],
    ['control characters and NUL', '\u0000\u001b[31m\r\n\t'],
  ];
  for (const [name, text] of samples) it(`gives node:crypto's digest: ${name}`, () => expect(sha256HexInJs(text)).toBe(native(text)));

  it("gives node:crypto's digest at every length around the padding boundaries (0-300 bytes, one and more blocks)", () => {
    for (let length = 0; length <= 300; length++) {
      const text = 'x'.repeat(length);
      expect(sha256HexInJs(text), `length ${length}`).toBe(native(text));
    }
    for (let length = 0; length <= 130; length++) {
      const text = 'é'.repeat(length);
      expect(sha256HexInJs(text), `${length} two-byte characters`).toBe(native(text));
    }
  });

  it("gives node:crypto's digest at every UTF-8 and surrogate boundary", () => {
    const units = [0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfffd, 0xffff];
    for (const a of units) {
      for (const b of [0x41, ...units]) {
        const text = `<${String.fromCharCode(a)}${String.fromCharCode(b)}>`;
        expect(sha256HexInJs(text), `U+${a.toString(16)} U+${b.toString(16)}`).toBe(native(text));
      }
    }
    // A lone low surrogate before a high one, and a high one at the very end: neither pairs with a neighbour.
    for (const text of ['\udc00\ud800', '\udc00\ud800x', 'x\ud800', '\ud800']) expect(sha256HexInJs(text)).toBe(native(text));
  });

  it("gives node:crypto's digest for a text whose length in bits needs more than 24 bits", () => {
    const text = 'k'.repeat(2_100_000);
    expect(sha256HexInJs(text)).toBe(native(text));
  });

  it("gives node:crypto's digest on random strings of any code units", () => {
    let seed = 7;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let n = 0; n < 300; n++) {
      let text = '';
      const length = next() % 200;
      for (let i = 0; i < length; i++) text += String.fromCharCode(next() % 4 === 0 ? next() % 0x10000 : 32 + (next() % 95));
      expect(sha256HexInJs(text)).toBe(native(text));
    }
  });

  it('sha256Hex gives the same digests before and after it switches to node:crypto', () => {
    for (let n = 0; n < 1500; n++) {
      const text = `AZF-PUB-00${n % 9}|${n}|arm:/subscriptions/s/resourcegroups/rg/providers/x/y/name-${n}`;
      expect(sha256Hex(text)).toBe(native(text));
    }
  });
});
