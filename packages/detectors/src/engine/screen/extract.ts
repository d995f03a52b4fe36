import { NON_WORD, byteSet, factorFrequency, isWordByte, setFrequency, type ByteSet, type Factor } from './factor.js';
import { keywordGate } from '../compile.js';

/**
 * Required factors of an RE2 source: the classic "required substrings" analysis of regex indexes (each node
 * gets its exact strings when few, the prefixes and suffixes every match starts and ends with, and a set one
 * of which every match contains), over byte-set positions rather than characters. Sound by construction:
 * every step only forgets (shorter strings, wider sets, no answer), so a text where the regex matches always
 * holds one of the factors. What it cannot read plainly it treats as "any string" or gives up on.
 */

// ---------------------------------------------------------------------------------------------------------
// Syntax

/** One code point the test generator can ask a wide node about; undefined where the node cannot say. */
export type Accepts = (codePoint: number) => boolean;

export type PatternNode =
  /** One ASCII character from the set: exactly one byte. */
  | { readonly kind: 'set'; readonly set: ByteSet }
  /** One character that may take more than one byte ('.', a negated class, a non-ASCII literal). */
  | { readonly kind: 'wide'; readonly accepts: Accepts }
  /** Syntax not read: any string, the empty one included. */
  | { readonly kind: 'unknown' }
  | { readonly kind: 'assert'; readonly what: '^' | '$' | 'b' | 'B' }
  | { readonly kind: 'cat'; readonly items: readonly PatternNode[] }
  | { readonly kind: 'alt'; readonly items: readonly PatternNode[] }
  | { readonly kind: 'rep'; readonly item: PatternNode; readonly min: number; readonly max: number };

class GiveUp extends Error {}

const DIGITS: readonly [number, number][] = [[0x30, 0x39]];
const SPACES: readonly [number, number][] = [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]];
const WORDS: readonly [number, number][] = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
const ESCAPED_BYTES: Record<string, number> = { t: 0x09, n: 0x0a, r: 0x0d, f: 0x0c, v: 0x0b, a: 0x07 };
const PERL_CLASSES: Record<string, readonly [number, number][]> = { d: DIGITS, s: SPACES, w: WORDS };

function inRanges(ranges: readonly [number, number][], cp: number): boolean {
  return ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
}

/** The ASCII other case of a letter, for (?i); other code points have none here. */
function otherCase(cp: number): number | undefined {
  if (cp >= 0x41 && cp <= 0x5a) return cp + 0x20;
  if (cp >= 0x61 && cp <= 0x7a) return cp - 0x20;
  return undefined;
}

function asciiSet(ranges: readonly [number, number][], fold: boolean): ByteSet {
  const set = new Uint8Array(256);
  for (const [lo, hi] of ranges) {
    for (let cp = lo; cp <= hi; cp++) {
      set[cp] = 1;
      const other = fold ? otherCase(cp) : undefined;
      if (other !== undefined) set[other] = 1;
    }
  }
  return set;
}

/** A class of members `ranges` (negated or not): one byte when every member is ASCII, else wide. */
function classNode(ranges: readonly [number, number][], negated: boolean, fold: boolean, opaque: boolean): PatternNode {
  if (!negated && !opaque && ranges.every(([, hi]) => hi < 0x80)) return { kind: 'set', set: asciiSet(ranges, fold) };
  const member = (cp: number) => inRanges(ranges, cp) || (fold && otherCase(cp) !== undefined && inRanges(ranges, otherCase(cp)!));
  return { kind: 'wide', accepts: opaque ? () => false : (cp) => member(cp) !== negated };
}

class Parser {
  #i = 0;
  constructor(readonly source: string) {}

  parse(): PatternNode {
    const node = this.#alternation(false);
    if (this.#i < this.source.length) throw new GiveUp();
    return node;
  }

  #peek(offset = 0): string | undefined {
    return this.source[this.#i + offset];
  }

  #alternation(foldIn: boolean): PatternNode {
    const state = { fold: foldIn };
    const alternatives: PatternNode[] = [this.#sequence(state)];
    while (this.#peek() === '|') {
      this.#i++;
      alternatives.push(this.#sequence(state));
    }
    return alternatives.length === 1 ? alternatives[0]! : { kind: 'alt', items: alternatives };
  }

  /** `state.fold` carries a bare `(?i)` on to the rest of the group, later alternatives included, as RE2 does. */
  #sequence(state: { fold: boolean }): PatternNode {
    const items: PatternNode[] = [];
    for (;;) {
      const c = this.#peek();
      if (c === undefined || c === '|' || c === ')') break;
      const flags = this.#flagsOnly();
      if (flags !== undefined) {
        state.fold = flags;
        continue;
      }
      let atom = this.#atom(state.fold);
      atom = this.#quantifiers(atom);
      items.push(atom);
    }
    return items.length === 1 ? items[0]! : { kind: 'cat', items };
  }

  /** `(?i)` / `(?-i)` standing alone: the new case folding; undefined if not at one. */
  #flagsOnly(): boolean | undefined {
    const m = /^\(\?(-?)i\)/.exec(this.source.slice(this.#i, this.#i + 5));
    if (!m) return undefined;
    this.#i += m[0].length;
    return m[1] !== '-';
  }

  #quantifiers(atom: PatternNode): PatternNode {
    for (;;) {
      const c = this.#peek();
      let min: number;
      let max: number;
      if (c === '*') [min, max] = [0, Infinity];
      else if (c === '+') [min, max] = [1, Infinity];
      else if (c === '?') [min, max] = [0, 1];
      else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.#i, this.#i + 16));
        if (!m) return atom; // RE2 reads a '{' that opens no repetition as a literal
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        if (max < min) throw new GiveUp();
        this.#i += m[0].length - 1;
      } else return atom;
      this.#i++;
      if (this.#peek() === '?') this.#i++; // lazy: the same strings
      atom = { kind: 'rep', item: atom, min, max };
    }
  }

  #atom(fold: boolean): PatternNode {
    const c = this.#peek()!;
    if (c === '(') return this.#group(fold);
    if (c === '[') return this.#class(fold);
    if (c === '\\') return this.#escape(fold);
    this.#i++;
    if (c === '.') return { kind: 'wide', accepts: (cp) => cp !== 0x0a };
    if (c === '^' || c === '$') return { kind: 'assert', what: c };
    if (c === '*' || c === '+' || c === '?') throw new GiveUp();
    return this.#literal(c, fold);
  }

  #literal(c: string, fold: boolean): PatternNode {
    const cp = c.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdbff) {
      this.#i++; // the second half of a surrogate pair
      const full = this.source.codePointAt(this.#i - 2)!;
      return { kind: 'wide', accepts: (x) => x === full };
    }
    if (cp >= 0x80) return { kind: 'wide', accepts: (x) => x === cp };
    return { kind: 'set', set: asciiSet([[cp, cp]], fold) };
  }

  #group(fold: boolean): PatternNode {
    this.#i++;
    const rest = this.source.slice(this.#i, this.#i + 64);
    let inner = fold;
    if (rest.startsWith('?')) {
      const named = /^\?P?<[A-Za-z0-9_]+>/.exec(rest);
      const flagged = /^\?(-?)i:/.exec(rest);
      if (rest.startsWith('?:')) this.#i += 2;
      else if (named) this.#i += named[0].length;
      else if (flagged) {
        this.#i += flagged[0].length;
        inner = flagged[1] !== '-';
      } else throw new GiveUp(); // other flags (m, s, U) or syntax not read
    }
    const node = this.#alternation(inner);
    if (this.#peek() !== ')') throw new GiveUp();
    this.#i++;
    return node;
  }

  /** Skips the argument of \p / \x: `{...}` or a fixed count of characters. */
  #skipArgument(count: number): void {
    if (this.#peek() === '{') {
      const close = this.source.indexOf('}', this.#i);
      if (close < 0) throw new GiveUp();
      this.#i = close + 1;
    } else this.#i += count;
  }

  /** At a backslash: a Perl class, or one character (`single`) as a control escape or escaped punctuation; opaque for syntax skipped. */
  #escapeMember(): { ranges?: readonly [number, number][]; opaque?: true; negated?: true; single?: number } {
    const c = this.#peek(1);
    this.#i += 2;
    if (c === undefined) throw new GiveUp();
    const perl = PERL_CLASSES[c.toLowerCase()];
    if (perl) return c === c.toLowerCase() ? { ranges: perl } : { ranges: perl, negated: true };
    const escaped = ESCAPED_BYTES[c];
    if (escaped !== undefined) return { ranges: [[escaped, escaped]], single: escaped };
    if (c === 'p' || c === 'P') {
      this.#skipArgument(1);
      return { opaque: true };
    }
    if (c === 'x') {
      this.#skipArgument(2);
      return { opaque: true };
    }
    if (c >= '0' && c <= '7') {
      while (this.#peek() !== undefined && this.#peek()! >= '0' && this.#peek()! <= '7') this.#i++;
      return { opaque: true };
    }
    const cp = c.codePointAt(0)!;
    if (cp < 0x80 && !/[A-Za-z0-9_]/.test(c)) return { ranges: [[cp, cp]], single: cp };
    throw new GiveUp();
  }

  #escape(fold: boolean): PatternNode {
    const c = this.#peek(1);
    if (c === 'b' || c === 'B') {
      this.#i += 2;
      return { kind: 'assert', what: c };
    }
    if (c === 'A' || c === 'z') {
      this.#i += 2;
      return { kind: 'assert', what: c === 'A' ? '^' : '$' };
    }
    if (c === 'C') {
      this.#i += 2;
      return { kind: 'unknown' };
    }
    if (c === 'Q') {
      const end = this.source.indexOf('\\E', this.#i + 2);
      this.#i = end < 0 ? this.source.length : end + 2;
      return { kind: 'unknown' };
    }
    const member = this.#escapeMember();
    if (member.opaque) return { kind: 'unknown' };
    return classNode(member.ranges!, member.negated === true, fold, false);
  }

  #class(fold: boolean): PatternNode {
    this.#i++;
    let negated = false;
    if (this.#peek() === '^') {
      negated = true;
      this.#i++;
    }
    const ranges: [number, number][] = [];
    let opaque = false;
    let first = true;
    for (;;) {
      const c = this.#peek();
      if (c === undefined) throw new GiveUp();
      if (c === ']' && !first) break;
      first = false;
      if (c === '[' && this.#peek(1) === ':') {
        const close = this.source.indexOf(':]', this.#i + 2);
        if (close < 0) throw new GiveUp();
        this.#i = close + 2;
        opaque = true;
        continue;
      }
      const lo = this.#classChar();
      if (lo === 'opaque') {
        opaque = true;
        continue;
      }
      if (Array.isArray(lo)) {
        ranges.push(...lo);
        continue;
      }
      if (this.#peek() === '-' && this.#peek(1) !== ']' && this.#peek(1) !== undefined) {
        this.#i++;
        const hi = this.#classChar();
        if (typeof hi !== 'number' || hi < lo) throw new GiveUp();
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    }
    this.#i++;
    return classNode(ranges, negated, fold, opaque);
  }

  /** One class member: a code point, the ranges of a Perl class, or 'opaque' (negated Perl classes, \p, \x). */
  #classChar(): number | [number, number][] | 'opaque' {
    const c = this.#peek()!;
    if (c === '\\') {
      const member = this.#escapeMember();
      if (member.opaque || member.negated) return 'opaque';
      return member.single ?? [...member.ranges!];
    }
    const cp = this.source.codePointAt(this.#i)!;
    this.#i += cp > 0xffff ? 2 : 1;
    return cp;
  }
}

/** The syntax tree of an RE2 source as read here, or undefined for syntax not read. */
export function parsePattern(source: string): PatternNode | undefined {
  try {
    return new Parser(source).parse();
  } catch (error) {
    if (error instanceof GiveUp || error instanceof RangeError) return undefined;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Strings of positions

/** A position of a sequence: a byte set, or BOUND, a `\b` between its neighbours. Interned: same set, same object. */
interface Pos {
  readonly id: number;
  readonly set: ByteSet;
  readonly frequency: number;
  /** Which side of `\b` its bytes are on: all word bytes, none, or some of each. */
  readonly side: 'word' | 'nonword' | 'mixed';
}

type Seq = readonly Pos[];

const MAX_LENGTH = 8; // positions of a factor, context included: what the finder takes
const MAX_SET = 32;
const MAX_CROSS = 1024;

const interned = new Map<string, Pos>();
const BOUND: Pos = { id: 0, set: new Uint8Array(256), frequency: 1, side: 'mixed' };
const WORD_SET = byteSet(Array.from({ length: 256 }, (_, b) => b).filter(isWordByte));

function pos(set: ByteSet): Pos {
  const key = Buffer.from(set).toString('latin1');
  let found = interned.get(key);
  if (!found) {
    // Ids are the code units of seqKey's keys: past that many sets, no answer rather than a wrong one.
    if (interned.size >= 0xfff0) throw new GiveUp();
    let word = 0;
    let other = 0;
    for (let b = 0; b < 256; b++) if (set[b]) isWordByte(b) ? word++ : other++;
    const side = other === 0 ? 'word' : word === 0 ? 'nonword' : 'mixed';
    found = { id: interned.size + 1, set, frequency: setFrequency(set), side };
    interned.set(key, found);
  }
  return found;
}

const NON_WORD_POS = pos(NON_WORD);

function combine(a: ByteSet, b: ByteSet, op: (x: number, y: number) => number): ByteSet {
  const out = new Uint8Array(256);
  for (let i = 0; i < 256; i++) out[i] = op(a[i]!, b[i]!);
  return out;
}
const unions = new Map<number, Pos>();
function union(a: Pos, b: Pos): Pos {
  if (a === b) return a;
  const key = Math.min(a.id, b.id) * 0x100000 + Math.max(a.id, b.id);
  let found = unions.get(key);
  if (!found) unions.set(key, (found = pos(combine(a.set, b.set, (x, y) => x | y))));
  return found;
}
const intersect = (a: ByteSet, b: ByteSet) => combine(a, b, (x, y) => x & y);
const isEmptySet = (s: ByteSet) => !s.some((x) => x === 1);

/**
 * A `\b` between two positions keeps only the byte pairs on opposite sides of it; null when none is left,
 * that is when no text can hold the sequence.
 */
const acrossBounds = new Map<number, [Pos, Pos] | null>();
function acrossBound(x: Pos, y: Pos): [Pos, Pos] | null {
  const key = x.id * 0x100000 + y.id;
  let found = acrossBounds.get(key);
  if (found === undefined) acrossBounds.set(key, (found = narrowAcrossBound(x, y)));
  return found;
}

function narrowAcrossBound(x: Pos, y: Pos): [Pos, Pos] | null {
  const xw = intersect(x.set, WORD_SET);
  const xn = intersect(x.set, NON_WORD);
  const yw = intersect(y.set, WORD_SET);
  const yn = intersect(y.set, NON_WORD);
  const none = new Uint8Array(256);
  const nx = combine(isEmptySet(yn) ? none : xw, isEmptySet(yw) ? none : xn, (a, b) => a | b);
  const ny = combine(isEmptySet(xw) ? none : yn, isEmptySet(xn) ? none : yw, (a, b) => a | b);
  if (isEmptySet(nx) || isEmptySet(ny)) return null;
  return [pos(nx), pos(ny)];
}

/** Joins two sequences: BOUNDs inside the result narrow their neighbours and go; null if it cannot occur. */
function join(a: Seq, b: Seq): Seq | null {
  const out: Pos[] = [...a];
  for (const p of b) {
    const last = out[out.length - 1];
    if (p === BOUND && last === BOUND) continue;
    if (last === BOUND && out.length >= 2 && p !== BOUND) {
      const narrowed = acrossBound(out[out.length - 2]!, p);
      if (!narrowed) return null;
      out.length -= 2;
      out.push(narrowed[0], narrowed[1]);
    } else out.push(p);
  }
  return out;
}

const positionsOf = (s: Seq) => s.reduce((n, p) => n + (p === BOUND ? 0 : 1), 0);
const leadContext = (s: Seq) => s[0] === BOUND && s.length > 1 && s[1]!.side === 'word';
const trailContext = (s: Seq) => s[s.length - 1] === BOUND && s.length > 1 && s[s.length - 2]!.side === 'word';

const seqCosts = new WeakMap<Seq, number>();
const pairCosts = new Map<number, number>();

/**
 * factor.ts's chance for `cur` right after `prev`: its model goes position by position, each given the one
 * before, so the product of these over a sequence is its factorFrequency(), at a fraction of the work.
 */
function afterCost(prev: Pos, cur: Pos): number {
  const key = prev.id * 0x100000 + cur.id;
  let cost = pairCosts.get(key);
  if (cost === undefined) pairCosts.set(key, (cost = factorFrequency({ bytes: [prev.set, cur.set], lead: 0, trail: 0 }) / prev.frequency));
  return cost;
}

/** The modelled frequency (factor.ts) of the factor the sequence gives; 1 for one without a position. */
function seqCost(s: Seq): number {
  if (positionsOf(s) === 0) return 1;
  let cost = seqCosts.get(s);
  if (cost === undefined) {
    const positions = s.filter((p) => p !== BOUND);
    if (leadContext(s)) positions.unshift(NON_WORD_POS);
    if (trailContext(s)) positions.push(NON_WORD_POS);
    cost = positions[0]!.frequency;
    for (let k = 1; k < positions.length; k++) cost *= afterCost(positions[k - 1]!, positions[k]!);
    seqCosts.set(s, cost);
  }
  return cost;
}

const setCosts = new WeakMap<readonly Seq[], number>();

/** Infinity for a set that says nothing (it holds a sequence without positions). */
function setCost(seqs: readonly Seq[]): number {
  let sum = setCosts.get(seqs);
  if (sum !== undefined) return sum;
  sum = 0;
  for (const s of seqs) {
    if (positionsOf(s) === 0) {
      sum = Infinity;
      break;
    }
    sum += seqCost(s);
  }
  setCosts.set(seqs, sum);
  return sum;
}

/** Ids as UTF-16 code units: cheap keys for maps (interned sets number far fewer than 0xffff). */
const seqKey = (s: Seq) => String.fromCharCode(...s.map((p) => p.id));

function dedupe(seqs: readonly Seq[]): Seq[] {
  const seen = new Map<string, Seq>();
  for (const s of seqs) seen.set(seqKey(s), s);
  return [...seen.values()];
}

/** Merges sequences equal but at one position into one with the union there, until few enough or no more. */
function mergeNeighbours(input: readonly Seq[]): Seq[] {
  let seqs = dedupe(input);
  // Two rounds over the positions do most of what merging can; more cost more than they gain.
  for (let round = 0, changed = true; changed && round < 2 && seqs.length > MAX_SET; round++) {
    changed = false;
    const longest = Math.max(...seqs.map((s) => s.length));
    for (let at = longest - 1; at >= 0 && seqs.length > MAX_SET; at--) {
      const groups = new Map<string, Seq[]>();
      for (const s of seqs) {
        const key = s.length <= at || s[at] === BOUND ? `=${seqKey(s)}` : String.fromCharCode(...s.map((p, k) => (k === at ? 0xffff : p.id)));
        const group = groups.get(key);
        if (group) group.push(s);
        else groups.set(key, [s]);
      }
      if (groups.size === seqs.length) continue;
      seqs = [...groups.values()].map((group) => group.reduce((m, s) => m.map((p, k) => (k === at ? union(p, s[k]!) : p))));
      changed = true;
    }
  }
  return seqs;
}

/** One sequence per shape (length, BOUNDs at either end) with the union of the sets at each position. */
function mergeColumns(seqs: readonly Seq[]): Seq[] {
  const groups = new Map<string, Seq>();
  for (const s of seqs) {
    const key = s.map((p) => (p === BOUND ? 'B' : '.')).join('');
    const had = groups.get(key);
    groups.set(key, had ? had.map((p, k) => (p === BOUND ? p : union(p, s[k]!))) : s);
  }
  return [...groups.values()];
}

type Mode = 'exact' | 'prefix' | 'suffix' | 'factor';

/** The cheapest window of at most MAX_LENGTH positions of a factor: any substring of a factor is one too. */
function clip(s: Seq, mode: Mode): Seq | undefined {
  if (s.length <= MAX_LENGTH) return s;
  if (mode === 'exact') return undefined;
  if (mode === 'prefix') return s.slice(0, MAX_LENGTH);
  if (mode === 'suffix') return s.slice(s.length - MAX_LENGTH);
  let best = s.slice(0, MAX_LENGTH);
  for (let at = 1; at + MAX_LENGTH <= s.length; at++) {
    const window = s.slice(at, at + MAX_LENGTH);
    if (seqCost(window) < seqCost(best)) best = window;
  }
  return best;
}

/**
 * Bounds a set of sequences to MAX_SET, keeping its meaning for the mode: an exact set may only widen
 * (undefined when that is not enough), a prefix set may also shorten at the end, a suffix set at the start.
 */
function bound(input: readonly Seq[], mode: Mode): Seq[] | undefined {
  if (input.length <= 1) return input.length === 1 && positionsOf(input[0]!) === 0 && mode !== 'exact' ? [[]] : [...input];
  if (input.some((s) => positionsOf(s) === 0) && mode !== 'exact') return [[]];
  let seqs = mergeNeighbours(input);
  if (seqs.length <= MAX_SET) return seqs;
  if (mode === 'exact') return undefined;
  const candidates: Seq[][] = [mergeColumns(seqs)];
  if (mode !== 'factor') {
    for (let length = MAX_LENGTH - 1; length >= 1; length--) {
      seqs = dedupe(seqs.map((s) => (s.length <= length ? s : mode === 'prefix' ? s.slice(0, length) : s.slice(s.length - length))));
      if (seqs.length > 4 * MAX_SET) continue; // merging would not bring it under: shorten first
      seqs = mergeNeighbours(seqs);
      if (seqs.length <= MAX_SET) {
        candidates.push(seqs);
        break;
      }
    }
  }
  return candidates.filter((c) => c.length <= MAX_SET).reduce((a, b) => (setCost(b) < setCost(a) ? b : a), [[]] as Seq[]);
}

function cross(a: readonly Seq[], b: readonly Seq[], mode: Mode): Seq[] | undefined {
  // Merging rarely brings an exact set of many times MAX_SET back under it: not worth the crossing.
  if (a.length * b.length > (mode === 'exact' ? 4 * MAX_SET : MAX_CROSS)) return undefined;
  const out: Seq[] = [];
  for (const x of a) {
    for (const y of b) {
      const joined = join(x, y);
      if (!joined) continue;
      const clipped = clip(joined, mode);
      if (!clipped) return undefined;
      out.push(clipped);
    }
  }
  return bound(out, mode);
}

// ---------------------------------------------------------------------------------------------------------
// What each node says

interface Info {
  /** Whether the node can match the empty string. */
  readonly empty: boolean;
  /** Every match is one of these (or undefined: too many to say). Where set, prefix, suffix and factor are too. */
  readonly exact: readonly Seq[] | undefined;
  readonly prefix: readonly Seq[];
  readonly suffix: readonly Seq[];
  /** Every match contains one of these. */
  readonly factor: readonly Seq[];
}

const NOTHING_KNOWN: readonly Seq[] = [[]];

function exactInfo(exact: readonly Seq[], empty: boolean): Info {
  return { empty, exact, prefix: exact, suffix: exact, factor: exact };
}

const EMPTY_INFO = exactInfo([[]], true);
const UNKNOWN_INFO: Info = { empty: true, exact: undefined, prefix: NOTHING_KNOWN, suffix: NOTHING_KNOWN, factor: NOTHING_KNOWN };
const WIDE_INFO: Info = { ...UNKNOWN_INFO, empty: false };

function cheapest(sets: readonly (readonly Seq[] | undefined)[]): readonly Seq[] {
  let best: readonly Seq[] = NOTHING_KNOWN;
  let bestCost = Infinity;
  for (const s of sets) {
    if (!s) continue;
    const cost = setCost(s);
    if (cost < bestCost) [best, bestCost] = [s, cost];
  }
  return best;
}

const bestOf = (info: Info) => cheapest([info.factor, info.prefix, info.suffix, info.exact]);

function concat(a: Info, b: Info): Info {
  const empty = a.empty && b.empty;
  const exact = a.exact && b.exact ? cross(a.exact, b.exact, 'exact') : undefined;
  if (exact) return exactInfo(exact, empty);
  const prefix = a.exact ? (cross(a.exact, b.prefix, 'prefix') ?? bound(a.exact, 'prefix')!) : a.prefix;
  const suffix = b.exact ? (cross(a.suffix, b.exact, 'suffix') ?? bound(b.exact, 'suffix')!) : b.suffix;
  const factor = cheapest([bestOf(a), bestOf(b), cross(a.suffix, b.prefix, 'factor'), prefix, suffix]);
  return { empty, exact: undefined, prefix, suffix, factor };
}

function alternate(infos: readonly Info[]): Info {
  const empty = infos.some((i) => i.empty);
  const exact = infos.every((i) => i.exact) ? bound(infos.flatMap((i) => i.exact!), 'exact') : undefined;
  if (exact) return exactInfo(exact, empty);
  return {
    empty,
    exact: undefined,
    prefix: bound(infos.flatMap((i) => i.prefix), 'prefix')!,
    suffix: bound(infos.flatMap((i) => i.suffix), 'suffix')!,
    factor: bound(infos.flatMap(bestOf), 'factor')!,
  };
}

/**
 * A repetition is spelled out (x{1,4} as x|xx|xxx|xxxx) while it is short and takes few counts; beyond, only
 * its first and last copies are known. Each count spelled out costs a round of crossing sets.
 */
const SPELLED_COUNTS = 4;

function repeat(item: Info, min: number, max: number): Info {
  if (max === 0) return EMPTY_INFO;
  const spelled = max <= MAX_LENGTH && max - min < SPELLED_COUNTS;
  const upTo = spelled ? max : Math.min(min, MAX_LENGTH);
  const powers: Info[] = [EMPTY_INFO];
  for (let k = 1; k <= upTo; k++) powers.push(concat(powers[k - 1]!, item));
  if (spelled) return alternate(powers.slice(min, max + 1));
  if (min === 0) return UNKNOWN_INFO;
  const copies = powers[upTo]!;
  return {
    empty: item.empty,
    exact: undefined,
    prefix: copies.exact ?? copies.prefix,
    suffix: copies.exact ?? copies.suffix,
    factor: bestOf(copies),
  };
}

function analyze(node: PatternNode): Info {
  switch (node.kind) {
    case 'set':
      return exactInfo([[pos(node.set)]], false);
    case 'wide':
      return WIDE_INFO;
    case 'unknown':
      return UNKNOWN_INFO;
    case 'assert':
      return node.what === 'b' ? exactInfo([[BOUND]], true) : EMPTY_INFO;
    case 'cat':
      return node.items.map(analyze).reduce(concat, EMPTY_INFO);
    case 'alt':
      return alternate(node.items.map(analyze));
    case 'rep':
      return repeat(analyze(node.item), node.min, node.max);
  }
}

function toFactor(s: Seq): Factor {
  const lead = leadContext(s) ? 1 : 0;
  const trail = trailContext(s) ? 1 : 0;
  const bytes = s.filter((p) => p !== BOUND).map((p) => p.set);
  return { bytes: [...(lead ? [NON_WORD] : []), ...bytes, ...(trail ? [NON_WORD] : [])], lead, trail };
}

/**
 * Factors one of which every match of `new RE2(source)` contains (see factor.ts for the context rule), or
 * undefined when the source can match the empty string, holds syntax not read here, or nothing is known.
 */
export function requiredFactors(source: string): Factor[] | undefined {
  // Every engine asks again for the same built-in sources; the analysis costs ~0.2 s of CPU cold.
  if (!answers.has(source)) answers.set(source, analyzeSource(source));
  return answers.get(source);
}

const answers = new Map<string, Factor[] | undefined>();

function analyzeSource(source: string): Factor[] | undefined {
  const node = parsePattern(source);
  if (!node) return undefined;
  let info: Info;
  try {
    info = analyze(node);
  } catch (error) {
    // RangeError: nesting deeper than the stack.
    if (error instanceof GiveUp || error instanceof RangeError) return undefined;
    throw error;
  }
  if (info.empty) return undefined;
  const best = bestOf(info);
  if (setCost(best) === Infinity || best.length === 0) return undefined;
  return best.map(toFactor);
}

/** The factors of a detector's keyword gate (compile.ts), whose `\b`s give short keywords their context. */
export function keywordFactors(keywords: readonly string[]): Factor[] | undefined {
  return keywords.length === 0 ? undefined : requiredFactors(keywordGate(keywords));
}

// ---------------------------------------------------------------------------------------------------------
// Reference matcher

/** Whether the factor occurs at offset `at` of bytes[from, to): context positions outside the range count as met. */
export function factorOccursAt(factor: Factor, bytes: Uint8Array, from: number, to: number, at: number): boolean {
  const n = factor.bytes.length;
  for (let k = 0; k < n; k++) {
    const p = at + k;
    const context = (k === 0 && factor.lead === 1) || (k === n - 1 && factor.trail === 1);
    if (p < from || p >= to) {
      if (!context) return false;
    } else if (factor.bytes[k]![bytes[p]!] !== 1) return false;
  }
  return true;
}

/** Whether some factor occurs in bytes[from, to), by the rule of factorOccursAt. */
export function anyFactorOccurs(factors: readonly Factor[], bytes: Uint8Array, from: number, to: number): boolean {
  return factors.some((f) => {
    for (let at = from - f.lead; at + f.bytes.length <= to + f.trail; at++) if (factorOccursAt(f, bytes, from, to, at)) return true;
    return false;
  });
}
