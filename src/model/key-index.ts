
/**
 * Values by a string key compared case-insensitively (`toLowerCase`), without holding the lower-cased key:
 * a Map keyed by it keeps one ~165-character string per snapshot resource (the resource computes its key
 * from its id when asked, src/model/resource.ts). Buckets are keyed by a hash of the lower-cased key
 * instead, and a lookup compares the few values in its bucket with what it looks for. Values must not be
 * arrays (a bucket of several is one).
 *
 * The hash is seeded per process: inputs are written by whoever opens the pull request, and a fixed hash
 * would let them fill one bucket on purpose and make every lookup walk it.
 */
export class KeyIndex<T> {
  private count = 0;
  /**
   * The key hashed last and its hash: a reader asks whether an id is held and then adds it, and the hash of
   * a ~165-character id was worked out twice. Compared by content, so a key equal to it reuses it too.
   */
  private lastKey: string | undefined;
  private lastHash = 0;

  /**
   * `keyOf`: the key of a value up to case (a resource's id, where its key is the id lower-cased), read
   * again for each comparison rather than held. `hash`: hashLowerCased; tests pass one that puts every key in one bucket.
   */
  constructor(
    private readonly keyOf: (value: T) => string,
    private readonly hash: (text: string) => number = hashLowerCased,
    private readonly buckets = new Map<number, T | T[]>(),
  ) {}

  get size(): number {
    return this.count;
  }

  /**
   * The same entries under another `keyOf` (the values' keys must be the same): an index built while
   * reading passes to the inventory without hashing every key again. This index must not be used after.
   */
  rekeyed(keyOf: (value: T) => string): KeyIndex<T> {
    const index = new KeyIndex<T>(keyOf, this.hash, this.buckets);
    index.count = this.count;
    return index;
  }

  private hashOf(key: string): number {
    if (key === this.lastKey) return this.lastHash;
    this.lastKey = key;
    return (this.lastHash = this.hash(key));
  }

  /** Adds a value under its key; it replaces one already held under the same key. */
  set(value: T): void {
    const key = this.keyOf(value);
    const hash = this.hashOf(key);
    const held = this.buckets.get(hash);
    if (held === undefined) {
      this.buckets.set(hash, value);
      this.count++;
    } else if (!Array.isArray(held)) {
      if (sameKey(this.keyOf(held as T), key)) this.buckets.set(hash, value);
      else {
        this.buckets.set(hash, [held as T, value]);
        this.count++;
      }
    } else {
      const at = held.findIndex((other) => sameKey(this.keyOf(other), key));
      if (at === -1) {
        held.push(value);
        this.count++;
      } else held[at] = value;
    }
  }

  /** The value whose key is `key` once both are lower-cased. */
  get(key: string): T | undefined {
    const held = this.buckets.get(this.hashOf(key));
    if (held === undefined) return undefined;
    if (!Array.isArray(held)) return sameKey(this.keyOf(held as T), key) ? (held as T) : undefined;
    return held.find((other) => sameKey(this.keyOf(other), key));
  }
}

const SEED = (Math.random() * 0x100000000) >>> 0;

/**
 * A hash of `text.toLowerCase()`, 30 bits (a small integer to V8, so the Map holds no number objects).
 * ASCII is folded in the loop with no new string; text with other characters is lower-cased first, since
 * their lower case can change the string's length or depend on the letters around them.
 */
export function hashLowerCased(text: string): number {
  let hash = SEED;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0x80) return hashOf(text.toLowerCase());
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  return finish(hash);
}

/** The same hash of a string already lower-cased (toLowerCase leaves no ASCII capital in any string). */
function hashOf(lower: string): number {
  let hash = SEED;
  for (let i = 0; i < lower.length; i++) hash = Math.imul(hash ^ lower.charCodeAt(i), 0x01000193);
  return finish(hash);
}

function finish(hash: number): number {
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  hash ^= hash >>> 13;
  return hash & 0x3fffffff;
}

/** Whether `a.toLowerCase() === b.toLowerCase()`, without making either string when both are ASCII. */
export function sameKey(a: string, b: string): boolean {
  if (a === b) return true;
  const shorter = Math.min(a.length, b.length);
  for (let i = 0; i < shorter; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 0x80 || y >= 0x80) return a.toLowerCase() === b.toLowerCase();
    if (x === y) continue;
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    // Everything before is ASCII, whose lower case keeps each character in its place: a difference here is one there.
    if (x !== y) return false;
  }
  // The shorter string is all ASCII, so its lower case is as long as it; the longer one's is at least as long
  // as the longer (lower-casing never drops a character).
  return a.length === b.length;
}
