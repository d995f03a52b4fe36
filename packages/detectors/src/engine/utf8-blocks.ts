import { isAscii } from 'node:buffer';

type Blocks = [start: number, end: number][];

/** A text's blocks twice: as UTF-16 offsets into the text, and as the same blocks' offsets into its UTF-8 bytes. */
export interface Utf8Blocks {
  chars: Blocks;
  bytes: Blocks;
}

/** UTF-16 units in a run of valid UTF-8: one per character, two for one of four bytes. */
function unitsIn(bytes: Uint8Array, from: number, to: number): number {
  if (isAscii(bytes.subarray(from, to))) return to - from;
  let units = 0;
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    if ((b & 0xc0) !== 0x80) units += b >= 0xf0 ? 2 : 1;
  }
  return units;
}

/**
 * Where the text's next `units` UTF-16 units from `from` (a character's start) end in the bytes, and how many
 * units that is: `units`, one more where the last is a four-byte character's first surrogate (the offset is then
 * the character's end), fewer at the end of the bytes.
 */
function advance(bytes: Uint8Array, from: number, units: number): { at: number; units: number } {
  const end = Math.min(bytes.length, from + units);
  if (isAscii(bytes.subarray(from, end))) return { at: end, units: end - from };
  let seen = 0;
  let i = from;
  while (i < bytes.length && seen < units) {
    const b = bytes[i]!;
    if ((b & 0xc0) !== 0x80) seen += b >= 0xf0 ? 2 : 1;
    i++;
  }
  while (i < bytes.length && (bytes[i]! & 0xc0) === 0x80) i++;
  return { at: i, units: seen };
}

/**
 * The cuts blocksOf() makes in the text that valid UTF-8 `bytes` decode to, found in the bytes: each block's
 * bytes are then exactly its text's UTF-8, so the prefilter's answer about either is the same, without the
 * text being decoded. Undefined when a cut would fall inside a line too long for its block (blocksOf then
 * cuts at a space with an overlap): the caller decodes instead. Each block's bytes are walked about once: to
 * its second half, then to its line feed, which is near.
 */
export function utf8BlocksOf(bytes: Uint8Array, blockSize: number): Utf8Blocks | undefined {
  const chars: Blocks = [];
  const byteBlocks: Blocks = [];
  let start = 0;
  let byteStart = 0;
  for (;;) {
    const restBytes = bytes.length - byteStart;
    if (restBytes === 0) break;
    // The text's rest is at least a third of its bytes: counted only when it may be short enough to end here.
    const rest = restBytes > 3 * 2 * blockSize ? Infinity : unitsIn(bytes, byteStart, bytes.length);
    if (rest <= 2 * blockSize) {
      chars.push([start, start + rest]);
      byteBlocks.push([byteStart, bytes.length]);
      break;
    }
    // blocksOf: the first line feed in the block's second BLOCK_SIZE characters ends it. A character split by
    // the window's start is a surrogate pair, never a line feed, so starting past it finds the same one.
    const half = advance(bytes, byteStart, blockSize);
    const newline = bytes.indexOf(0x0a, half.at);
    if (newline < 0) return undefined;
    const before = half.units + unitsIn(bytes, half.at, newline);
    if (before >= 2 * blockSize) return undefined;
    const byteEnd = newline + 1;
    const end = start + before + 1;
    chars.push([start, end]);
    byteBlocks.push([byteStart, byteEnd]);
    start = end;
    byteStart = byteEnd;
  }
  return { chars, bytes: byteBlocks };
}
