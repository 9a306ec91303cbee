/**
 * SHA-256 of a string's UTF-8 bytes, as lowercase hex: exactly what `crypto.hash('sha256', text)` returns
 * (a lone surrogate is encoded as U+FFFD, as Node encodes it).
 *
 * Why not node:crypto alone: loading it (with the stream modules it pulls in) costs a small scan about 10 ms
 * of its ~60 ms of own work, and a small scan hashes a few dozen fingerprints. So the first hashes are
 * computed here, and node:crypto is loaded only once a scan has enough findings for its native speed to
 * matter. Both give the same digest: fingerprints never depend on which one made them.
 */
export function sha256Hex(text: string): string {
  if (++hashed > NATIVE_AFTER) return (nativeHash ??= process.getBuiltinModule('node:crypto').hash)('sha256', text, 'hex');
  return sha256HexInJs(text);
}

/** The JavaScript half of sha256Hex, on its own for the tests that hold it to node:crypto. */
export function sha256HexInJs(text: string): string {
  return digestHex(utf8(text));
}

/**
 * Past this many hashes a scan loads node:crypto: by then its load time is paid back. Measured (Node 22, a
 * fresh process each, 5 runs, fingerprint-like strings of ~150 characters): 16 hashes here take ~4 ms of CPU,
 * 32 ~9 ms, 64 ~19 ms and 512 ~40 ms (this code is still cold, interpreted or barely compiled, when a scan
 * reaches them), against ~10 ms for loading node:crypto and hashing 64 or 512 natively. The example estate's
 * scans (23 findings) stay below it.
 */
const NATIVE_AFTER = 32;
let hashed = 0;
let nativeHash: typeof import('node:crypto').hash | undefined;

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const W = new Int32Array(64);

/** The UTF-8 bytes of `text`, with room for SHA-256's padding. */
function utf8(text: string): { bytes: Uint8Array; length: number } {
  // At most 3 bytes per UTF-16 code unit, plus the padding (1 + up to 63 + 8).
  const bytes = new Uint8Array(text.length * 3 + 72);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      bytes[n++] = code;
      continue;
    }
    if (code < 0x800) {
      bytes[n++] = 0xc0 | (code >> 6);
      bytes[n++] = 0x80 | (code & 0x3f);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
        bytes[n++] = 0xf0 | (code >> 18);
        bytes[n++] = 0x80 | ((code >> 12) & 0x3f);
        bytes[n++] = 0x80 | ((code >> 6) & 0x3f);
        bytes[n++] = 0x80 | (code & 0x3f);
        continue;
      }
      code = 0xfffd;
    }
    bytes[n++] = 0xe0 | (code >> 12);
    bytes[n++] = 0x80 | ((code >> 6) & 0x3f);
    bytes[n++] = 0x80 | (code & 0x3f);
  }
  return { bytes, length: n };
}

function digestHex({ bytes, length }: { bytes: Uint8Array; length: number }): string {
  const padded = (((length + 8) >> 6) + 1) << 6;
  bytes[length] = 0x80;
  bytes.fill(0, length + 1, padded);
  // The length in bits, big-endian, in the last 8 bytes (a string's bits fit in 53 bits).
  const bits = length * 8;
  const high = Math.floor(bits / 0x100000000);
  for (let i = 0; i < 4; i++) {
    bytes[padded - 8 + i] = (high >>> (24 - 8 * i)) & 0xff;
    bytes[padded - 4 + i] = (bits >>> (24 - 8 * i)) & 0xff;
  }
  let h0 = 0x6a09e667, h1 = 0xbb67ae85 | 0, h2 = 0x3c6ef372, h3 = 0xa54ff53a | 0;
  let h4 = 0x510e527f, h5 = 0x9b05688c | 0, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
  for (let block = 0; block < padded; block += 64) {
    for (let t = 0; t < 16; t++) {
      const at = block + t * 4;
      W[t] = (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
    }
    for (let t = 16; t < 64; t++) {
      const w15 = W[t - 15]!, w2 = W[t - 2]!;
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[t]! + W[t]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  let hex = '';
  for (const word of [h0, h1, h2, h3, h4, h5, h6, h7]) hex += (word >>> 0).toString(16).padStart(8, '0');
  return hex;
}
