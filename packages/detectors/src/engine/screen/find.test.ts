import { describe, expect, it } from 'vitest';
import { NON_WORD, byteSet, type ByteSet, type Factor } from './factor.js';
import { FactorFinder } from './find.js';
import { TEDDY_WASM_BASE64 } from './teddy-wasm.js';
// @ts-expect-error: a plain .mjs script without types
import { assembleTeddy } from '../../../../../scripts/build-teddy-wasm.mjs';

function seeded(seed: number): (n: number) => number {
  let state = seed >>> 0 || 1;
  return (n) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
}

/** The plain definition of factor.ts: every position met, context outside [from, to) counting as met. */
function occursAt(bytes: Uint8Array, f: Factor, p: number, from: number, to: number): boolean {
  for (let k = 0; k < f.bytes.length; k++) {
    const at = p + k;
    const context = k < f.lead || k >= f.bytes.length - f.trail;
    if (at < from || at >= to) {
      if (!context) return false;
    } else if (f.bytes[k]![bytes[at]!] !== 1) return false;
  }
  return true;
}

function reference(bytes: Uint8Array, factors: readonly Factor[], from: number, to: number): number[] {
  const ids: number[] = [];
  factors.forEach((f, id) => {
    for (let p = from - f.bytes.length; p <= to; p++) {
      if (occursAt(bytes, f, p, from, to)) {
        ids.push(id);
        return;
      }
    }
  });
  return ids;
}

const code = (s: string) => s.charCodeAt(0);
const range = (a: string, b: string) => Array.from({ length: code(b) - code(a) + 1 }, (_, k) => code(a) + k);
const DIGITS = byteSet(range('0', '9'));
const NON_ASCII = [0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xc5, 0xbf];

function randomSet(rand: (n: number) => number): ByteSet {
  const kind = rand(10);
  if (kind < 3) return DIGITS;
  if (kind < 6) {
    const letter = code('a') + rand(26);
    return byteSet([letter, letter - 32]);
  }
  if (kind < 8) return byteSet([' -./:@#0123456789abcdefgABCXYZ'.charCodeAt(rand(30))]);
  if (kind < 9) return byteSet(Array.from({ length: 1 + rand(40) }, () => rand(256)));
  return byteSet([NON_ASCII[rand(NON_ASCII.length)]!]);
}

function randomFactor(rand: (n: number) => number): Factor {
  const length = 1 + rand(8);
  const lead = length > 1 && rand(4) === 0 ? 1 : 0;
  const trail = length - lead > 1 && rand(4) === 0 ? 1 : 0;
  const bytes = Array.from({ length }, (_, k) => (k < lead || k >= length - trail ? NON_WORD : randomSet(rand)));
  return { bytes, lead, trail };
}

/** Bytes that the factor's positions take, one member of each set. */
function instance(f: Factor, rand: (n: number) => number): number[] {
  return f.bytes.map((set) => {
    const members = Array.from({ length: 256 }, (_, b) => b).filter((b) => set[b] === 1);
    return members[rand(members.length)]!;
  });
}

const WORDS = ['the', 'patient', 'Record', 'of', 'MRN', 'visit', 'dose', 'note', 'and', 'caf\u00e9', '\u20ac12', 'x'];

function randomText(rand: (n: number) => number, length: number): Uint8Array {
  const parts: string[] = [];
  let size = 0;
  while (size < length) {
    const kind = rand(6);
    const part =
      kind < 3 ? WORDS[rand(WORDS.length)]! : kind === 3 ? String(rand(1_000_000)) : kind === 4 ? ' .,;:-/()\n@#'[rand(12)]! : ' ';
    parts.push(part);
    size += Buffer.byteLength(part);
  }
  return new Uint8Array(Buffer.from(parts.join('')).subarray(0, length));
}

function check(finder: FactorFinder, factors: readonly Factor[], text: Uint8Array, from: number, to: number): void {
  const input = finder.input(text.length);
  input.set(text);
  expect(finder.find(from, to), `[${from}, ${to}) of ${text.length}`).toEqual(reference(text, factors, from, to));
}

describe('FactorFinder', () => {
  it('finds exactly the factors that occur, on seeded random factors, texts and ranges', () => {
    const rand = seeded(20261202);
    for (let round = 0; round < 120; round++) {
      const count = round % 3 === 0 ? 1 + rand(8) : round % 3 === 1 ? 9 + rand(40) : 60 + rand(100);
      const factors = Array.from({ length: count }, () => randomFactor(rand));
      // Patterns share factors: equal ones are looked for once and must all be reported.
      if (round % 2 === 0) factors.push(factors[rand(count)]!, { ...factors[rand(count)]! });
      const finder = FactorFinder.create(factors)!;
      expect(finder).toBeDefined();
      for (let t = 0; t < 12; t++) {
        const length = rand(4) === 0 ? rand(20) : rand(3000);
        const text = randomText(rand, length);
        const from = rand(length + 1);
        const to = from + rand(length - from + 1);
        // Factors planted at the range's edges and across them.
        for (let k = 0; k < 4; k++) {
          const f = factors[rand(count)]!;
          const bytes = instance(f, rand);
          const at = [from, to - bytes.length, from - 1 - rand(3), to - bytes.length + 1 + rand(3)][k]! ;
          bytes.forEach((b, i) => {
            if (at + i >= 0 && at + i < length) text[at + i] = b;
          });
        }
        check(finder, factors, text, from, to);
        for (let r = 0; r < 4; r++) {
          const a = rand(length + 1);
          check(finder, factors, text, a, Math.min(length, a + rand(40)));
        }
        check(finder, factors, text, 0, length);
        check(finder, factors, text, from, from);
      }
    }
  });

  it('keeps every candidate when they overflow the candidate area', () => {
    // '111[23]' is represented by '111' (the rarer window), which passes at every offset of a text of '1's: the
    // candidate area fills every 32 blocks.
    const one = byteSet([code('1')]);
    const text = new Uint8Array(200_003).fill(code('1'));
    const factors: Factor[] = [{ bytes: [one, one, one, byteSet([code('2'), code('3')])], lead: 0, trail: 0 }];
    for (let k = 0; k < 40; k++) {
      const letter = code('A') + (k % 26);
      factors.push({ bytes: [one, byteSet([letter]), byteSet([code('a') + Math.floor(k / 26)])], lead: 0, trail: 0 });
      text.set([letter, code('a') + Math.floor(k / 26)], 4_999 * (k + 1) + (k % 16));
    }
    const finder = FactorFinder.create(factors)!;
    check(finder, factors, text, 0, text.length);
    expect(finder.find(0, text.length)).toHaveLength(40);
    check(finder, factors, text, 100_001, text.length);
    check(finder, factors, text, 199_999, text.length);
  });

  it('finds digits between non-word bytes where the range ends count as them', () => {
    const factors: Factor[] = [{ bytes: [NON_WORD, DIGITS, NON_WORD], lead: 1, trail: 1 }];
    const finder = FactorFinder.create(factors)!;
    const text = new Uint8Array(Buffer.from('ab7cd 8e'));
    check(finder, factors, text, 2, 3);
    check(finder, factors, text, 1, 3);
    check(finder, factors, text, 5, 7);
    check(finder, factors, text, 6, 7);
  });

  it('counts a factor of context positions only as occurring everywhere', () => {
    const factors: Factor[] = [{ bytes: [NON_WORD], lead: 1, trail: 0 }, { bytes: [byteSet([code('@')])], lead: 0, trail: 0 }];
    const finder = FactorFinder.create(factors)!;
    check(finder, factors, new Uint8Array(Buffer.from('ab@c')), 0, 4);
    check(finder, factors, new Uint8Array(Buffer.from('abc')), 1, 1);
  });

  it('grows its memory for a larger input, and a smaller one after still works', () => {
    const rand = seeded(7);
    const factors = Array.from({ length: 100 }, () => randomFactor(rand));
    const finder = FactorFinder.create(factors)!;
    for (const length of [100, 300_000, 2_000_000, 50]) {
      const text = randomText(rand, length);
      check(finder, factors, text, 0, length);
      check(finder, factors, text, length >> 1, length);
    }
  });

  it('rejects a range outside the input', () => {
    const finder = FactorFinder.create([{ bytes: [DIGITS], lead: 0, trail: 0 }])!;
    finder.input(10);
    expect(() => finder.find(0, 11)).toThrow(RangeError);
    expect(() => finder.find(5, 4)).toThrow(RangeError);
  });

  it('is undefined when WebAssembly SIMD does not validate', () => {
    const factors: Factor[] = [{ bytes: [DIGITS], lead: 0, trail: 0 }];
    expect(FactorFinder.create(factors, () => false)).toBeUndefined();
    expect(
      FactorFinder.create(factors, () => {
        throw new Error('no WebAssembly');
      }),
    ).toBeUndefined();
    expect(FactorFinder.create(factors, () => true)).toBeDefined();
  });

  it('ships the module teddy.wat assembles to (run scripts/build-teddy-wasm.mjs after editing it)', async () => {
    expect(await assembleTeddy()).toBe(TEDDY_WASM_BASE64);
  });
});
