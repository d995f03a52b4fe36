import { isAscii, isUtf8, transcode } from 'node:buffer';
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'latin1';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
}

/** How much of the start of a file decides "text or binary"; git looks at 8000 bytes, a bit more costs nothing. */
const SAMPLE_BYTES = 64 * 1024;

/**
 * Share of NUL bytes at one parity (and near none at the other) that marks BOM-less UTF-16: text in a
 * Latin script has a zero high byte in almost every code unit. CJK text has few zero bytes and is only
 * found with a BOM, which Windows writes anyway.
 */
const UTF16_NUL_SHARE = 0.3;
const UTF16_OTHER_PARITY_MAX = 0.02;

/** Share of control bytes (other than whitespace and ESC) beyond which a file is not text. */
const CONTROL_SHARE_MAX = 0.1;

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  if (bytes.length < prefix.length) return false;
  return prefix.every((b, i) => bytes[i] === b);
}

/** Below 0x20 and not whitespace or ESC: the bytes looksBinary counts against text. */
function isControlByte(b: number): number {
  return b < 0x20 && !(b >= 0x09 && b <= 0x0d) && b !== 0x1b ? 1 : 0;
}

/** The high bit of each byte of a 32-bit word, as an int32. */
const HIGH_BITS = 0x80808080 | 0;
/** The low seven bits of each byte: a word masked so that adding below 0x80 to each byte carries into none. */
const LOW_BITS = 0x7f7f7f7f;

/**
 * Control bytes (as looksBinary counts them), two 32-bit words at a time. In a word whose bytes are below 0x80,
 * adding 0x80 - k to each byte sets its high bit exactly when the byte is at least k, and no byte carries into
 * the next: so one add finds the bytes below 0x20, and only a pair of words holding a line break, a tab or a
 * control byte is looked at closer, without a branch per byte. Bytes from 0x80 up are never control bytes: a
 * word looked at closer is masked to seven bits a byte for the adds, and those bytes are left out after. A byte
 * loop over a 10 KB file took 17 µs, one word at a time 7-10 µs, this 5 µs.
 */
export function countControlBytes(bytes: Uint8Array): number {
  let count = 0;
  let i = 0;
  const unaligned = (4 - (bytes.byteOffset & 3)) & 3;
  for (; i < unaligned && i < bytes.length; i++) count += isControlByte(bytes[i]!);
  // A view that ends before its first whole word has no words (nor an aligned place to start them).
  if (i < unaligned) return count;
  const words = new Int32Array(bytes.buffer, bytes.byteOffset + i, (bytes.length - i) >> 2);
  const n = words.length;
  let w = 0;
  for (; w + 1 < n; w += 2) {
    const a = words[w]!;
    const b = words[w + 1]!;
    // Unmasked, as no pair with a control byte can pass: only a byte from 0xA0 up carries, and it reads as low itself.
    if ((~(((a + 0x60606060) | 0) & ((b + 0x60606060) | 0)) & HIGH_BITS) === 0) continue;
    count += controlBytesIn(a) + controlBytesIn(b);
  }
  if (w < n) count += controlBytesIn(words[w]!);
  for (let j = i + n * 4; j < bytes.length; j++) count += isControlByte(bytes[j]!);
  return count;
}

/** Control bytes in a word of four bytes: below 0x20, and neither 0x09-0x0D nor ESC (0x1B). */
function controlBytesIn(word: number): number {
  const low = word & LOW_BITS;
  const belowSpace = ~((low + 0x60606060) | 0) & HIGH_BITS;
  const whitespace = ~((low + 0x72727272) | 0) & ((low + 0x77777777) | 0) & HIGH_BITS;
  const notEsc = low ^ 0x1b1b1b1b;
  const esc = ~((notEsc + 0x7f7f7f7f) | 0) & HIGH_BITS;
  // A byte with its high bit set is no control byte, whatever its low bits.
  const control = belowSpace & ~(whitespace | esc | word);
  // One bit per byte moved to the byte's low bit; the multiply adds the four into the top byte.
  return Math.imul(control >>> 7, 0x01010101) >>> 24;
}

/** Whether the bytes hold a NUL: memchr, where a byte loop in JavaScript reads 1-2 bytes a nanosecond. */
function hasNul(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(0) >= 0;
}

/** Guesses BOM-less UTF-16 from where the NUL bytes sit. */
export function detectBomlessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, SAMPLE_BYTES) & ~1;
  // Most text has no NUL at all, and then neither parity can hold its share.
  if (n < 4 || !hasNul(bytes.subarray(0, n))) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const units = n / 2;
  if (oddNul / units >= UTF16_NUL_SHARE && evenNul / units <= UTF16_OTHER_PARITY_MAX) return 'utf-16le';
  if (evenNul / units >= UTF16_NUL_SHARE && oddNul / units <= UTF16_OTHER_PARITY_MAX) return 'utf-16be';
  return null;
}

/**
 * NUL-padded text: a log preallocated or cut off by a crash, a fixed-width export. Its NULs come in long runs
 * and the bytes between are clean text; binary data scatters NULs and has control bytes everywhere.
 */
const NUL_RUN_MIN_MEAN = 16;
const PADDED_TEXT_CONTROL_SHARE_MAX = 0.01;

/** True when single-byte data looks binary: scattered NULs, or many control bytes, in the sample. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, SAMPLE_BYTES);
  if (n === 0) return false;
  const sample = bytes.subarray(0, n);
  if (!hasNul(sample)) return countControlBytes(sample) / n > CONTROL_SHARE_MAX;
  let control = 0;
  let nul = 0;
  let nulRuns = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) {
      nul++;
      if (i === 0 || bytes[i - 1] !== 0) nulRuns++;
      continue;
    }
    // \t \n \v \f \r and ESC (ANSI colours in logs) are normal in text.
    if (b < 0x20 && !(b >= 0x09 && b <= 0x0d) && b !== 0x1b) control++;
  }
  if (nul === 0) return control / n > CONTROL_SHARE_MAX;
  const text = n - nul;
  const padded = text >= 16 && nul / nulRuns >= NUL_RUN_MIN_MEAN && control / text <= PADDED_TEXT_CONTROL_SHARE_MAX;
  return !padded;
}

/** Decoded UTF-16 that is mostly control characters or unpaired surrogates was binary after all. */
function plausibleText(text: string): boolean {
  const n = Math.min(text.length, SAMPLE_BYTES);
  if (n === 0) return true;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && !(c >= 0x09 && c <= 0x0d) && c !== 0x1b) || c === 0xfffd) bad++;
  }
  return bad / n <= CONTROL_SHARE_MAX;
}

const TRANSCODE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Valid UTF-8 as a string by way of UTF-16LE: ICU's transcoder and a copy into a two-byte string took 0.7 ms
 * per MiB of clinical notes (mostly ASCII, a few dashes), V8's UTF-8 decoder (TextDecoder, toString('utf8'))
 * 2.2-2.8. Undefined when the bytes are not valid UTF-8 or open with a BOM (which TextDecoder would drop), or
 * when this Node has no transcoder: the strict decoder then decides.
 */
function decodeValidUtf8(bytes: Uint8Array): string | undefined {
  // The UTF-16 copy is twice the file: past this size the strict decoder alone, as before, holds the memory.
  if (bytes.length > TRANSCODE_MAX_BYTES) return undefined;
  if (!isUtf8(bytes) || startsWith(bytes, [0xef, 0xbb, 0xbf])) return undefined;
  return transcodeUtf8(bytes);
}

/**
 * decodeValidUtf8 for bytes already known to be valid UTF-8 with no BOM (TextSegment.utf8): the same string, by
 * the same transcoder, else V8's decoder.
 */
export function decodeKnownUtf8(bytes: Uint8Array): string {
  return (bytes.length <= TRANSCODE_MAX_BYTES ? transcodeUtf8(bytes) : undefined) ?? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function transcodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return transcode(bytes, 'utf8', 'utf16le').toString('utf16le');
  } catch {
    return undefined;
  }
}

function decodeUtf8Strict(bytes: Uint8Array): string | null {
  const valid = decodeValidUtf8(bytes);
  if (valid !== undefined) return valid;
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  try {
    return decoder.decode(bytes);
  } catch {
    // A file cut in the middle of a multi-byte character is still UTF-8: retry without the last 1-3 bytes.
    for (let cut = 1; cut <= 3 && cut < bytes.length; cut++) {
      try {
        const text = decoder.decode(bytes.subarray(0, bytes.length - cut));
        return `${text}\ufffd`;
      } catch {
        // try a shorter cut
      }
    }
    return null;
  }
}

/**
 * Decodes the bytes of a text file: BOMs first, then BOM-less UTF-16 by NUL pattern, then strict UTF-8,
 * then Latin-1 (WHATWG's 'latin1' is windows-1252, what Windows tools write). Returns null for binary data.
 */
export function decodeText(bytes: Uint8Array): DecodedText | null {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    const rest = bytes.subarray(3);
    if (looksBinary(rest)) return null;
    const text = decodeUtf8Strict(rest);
    return text === null
      ? { text: new TextDecoder('latin1').decode(rest), encoding: 'latin1' }
      : { text, encoding: 'utf-8' };
  }
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    const encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    const text = new TextDecoder(encoding, { ignoreBOM: false }).decode(bytes);
    return plausibleText(text) ? { text, encoding } : null;
  }
  const utf16 = detectBomlessUtf16(bytes);
  if (utf16) {
    const text = new TextDecoder(utf16).decode(bytes);
    if (plausibleText(text)) return { text, encoding: utf16 };
    return null;
  }
  if (looksBinary(bytes)) return null;
  return decodeSingleByteText(bytes);
}

/**
 * The last file the sniff read whole as ASCII, and its text (see rememberAsciiText). One slot, not a WeakMap:
 * a file's extraction follows its sniff, and a WeakMap's set cost more than the decode it saves.
 */
let sniffedAscii: { bytes: Uint8Array; text: string } | undefined;

/**
 * Says that `text` is what these bytes, all ASCII, decode to: a file no larger than the sniff's head is read
 * whole there, and decoding it again took ~2.5 µs of a 10 KiB file's ~190.
 */
export function rememberAsciiText(bytes: Uint8Array, text: string): void {
  sniffedAscii = { bytes, text };
}

/** The sniff's text of these bytes, once (see rememberAsciiText); undefined when it read other bytes last. */
function takeSniffedText(bytes: Uint8Array): string | undefined {
  if (sniffedAscii?.bytes !== bytes) return undefined;
  const { text } = sniffedAscii;
  sniffedAscii = undefined;
  return text;
}

/**
 * For bytes that are all ASCII, a function that makes their text (on its first call, which may never come: see
 * TextSegment.ascii); the sniff's copy when it read them whole. Undefined when some byte is not ASCII.
 */
export function asciiTextOf(bytes: Uint8Array): (() => string) | undefined {
  const sniffed = takeSniffedText(bytes);
  if (sniffed !== undefined) return () => sniffed;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return isAscii(buffer) ? () => buffer.toString('latin1') : undefined;
}

/**
 * The last step of decodeText, for bytes already known to carry no BOM, no BOM-less UTF-16 and not to look
 * binary (the sniff tested the same sample): strict UTF-8, else Latin-1.
 */
export function decodeSingleByteText(bytes: Uint8Array): DecodedText {
  const sniffed = takeSniffedText(bytes);
  if (sniffed !== undefined) return { text: sniffed, encoding: 'utf-8' };
  // ASCII is its own UTF-8: a vectorised check and a Latin-1 copy take about half a strict UTF-8 decode.
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isAscii(buffer)) return { text: buffer.toString('latin1'), encoding: 'utf-8' };
  const utf8 = decodeUtf8Strict(bytes);
  if (utf8 !== null) return { text: utf8, encoding: 'utf-8' };
  return { text: new TextDecoder('latin1').decode(bytes), encoding: 'latin1' };
}
