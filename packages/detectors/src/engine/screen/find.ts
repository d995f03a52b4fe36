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
/** Per window position a 32-entry table of low 5 bits and a 16-entry one of high nibbles, for 8 buckets. */
const TABLE_SET_BYTES = 144;
const MAX_SETS = 4;
const FACTORS_PER_SET = 24;
const OUT_POINTER = 640;
const CANDIDATES = 1024;
/** Room for 512 candidates: small enough that a bucket whose factors have all been found stops being scanned soon. */
const CANDIDATES_END = CANDIDATES + 512 * 8;
const INPUT = CANDIDATES_END;
/** A scan reads up to 18 bytes past the range's end. */
const SLACK = 32;
const PAGE = 65536;

const WINDOW = 3;
/** Tables that pass every byte: positions past a short window. */
const ANY_LOW = -1;
const ANY_HIGH = 0xffff;

type Scan = (p: number, end: number, out: number, outEnd: number, sets: number) => number;

interface Planned {
  readonly id: number;
  readonly bytes: readonly ByteSet[];
  readonly lead: number;
  /** Index of the first trailing context position: bytes.length - trail. */
  readonly coreEnd: number;
  /** Position in the factor of the window's first byte. */
  readonly window: number;
  readonly windowLength: number;
  /** The bucket's bit in a candidate's mask; set when grouped. */
  bit: number;
  /** Ids of factors equal to this one, found with it. */
  readonly also: number[];
  /** Per window position, which low 5 bits (32-bit mask) and high nibbles (16-bit mask) its bytes have. */
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
      lo |= 1 << (b & 31);
      hi |= 1 << (b >> 4);
    }
  }
  return [lo, hi];
}

/** The bytes the frequency model gives more than its floor: the others add too little to change a choice. */
const MODELLED_BYTES = Array.from({ length: 256 }, (_, b) => b).filter((b) => BYTE_FREQUENCY[b]! > 0.0001);
const passMemo = new Map<number, number>();

/** The modelled chance that a byte of text passes a position's tables: every low/high pairing counts. */
function nibbleFrequency(lo: number, hi: number): number {
  if (lo === ANY_LOW && hi === ANY_HIGH) return 1;
  const key = (lo >>> 0) * 65536 + hi;
  let p = passMemo.get(key);
  if (p === undefined) {
    p = 0;
    for (const b of MODELLED_BYTES) if (lo & (1 << (b & 31)) && hi & (1 << (b >> 4))) p += BYTE_FREQUENCY[b]!;
    p = Math.min(1, p);
    if (passMemo.size > 100_000) passMemo.clear();
    passMemo.set(key, p);
  }
  return p;
}

/** Whether a position's tables pass most digits: figures come in runs, so a digit after one is no rare event. */
function digitish(lo: number, hi: number): boolean {
  return (hi & (1 << 3)) !== 0 && bitCount((lo >>> 16) & 0x3ff) >= 8;
}

function bitCount(x: number): number {
  let n = 0;
  for (; x !== 0; x &= x - 1) n++;
  return n;
}

/**
 * The modelled chance that a window's tables pass at an offset. The byte model is per byte; in text a digit
 * follows a digit about half the time (0.03 in the model), so windows of figures are costed as the runs they are.
 */
function windowFrequency(lo: readonly number[], hi: readonly number[]): number {
  let p = 1;
  for (let k = 0; k < WINDOW; k++) {
    const f = nibbleFrequency(lo[k]!, hi[k]!);
    p *= k > 0 && digitish(lo[k]!, hi[k]!) && digitish(lo[k - 1]!, hi[k - 1]!) ? Math.max(f, 0.5) : f;
  }
  return p;
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
    for (let k = 0; k < WINDOW; k++) {
      const [l, h] = k < length ? masks[start + k]! : [ANY_LOW, ANY_HIGH];
      lo.push(l);
      hi.push(h);
    }
    const frequency = windowFrequency(lo, hi);
    if (frequency < bestFrequency) {
      bestFrequency = frequency;
      best = { id, bytes: factor.bytes, lead: factor.lead, coreEnd, window: start, windowLength: length, bit: 0, also: [], lo, hi };
    }
  }
  return best;
}

interface Bucket {
  lo: number[];
  hi: number[];
  members: Planned[];
  cost: number;
}

function bucketCost(lo: readonly number[], hi: readonly number[], members: number): number {
  return members * windowFrequency(lo, hi);
}

/**
 * Groups factors so that the expected verifications per byte (a bucket's table pass rate times its size) stay
 * low: most often-passing windows first, each into the bucket it adds least to.
 */
function group(planned: readonly Planned[], buckets: number): Bucket[] {
  const result: Bucket[] = Array.from({ length: buckets }, () => ({ lo: [0, 0, 0], hi: [0, 0, 0], members: [], cost: 0 }));
  const order = planned
    .map((f) => ({ f, frequency: bucketCost(f.lo, f.hi, 1) }))
    .sort((a, b) => b.frequency - a.frequency);
  for (const { f } of order) {
    let best = result[0]!;
    let bestIncrease = Infinity;
    for (const bucket of result) {
      const lo = bucket.lo.map((m, k) => m | f.lo[k]!);
      const hi = bucket.hi.map((m, k) => m | f.hi[k]!);
      const increase = bucketCost(lo, hi, bucket.members.length + 1) - bucket.cost;
      if (increase < bestIncrease) {
        bestIncrease = increase;
        best = bucket;
      }
    }
    best.members.push(f);
    f.bit = 1 << result.indexOf(best);
    for (let k = 0; k < WINDOW; k++) {
      best.lo[k]! |= f.lo[k]!;
      best.hi[k]! |= f.hi[k]!;
    }
    best.cost = bucketCost(best.lo, best.hi, best.members.length);
  }
  return result;
}

export class FactorFinder {
  readonly #memory: WebAssembly.Memory;
  readonly #scan: Scan;
  /** How many sets of 8 buckets the tables hold. */
  readonly #sets: number;
  readonly #buckets: readonly (readonly Planned[])[];
  /** Factors without a matched position: they occur everywhere (all their positions can lie outside a range). */
  readonly #everywhere: readonly number[];
  /** The tables with every factor in: restored at the start of each find(). */
  readonly #tables: Uint8Array;
  readonly #found: Uint8Array;
  /** The bits of the buckets that hold factors. */
  readonly #occupied: number;
  /**
   * The factors to verify at a candidate, by its first two bytes (a window of 1 byte under every second
   * byte), and those whose first two sets are too large to list that way, checked at every candidate of their bucket.
   */
  readonly #byPair: (Planned[] | undefined)[] = Array.from({ length: 65536 }, () => undefined);
  readonly #wide: Planned[] = [];
  #bytes: Uint8Array;
  #candidates: Int32Array;
  #length = 0;

  private constructor(memory: WebAssembly.Memory, scan: Scan, sets: number, buckets: Bucket[], everywhere: number[], factorCount: number) {
    this.#memory = memory;
    this.#scan = scan;
    this.#sets = sets;
    this.#buckets = buckets.map((b) => b.members);
    this.#everywhere = everywhere;
    this.#found = new Uint8Array(factorCount);
    this.#tables = new Uint8Array(this.#sets * TABLE_SET_BYTES);
    buckets.forEach((bucket, index) => writeBucket(this.#tables, index, bucket.lo, bucket.hi));
    for (const f of buckets.flatMap((b) => b.members)) this.#index(f);
    this.#occupied = buckets.reduce((bits, b, index) => (b.members.length > 0 ? bits | (1 << index) : bits), 0);
    this.#bytes = new Uint8Array(memory.buffer);
    this.#candidates = new Int32Array(memory.buffer);
  }

  /** Undefined when WebAssembly SIMD is not available (the engine then keeps RE2 only). */
  static create(factors: readonly Factor[], validate?: (bytes: Uint8Array<ArrayBuffer>) => boolean): FactorFinder | undefined {
    const module = teddyModule(validate);
    if (!module) return undefined;
    const planned: Planned[] = [];
    const everywhere: number[] = [];
    // The patterns share many factors (the same digit runs, the same words): each is looked for once.
    const byValue = new Map<string, Planned>();
    factors.forEach((factor, id) => {
      const value = `${factor.lead}${factor.trail}${factor.bytes.map((set) => members(set).join()).join(';')}`;
      const same = byValue.get(value);
      if (same) return void same.also.push(id);
      const p = plan(factor, id);
      if (!p) return void everywhere.push(id);
      planned.push(p);
      byValue.set(value, p);
    });
    // Eight buckets scan in about half the time of sixteen; with few factors the other eight would stay empty.
    // Each set of 8 buckets costs about as much scanning as the first; more buckets pass less often each.
    const sets = Math.min(MAX_SETS, Math.ceil(planned.length / FACTORS_PER_SET)) || 1;
    const memory = new WebAssembly.Memory({ initial: Math.ceil((INPUT + SLACK) / PAGE) });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return new FactorFinder(memory, instance.exports['scan'] as Scan, sets, group(planned, sets * 8), everywhere, factors.length);
  }

  #index(f: Planned): void {
    const first = members(f.bytes[f.window]!);
    const second = f.windowLength === 1 ? ALL_BYTES : members(f.bytes[f.window + 1]!);
    if (first.length * second.length > 4096) {
      this.#wide.push(f);
      return;
    }
    for (const a of first) for (const b of second) (this.#byPair[(a << 8) | b] ??= []).push(f);
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
    bytes.set(this.#tables, TABLES);
    let live = this.#occupied;
    const end = INPUT + to;
    let p = INPUT + from;
    while (p < end && live !== 0) {
      p = this.#scan(p, end, CANDIDATES, CANDIDATES_END, this.#sets);
      const written = this.#candidates[OUT_POINTER >> 2]!;
      let changed = 0;
      for (let c = CANDIDATES >> 2; c < written >> 2; c += 2) {
        const mask = this.#candidates[c + 1]! & live;
        if (mask === 0) continue;
        const start = this.#candidates[c]! - INPUT;
        const list = this.#byPair[(bytes[INPUT + start]! << 8) | bytes[INPUT + start + 1]!];
        if (list !== undefined) changed |= this.#verify(list, mask, start, from, to, ids);
        if (this.#wide.length > 0) changed |= this.#verify(this.#wide, mask, start, from, to, ids);
      }
      if (changed !== 0) live = this.#narrow(changed, live);
    }
  }

  /** Checks the factors of `list` in the candidate's buckets at window start `start`; the buckets of those found. */
  #verify(list: readonly Planned[], mask: number, start: number, from: number, to: number, ids: number[]): number {
    const found = this.#found;
    let changed = 0;
    for (let i = 0; i < list.length; i++) {
      const f = list[i]!;
      // The index matched the window's first two bytes; its third, often its rarest, rules most out at once.
      if ((f.bit & mask) === 0 || found[f.id] !== 0) continue;
      if (f.windowLength === 3 && f.bytes[f.window + 2]![this.#bytes[INPUT + start + 2]!] !== 1) continue;
      if (occursAt(this.#bytes, f, start - f.window, from, to)) {
        found[f.id] = 1;
        ids.push(f.id, ...f.also);
        changed |= f.bit;
      }
    }
    return changed;
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

const ALL_BYTES = Array.from({ length: 256 }, (_, b) => b);

function members(set: ByteSet): number[] {
  const list: number[] = [];
  for (let b = 0; b < 256; b++) if (set[b] === 1) list.push(b);
  return list;
}

/** Sets bucket `index`'s bit in the nibble tables at offset 0 of `tables` (the memory, or the saved copy). */
function writeBucket(tables: Uint8Array, index: number, lo: readonly number[], hi: readonly number[]): void {
  const base = TABLES + (index >> 3) * TABLE_SET_BYTES;
  const bit = 1 << (index & 7);
  for (let k = 0; k < WINDOW; k++) {
    const at = base + k * 48;
    for (let n = 0; n < 32; n++) tables[at + n] = lo[k]! & (1 << n) ? tables[at + n]! | bit : tables[at + n]! & ~bit;
    for (let n = 0; n < 16; n++) tables[at + 32 + n] = hi[k]! & (1 << n) ? tables[at + 32 + n]! | bit : tables[at + 32 + n]! & ~bit;
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
