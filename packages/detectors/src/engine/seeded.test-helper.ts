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
