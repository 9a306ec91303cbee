import { canonicalArmType } from '../../model/arm-types.js';

// Strings that many snapshot rows repeat, held once: each row read by JSON.parse has its own copy of each.

/**
 * The last value of each repeated column, handed out again for an equal one. JSON.parse gives every row its
 * own copy of every string; one comparison with the previous row's value (no hashing) lets the rows of a
 * run share one copy instead of each holding its own until the rules have run.
 */
export class PreviousValues {
  private readonly last = new Map<string, string>();

  same(column: string, value: string): string {
    const last = this.last.get(column);
    if (last === value) return last;
    this.last.set(column, value);
    return value;
  }
}

/**
 * The canonical casing of each type as written in the snapshot, found once per distinct spelling: a
 * snapshot holds a few dozen types over its rows, and canonicalArmType lower-cases its argument (a new
 * string per row) to look it up. Rows of one type then share one type string, where a type the catalog
 * does not know kept each row's own copy.
 */
export class ArmTypes {
  private readonly canonical = new Map<string, string>();

  of(type: string): string {
    let armType = this.canonical.get(type);
    if (armType === undefined) this.canonical.set(type, (armType = canonicalArmType(type)));
    return armType;
  }
}
