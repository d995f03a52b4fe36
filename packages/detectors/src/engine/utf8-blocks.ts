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
 * The byte offset `units` UTF-16 units after `from` (a character's start), or the end. Where that falls inside a
 * four-byte character (between its two surrogates) it is the character's end: used only to bound a search
 * for a line feed, which is never part of one.
 */
function advance(bytes: Uint8Array, from: number, units: number): number {
  const end = Math.min(bytes.length, from + units);
  if (isAscii(bytes.subarray(from, end))) return end;
  let seen = 0;
  let i = from;
  while (i < bytes.length && seen < units) {
    const b = bytes[i]!;
    if ((b & 0xc0) !== 0x80) seen += b >= 0xf0 ? 2 : 1;
    i++;
  }
  while (i < bytes.length && (bytes[i]! & 0xc0) === 0x80) i++;
  return i;
}

/**
 * The cuts blocksOf() makes in the text that valid UTF-8 `bytes` decode to, found in the bytes: each block's
 * bytes are then exactly its text's UTF-8, so the prefilter's answer about either is the same, without the
 * text being decoded. Undefined when a cut would fall inside a line too long for its block (blocksOf then
 * cuts at a space with an overlap): the caller decodes instead.
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
    // blocksOf: the first line feed in the block's second BLOCK_SIZE characters ends it.
    const from = advance(bytes, byteStart, blockSize);
    const to = advance(bytes, from, blockSize);
    const newline = bytes.indexOf(0x0a, from);
    if (newline < 0 || newline >= to) return undefined;
    const byteEnd = newline + 1;
    const end = start + unitsIn(bytes, byteStart, byteEnd);
    chars.push([start, end]);
    byteBlocks.push([byteStart, byteEnd]);
    start = end;
    byteStart = byteEnd;
  }
  return { chars, bytes: byteBlocks };
}
