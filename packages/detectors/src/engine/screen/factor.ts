/**
 * Factors: short byte patterns that every match of a regex contains. RE2's DFA reads ~2 ns a byte whatever
 * the set holds, most of a large text's detection cost; a text that holds none of the factors of any pattern
 * that could be due is passed over without asking RE2 at all (see screen.ts).
 *
 * Positions are bytes of the UTF-8 the prefilter reads, one regex character each: a factor never spans a
 * character that can take more than one byte ('.', a negated class, a case-folded 's' or 'k', which RE2 also
 * matches as U+017F and U+212A; see FOLD_HAZARDS).
 */

/** Which of the 256 byte values a position takes: 1 for a member. */
export type ByteSet = Uint8Array;

export interface Factor {
  /** One set per position, in order. */
  readonly bytes: readonly ByteSet[];
  /**
   * How many leading (0 or 1) and trailing (0 or 1) positions are context, not part of the match: the byte a
   * `\b` needs beside a word byte. The text start and end meet a `\b` too, so a context position outside the
   * range searched counts as met; every other position must lie inside it.
   */
  readonly lead: 0 | 1;
  readonly trail: 0 | 1;
}

/**
 * The UTF-8 of the non-ASCII characters RE2's case folding gives ASCII letters: `(?i)s` also matches U+017F
 * (long s) and `(?i)k` U+212A (Kelvin sign). Factors fold case in ASCII only, so a text holding either
 * cannot be passed over on its factors. A test checks every code point for other such folds.
 */
export const FOLD_HAZARDS: readonly (readonly number[])[] = [
  [0xc5, 0xbf],
  [0xe2, 0x84, 0xaa],
];

export function byteSet(members: Iterable<number>): ByteSet {
  const set = new Uint8Array(256);
  for (const b of members) set[b] = 1;
  return set;
}

export function isWordByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;
}

/** The bytes `\b` needs beside a word byte: anything not in [0-9A-Za-z_], including every byte of a non-ASCII character. */
export const NON_WORD: ByteSet = byteSet(Array.from({ length: 256 }, (_, b) => b).filter((b) => !isWordByte(b)));

/**
 * How often a byte occurs in the text a share holds (English prose, figures, some markup), per byte: a rough
 * model, good enough to choose the rarer of two factors. Letters follow English letter frequencies.
 */
const LETTER_SHARE: Record<string, number> = {
  e: 12.7, t: 9.1, a: 8.2, o: 7.5, i: 7.0, n: 6.7, s: 6.3, h: 6.1, r: 6.0, d: 4.3, l: 4.0, c: 2.8, u: 2.8, m: 2.4, w: 2.4,
  f: 2.2, g: 2.0, y: 2.0, p: 1.9, b: 1.5, v: 1.0, k: 0.8, j: 0.15, x: 0.15, q: 0.1, z: 0.07,
};

function frequencyTable(): Float64Array {
  const table = new Float64Array(256).fill(0.00002);
  // Of 100 bytes of such text: ~16 spaces, ~68 letters (~4 of them capitals), ~3 digits, ~2 line breaks, the rest punctuation.
  for (const [letter, share] of Object.entries(LETTER_SHARE)) {
    table[letter.charCodeAt(0)] = (share / 100) * 0.64;
    table[letter.toUpperCase().charCodeAt(0)] = (share / 100) * 0.04;
  }
  table[0x20] = 0.16;
  table[0x0a] = 0.015;
  table[0x0d] = 0.005;
  table[0x09] = 0.002;
  for (let d = 0x30; d <= 0x39; d++) table[d] = 0.003;
  for (const [ch, share] of Object.entries({ '.': 0.01, ',': 0.01, '-': 0.004, ':': 0.002, '/': 0.001, "'": 0.002, '"': 0.002, '(': 0.001, ')': 0.001 })) {
    table[ch.charCodeAt(0)] = share;
  }
  for (let b = 0x21; b < 0x7f; b++) if (table[b] === 0.00002) table[b] = 0.0003;
  return table;
}

export const BYTE_FREQUENCY: Float64Array = frequencyTable();

/** The modelled chance that a position matches a random byte of text. */
export function setFrequency(set: ByteSet): number {
  let p = 0;
  for (let b = 0; b < 256; b++) if (set[b]) p += BYTE_FREQUENCY[b]!;
  return Math.min(1, p);
}

/** Of the bytes after a digit: figures run on ("4412", "2024-02-17", "488.97"), so another digit or a separator is likely. */
const AFTER_DIGIT = { digit: 0.06, separator: 0.04, other: 0.2 / 0.93 };
const FIGURE_SEPARATORS = new Set(['-', '.', ',', '/', ':'].map((c) => c.charCodeAt(0)));

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** Whether most of the set's modelled frequency is digits. */
function mostlyDigits(set: ByteSet): boolean {
  let digits = 0;
  for (let b = 0x30; b <= 0x39; b++) if (set[b]) digits += BYTE_FREQUENCY[b]!;
  return digits > setFrequency(set) / 2;
}

/** A position's chance just after a position of digits. */
function frequencyAfterDigit(set: ByteSet): number {
  let p = 0;
  for (let b = 0; b < 256; b++) {
    if (!set[b]) continue;
    p += isDigit(b) ? AFTER_DIGIT.digit : FIGURE_SEPARATORS.has(b) ? AFTER_DIGIT.separator : BYTE_FREQUENCY[b]! * AFTER_DIGIT.other;
  }
  return Math.min(1, p);
}

/**
 * The modelled chance that the factor occurs at a given offset: lower is more selective. Positions count as
 * independent, except after digits: there a figure's next digit or separator is far likelier than alone, or
 * four digits in a row would look as rare as a word of four letters, when every price and date holds them.
 */
export function factorFrequency(factor: Factor): number {
  let p = 1;
  factor.bytes.forEach((set, k) => {
    p *= k > 0 && mostlyDigits(factor.bytes[k - 1]!) ? frequencyAfterDigit(set) : setFrequency(set);
  });
  return p;
}
