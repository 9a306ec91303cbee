/**
 * A list that is kept for the rest of the scan, copied into a backing store of its own length. V8 gives an
 * array its first push (and `filter` its result) room for 17 elements: 152 bytes of store where one member
 * needs 24. Endpoint facts, links and a finding's evidence hold one or two members each, and a 2-million-
 * resource snapshot keeps hundreds of thousands of each until its report is written; `slice` copies into
 * exactly as many slots as there are members (test/units/kept-sizes.test.ts measures it).
 */
export function fitted<T>(list: T[]): T[] {
  return list.slice();
}
