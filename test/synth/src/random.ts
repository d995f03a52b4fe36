/**
 * A seeded PRNG small enough to read in one sitting. Fixtures, the example share and benchmarks all derive
 * from it, so the same seed must give the same stream on every machine and Node version: only 32-bit
 * integer arithmetic (Math.imul, >>>) is used, never Math.random or the platform's float quirks.
 */

export type Seed = number | string;

/** FNV-1a, so that readable string seeds ('example-share') map to stable 32-bit states. */
export function seedToState(seed: Seed): number {
  if (typeof seed === 'number') return seed >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Random {
  private state: number;

  constructor(seed: Seed) {
    this.state = seedToState(seed);
  }

  /** mulberry32: one 32-bit word of state, passes the statistical tests that matter for test data. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** In [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Inclusive on both ends, because ranges in the domain (area 001–665, years 1930–2020) are stated that way. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`bad range ${min}..${max}`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Fisher–Yates on a copy: callers often shuffle shared constant tables. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    return this.shuffle(items).slice(0, count);
  }

  /** A digit string of fixed width; leading zeros kept, which identifiers need. */
  digits(width: number): string {
    let s = '';
    for (let i = 0; i < width; i++) s += String(this.int(0, 9));
    return s;
  }

  /** An independent stream, so adding draws to one generator does not shift every later file. */
  fork(label: string): Random {
    return new Random(seedToState(`${this.nextUint32()}:${label}`));
  }
}
