import { BYTE_FREQUENCY, type ByteSet, type Factor } from './factor.js';
import { TEDDY_WASM_BASE64 } from './teddy-wasm.js';

/**
 * Finds which factors (see factor.ts) occur in a stretch of text, at a fraction of RE2's ~2 ns a byte: a
 * WebAssembly SIMD pass (teddy.wat) reports where some bucket of factors may start, judged on a window of up
 * to 3 bytes of each factor by nibble tables, and only those places are checked here against whole factors.
 * Plain JS byte loops read 2.2-2.7 ns a byte, no faster than RE2, hence the WebAssembly.
 */

// Memory layout; keep in step with teddy.wat.
const TABLES = 0;
const TABLE_SET_BYTES = 96;
const OUT_POINTER = 224;
const CANDIDATES = 256;
/** Room for 512 candidates: small enough that a bucket whose factors have all been found stops being scanned soon. */
const CANDIDATES_END = CANDIDATES + 512 * 8;
const INPUT = CANDIDATES_END;
/** A scan reads up to 18 bytes past the range's end. */
const SLACK = 32;
const PAGE = 65536;

const WINDOW = 3;
const ANY = 0xffff;

type Scan = (p: number, end: number, out: number, outEnd: number) => number;

interface Planned {
  readonly id: number;
  readonly bytes: readonly ByteSet[];
  readonly lead: number;
  /** Index of the first trailing context position: bytes.length - trail. */
  readonly coreEnd: number;
  /** Position in the factor of the window's first byte. */
  readonly window: number;
  /** Per window position, which low and high nibbles its bytes have, as 16-bit masks (ANY past a short window). */
  readonly lo: readonly number[];
  readonly hi: readonly number[];
}

let sharedModule: WebAssembly.Module | undefined;

function wasmBytes(): Uint8Array<ArrayBuffer> {
  const base64 = Buffer.from(TEDDY_WASM_BASE64, 'base64');
  const bytes = new Uint8Array(base64.length);
  bytes.set(base64);
  return bytes;
}

/**
 * The compiled scan module, or undefined when this runtime's WebAssembly lacks SIMD (the module then fails to
 * validate). `validate` stands in for WebAssembly.validate in tests.
 */
export function teddyModule(validate?: (bytes: Uint8Array<ArrayBuffer>) => boolean): WebAssembly.Module | undefined {
  if (sharedModule && validate === undefined) return sharedModule;
  const bytes = wasmBytes();
  let valid: boolean;
  try {
    valid = typeof WebAssembly === 'object' && (validate ?? ((b) => WebAssembly.validate(b)))(bytes);
  } catch {
    valid = false;
  }
  if (!valid) return undefined;
  sharedModule ??= new WebAssembly.Module(bytes);
  return sharedModule;
}

function nibbleMasks(set: ByteSet): [lo: number, hi: number] {
  let lo = 0;
  let hi = 0;
  for (let b = 0; b < 256; b++) {
    if (set[b]) {
      lo |= 1 << (b & 15);
      hi |= 1 << (b >> 4);
    }
  }
  return [lo, hi];
}

/** The modelled chance that a byte of text passes a position's nibble tables: every low/high pairing counts. */
function nibbleFrequency(lo: number, hi: number): number {
  if (lo === ANY && hi === ANY) return 1;
  let p = 0;
  for (let h = 0; h < 16; h++) {
    if (!(hi & (1 << h))) continue;
    for (let l = 0; l < 16; l++) if (lo & (1 << l)) p += BYTE_FREQUENCY[(h << 4) | l]!;
  }
  return Math.min(1, p);
}

/** The window of up to 3 matched (not context) positions that the nibble tables pass least often. */
function plan(factor: Factor, id: number): Planned | undefined {
  const coreEnd = factor.bytes.length - factor.trail;
  const coreLength = coreEnd - factor.lead;
  if (coreLength <= 0) return undefined;
  const length = Math.min(WINDOW, coreLength);
  const masks = factor.bytes.map(nibbleMasks);
  let best: Planned | undefined;
  let bestFrequency = Infinity;
  for (let start = factor.lead; start + length <= coreEnd; start++) {
    const lo: number[] = [];
    const hi: number[] = [];
    let frequency = 1;
    for (let k = 0; k < WINDOW; k++) {
      const [l, h] = k < length ? masks[start + k]! : [ANY, ANY];
      lo.push(l);
      hi.push(h);
      frequency *= nibbleFrequency(l, h);
    }
    if (frequency < bestFrequency) {
      bestFrequency = frequency;
      best = { id, bytes: factor.bytes, lead: factor.lead, coreEnd, window: start, lo, hi };
    }
  }
  return best;
}

interface Bucket {
  lo: number[];
  hi: number[];
  members: Planned[];
}

function bucketCost(lo: readonly number[], hi: readonly number[], members: number): number {
  let p = members;
  for (let k = 0; k < WINDOW; k++) p *= nibbleFrequency(lo[k]!, hi[k]!);
  return p;
}

/**
 * Groups factors so that the expected verifications per byte (a bucket's table pass rate times its size) stay
 * low: most often-passing windows first, each into the bucket it adds least to.
 */
function group(planned: readonly Planned[], buckets: number): Bucket[] {
  const result: Bucket[] = Array.from({ length: buckets }, () => ({ lo: [0, 0, 0], hi: [0, 0, 0], members: [] }));
  const order = planned
    .map((f) => ({ f, frequency: bucketCost(f.lo, f.hi, 1) }))
    .sort((a, b) => b.frequency - a.frequency);
  for (const { f } of order) {
    let best = result[0]!;
    let bestIncrease = Infinity;
    for (const bucket of result) {
      const lo = bucket.lo.map((m, k) => m | f.lo[k]!);
      const hi = bucket.hi.map((m, k) => m | f.hi[k]!);
      const increase = bucketCost(lo, hi, bucket.members.length + 1) - bucketCost(bucket.lo, bucket.hi, bucket.members.length);
      if (increase < bestIncrease) {
        bestIncrease = increase;
        best = bucket;
      }
    }
    best.members.push(f);
    for (let k = 0; k < WINDOW; k++) {
      best.lo[k]! |= f.lo[k]!;
      best.hi[k]! |= f.hi[k]!;
    }
  }
  return result;
}

export class FactorFinder {
  readonly #memory: WebAssembly.Memory;
  readonly #scan: Scan;
  readonly #buckets: readonly (readonly Planned[])[];
  /** Factors without a matched position: they occur everywhere (all their positions can lie outside a range). */
  readonly #everywhere: readonly number[];
  /** The tables with every factor in: restored at the start of each find(). */
  readonly #tables: Uint8Array;
  readonly #found: Uint8Array;
  #bytes: Uint8Array;
  #candidates: Int32Array;
  #length = 0;

  private constructor(memory: WebAssembly.Memory, scan: Scan, buckets: Bucket[], everywhere: number[], factorCount: number) {
    this.#memory = memory;
    this.#scan = scan;
    this.#buckets = buckets.map((b) => b.members);
    this.#everywhere = everywhere;
    this.#found = new Uint8Array(factorCount);
    this.#tables = new Uint8Array(2 * TABLE_SET_BYTES);
    buckets.forEach((bucket, index) => writeBucket(this.#tables, index, bucket.lo, bucket.hi));
    this.#bytes = new Uint8Array(memory.buffer);
    this.#candidates = new Int32Array(memory.buffer);
  }

  /** Undefined when WebAssembly SIMD is not available (the engine then keeps RE2 only). */
  static create(factors: readonly Factor[], validate?: (bytes: Uint8Array<ArrayBuffer>) => boolean): FactorFinder | undefined {
    const module = teddyModule(validate);
    if (!module) return undefined;
    const planned: Planned[] = [];
    const everywhere: number[] = [];
    factors.forEach((factor, id) => {
      const p = plan(factor, id);
      if (p) planned.push(p);
      else everywhere.push(id);
    });
    // Eight buckets scan in about half the time of sixteen; with few factors the other eight would stay empty.
    const wide = planned.length > 8;
    const memory = new WebAssembly.Memory({ initial: Math.ceil((INPUT + SLACK) / PAGE) });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const scan = (wide ? instance.exports['scan16'] : instance.exports['scan8']) as Scan;
    return new FactorFinder(memory, scan, group(planned, wide ? 16 : 8), everywhere, factors.length);
  }

  /** A Buffer over the finder's own memory with room for `length` bytes, to write a text's UTF-8 into (no copy). Valid until the next input() call. */
  input(length: number): Buffer {
    const needed = INPUT + length + SLACK;
    if (needed > this.#memory.buffer.byteLength) {
      this.#memory.grow(Math.ceil((needed - this.#memory.buffer.byteLength) / PAGE));
      this.#bytes = new Uint8Array(this.#memory.buffer);
      this.#candidates = new Int32Array(this.#memory.buffer);
    }
    this.#length = length;
    return Buffer.from(this.#memory.buffer, INPUT, length);
  }

  /** Ids (indices into the factors given) of the factors that occur in input bytes [from, to), ascending, each once. */
  find(from: number, to: number): readonly number[] {
    if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= this.#length)) {
      throw new RangeError(`find(${from}, ${to}) outside the input's ${this.#length} bytes`);
    }
    const ids = [...this.#everywhere];
    if (from < to) this.#findInRange(from, to, ids);
    for (const id of ids) this.#found[id] = 0;
    return ids.sort((a, b) => a - b);
  }

  #findInRange(from: number, to: number, ids: number[]): void {
    const bytes = this.#bytes;
    const buckets = this.#buckets;
    const found = this.#found;
    bytes.set(this.#tables, TABLES);
    let live = 0;
    buckets.forEach((members, b) => {
      if (members.length > 0) live |= 1 << b;
    });
    const end = INPUT + to;
    let p = INPUT + from;
    while (p < end && live !== 0) {
      p = this.#scan(p, end, CANDIDATES, CANDIDATES_END);
      const written = this.#candidates[OUT_POINTER >> 2]!;
      let changed = 0;
      for (let c = CANDIDATES >> 2; c < written >> 2; c += 2) {
        const start = this.#candidates[c]! - INPUT;
        let mask = this.#candidates[c + 1]! & live;
        while (mask !== 0) {
          const b = 31 - Math.clz32(mask & -mask);
          mask &= mask - 1;
          for (const f of buckets[b]!) {
            if (found[f.id] === 0 && occursAt(bytes, f, start - f.window, from, to)) {
              found[f.id] = 1;
              ids.push(f.id);
              changed |= 1 << b;
            }
          }
        }
      }
      if (changed !== 0) live = this.#narrow(changed, live);
    }
  }

  /** Takes found factors out of the tables of the buckets that changed, so their windows stop being reported. */
  #narrow(changed: number, live: number): number {
    for (let b = 0; b < this.#buckets.length; b++) {
      if (!(changed & (1 << b))) continue;
      const lo = [0, 0, 0];
      const hi = [0, 0, 0];
      for (const f of this.#buckets[b]!) {
        if (this.#found[f.id] === 1) continue;
        for (let k = 0; k < WINDOW; k++) {
          lo[k]! |= f.lo[k]!;
          hi[k]! |= f.hi[k]!;
        }
      }
      if (lo[0] === 0) live &= ~(1 << b);
      writeBucket(this.#bytes, b, lo, hi);
    }
    return live;
  }
}

/** Sets bucket `index`'s bit in the nibble tables at offset 0 of `tables` (the memory, or the saved copy). */
function writeBucket(tables: Uint8Array, index: number, lo: readonly number[], hi: readonly number[]): void {
  const base = TABLES + (index >> 3) * TABLE_SET_BYTES;
  const bit = 1 << (index & 7);
  for (let k = 0; k < WINDOW; k++) {
    for (let n = 0; n < 16; n++) {
      const at = base + k * 32 + n;
      tables[at] = lo[k]! & (1 << n) ? tables[at]! | bit : tables[at]! & ~bit;
      tables[at + 16] = hi[k]! & (1 << n) ? tables[at + 16]! | bit : tables[at + 16]! & ~bit;
    }
  }
}

/** Whether the factor occurs at `start` in bytes [from, to) of the input (see factor.ts for context positions). */
function occursAt(bytes: Uint8Array, f: Planned, start: number, from: number, to: number): boolean {
  const sets = f.bytes;
  for (let k = 0; k < sets.length; k++) {
    const at = start + k;
    if (at < from || at >= to) {
      if (k >= f.lead && k < f.coreEnd) return false;
    } else if (sets[k]![bytes[INPUT + at]!] !== 1) return false;
  }
  return true;
}
