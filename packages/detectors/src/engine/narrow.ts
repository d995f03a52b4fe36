/**
 * Where in a block a pattern can match. The prefilter says which patterns match somewhere in an 8 KiB block;
 * a clinical line then costs every such pattern a pass over the whole block. Asking the prefilter again about
 * groups of whole lines finds the few lines that matter, and each pattern runs over those lines only.
 *
 * That is exact for a line-local pattern: one whose every match lies within one line, save at most the line
 * break before it (`(?:^|[^0-9A-Za-z])…`, `(?:^|[\r\n])PID…`) and the one that ends it (`…(?:[^0-9A-Za-z-]|$)`),
 * and whose `^`, `$` and `\b` cannot match next to a line break that the pattern itself does not take.
 * Then a match in the block is also a match of its line group seen alone (so the group's prefilter entry is
 * set), and the text from the break before the group to the end of the group matches exactly as the block
 * does there. The built-in patterns are line-local (a test checks their sources); a pattern from the
 * operator's configuration is not assumed to be.
 */

export interface NarrowingTuning {
  /** Characters of whole lines asked about at once; larger groups cost fewer calls, smaller ones narrower passes. */
  groupSize: number;
  /** Narrow only when at least this many line-local patterns would otherwise pass over the block. */
  minPatterns: number;
}

/** Settings measured on the benchmark texts; a test sets minPatterns to Infinity to compare with whole blocks. */
export const narrowing: NarrowingTuning = { groupSize: 1024, minPatterns: 2 };

/** Cuts [0, length) after the first line break at or past every groupSize characters: whole lines only. */
export function lineGroups(block: string, groupSize: number): number[] {
  const cuts: number[] = [0];
  let start = 0;
  while (start < block.length) {
    const newline = start + groupSize >= block.length ? -1 : block.indexOf('\n', start + groupSize);
    const end = newline < 0 ? block.length : newline + 1;
    cuts.push(end);
    start = end;
  }
  return cuts;
}

/**
 * The stretches of the block a pattern is searched in: each group whose prefilter entry is set, from the line
 * break before it, with neighbouring groups joined so that a match is never searched for twice.
 */
export class HitRanges {
  readonly #ranges = new Map<number, number[]>();

  add(entry: number, groupStart: number, groupEnd: number): void {
    const from = Math.max(0, groupStart - 1);
    let ranges = this.#ranges.get(entry);
    if (!ranges) {
      ranges = [];
      this.#ranges.set(entry, ranges);
    }
    if (ranges.length > 0 && ranges[ranges.length - 1]! >= from) ranges[ranges.length - 1] = groupEnd;
    else ranges.push(from, groupEnd);
  }

  /** Flat [start, end, start, end, …] in block offsets, ascending; empty when the entry matched in no group. */
  of(entry: number): readonly number[] {
    return this.#ranges.get(entry) ?? [];
  }
}
