// Seeded test inputs shared by the engine's tests: a failure names a case that can be run again.

import { Buffer } from 'node:buffer';
import type { EngineText } from './engine.js';

/** A small seeded generator (mulberry32). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(next: () => number, list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
export const digits = (next: () => number, n: number): string => Array.from({ length: n }, () => Math.floor(next() * 10)).join('');

/**
 * A text as a whole file's segment whose string is made from its bytes only on demand (EngineText.ascii, or
 * EngineText.utf8), counting how often it is.
 */
export function lazyText(text: string, kind: 'ascii' | 'utf8'): { item: EngineText; reads: () => number } {
  const encoding = kind === 'ascii' ? 'latin1' : 'utf8';
  const bytes = Buffer.from(text, encoding);
  let reads = 0;
  const item: EngineText = {
    get text() {
      reads++;
      return bytes.toString(encoding);
    },
    [kind]: bytes,
  };
  return { item, reads: () => reads };
}

/** What a seeded file is mixed from (see seededFile): line kinds, and how often each comes. */
export interface FileMix {
  prose: readonly string[];
  /** Identifiers, labels and values; only files drawn as dirty get them. */
  phi: readonly (() => string)[];
  /** Shares of lines, each below the next: a long line, an identifier (dirty files), a table line. */
  longShare: number;
  phiShare: number;
  tableShare: number;
  /** Words of a long line, a random three-digit number among them. */
  longWords: readonly string[];
  minChars: number;
  extraChars: number;
  dirtyShare: number;
}

/**
 * Synthetic files of office prose and table lines: most lines hold nothing, table lines hold numbers that need a
 * label, a dirty file has a label far from its value or beside it and now and then an identifier, some files one
 * line too long for a block (cut at spaces, with overlap), and LF or CRLF line ends.
 */
export function seededFile(next: () => number, mix: FileMix): string {
  const table = () => `${digits(next, 4)}  ${digits(next, 3)}.${digits(next, 2)}  ${digits(next, 6)}  ${digits(next, 2)}/${digits(next, 2)}`;
  const lines: string[] = [];
  const target = mix.minChars + Math.floor(next() * mix.extraChars);
  let size = 0;
  const dirty = next() < mix.dirtyShare;
  while (size < target) {
    const roll = next();
    let line: string;
    if (roll < mix.longShare) line = Array.from({ length: 3000 }, () => pick(next, [...mix.longWords, digits(next, 3)])).join(' ');
    else if (dirty && roll < mix.phiShare) line = pick(next, mix.phi)();
    else if (roll < mix.tableShare) line = table();
    else line = pick(next, mix.prose);
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join(next() < 0.5 ? '\n' : '\r\n');
}
