import { describe, expect, it } from 'vitest';
import { countControlBytes, decodeSingleByteText, decodeText, detectBomlessUtf16, looksBinary } from './encoding.js';
import { seededRandom } from '../random.test-support.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const strict = (bytes: Uint8Array): string => new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);

/** Mostly ASCII lines with the characters clinical notes carry: dashes, accents, a symbol beyond the BMP. */
function notes(lines: number): string {
  const extras = ['—', 'é', 'ü', '°', '€', '😀', 'ß', '“quoted”'];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(`Line ${i} follow-up ${extras[i % extras.length]} seen on 2024-03-${String((i % 28) + 1).padStart(2, '0')}`);
  return out.join('\n');
}

describe('decodeText on UTF-8', () => {
  it('decodes valid UTF-8 as the strict decoder does, characters beyond the BMP included', () => {
    for (const text of [notes(1), notes(9), notes(2000), 'é', '😀', 'a😀b', 'x'.repeat(70_000) + '—']) {
      const bytes = utf8(text);
      expect(decodeText(bytes)).toEqual({ text: strict(bytes), encoding: 'utf-8' });
      expect(decodeSingleByteText(bytes)).toEqual({ text, encoding: 'utf-8' });
    }
  });

  it('keeps a BOM after the first one as the strict decoder does', () => {
    const bytes = utf8('\ufeff\ufeffDOB — 1962');
    expect(decodeText(bytes)?.text).toBe(strict(bytes.subarray(3)));
    expect(decodeSingleByteText(bytes.subarray(3)).text).toBe(strict(bytes.subarray(3)));
  });

  it('still reads a file cut inside a multi-byte character as UTF-8 with a replacement character', () => {
    const whole = utf8(`${notes(40)} end —`);
    const cut = whole.subarray(0, whole.length - 1);
    expect(decodeSingleByteText(cut)).toEqual({ text: `${strict(cut.subarray(0, cut.length - 2))}\ufffd`, encoding: 'utf-8' });
  });

  it('reads bytes that are not UTF-8 as windows-1252', () => {
    const bytes = Uint8Array.from([...utf8('Caf'), 0xe9, 0x20, 0x93, 0x71, 0x94, ...utf8(' — ok')]);
    expect(decodeSingleByteText(bytes)).toEqual({ text: new TextDecoder('latin1').decode(bytes), encoding: 'latin1' });
  });
});

describe('control bytes, and the binary and UTF-16 tests of the sample', () => {
  // The rules as a byte-by-byte count states them: what the faster paths (no NUL, word at a time) must give.
  const isControl = (b: number) => b < 0x20 && !(b >= 0x09 && b <= 0x0d) && b !== 0x1b;
  function binaryByRule(bytes: Uint8Array): boolean {
    let control = 0;
    let nul = 0;
    let runs = 0;
    bytes.forEach((b, i) => {
      if (b === 0) {
        nul++;
        if (i === 0 || bytes[i - 1] !== 0) runs++;
      } else if (isControl(b)) control++;
    });
    if (bytes.length === 0) return false;
    if (nul === 0) return control / bytes.length > 0.1;
    const text = bytes.length - nul;
    return !(text >= 16 && nul / runs >= 16 && control / text <= 0.01);
  }
  function utf16ByRule(bytes: Uint8Array): string | null {
    const n = bytes.length & ~1;
    if (n < 4) return null;
    let even = 0;
    let odd = 0;
    for (let i = 0; i < n; i += 2) {
      if (bytes[i] === 0) even++;
      if (bytes[i + 1] === 0) odd++;
    }
    if (odd / (n / 2) >= 0.3 && even / (n / 2) <= 0.02) return 'utf-16le';
    if (even / (n / 2) >= 0.3 && odd / (n / 2) <= 0.02) return 'utf-16be';
    return null;
  }

  it('counts exactly what a byte-by-byte count finds, at any alignment and length', () => {
    const next = seededRandom(7);
    const backing = new Uint8Array(4096 + 8);
    for (let round = 0; round < 300; round++) {
      // ASCII with control bytes, and in half the rounds bytes from 0x80 up (UTF-8, Latin-1) among them.
      const high = round % 2 === 1;
      for (let i = 0; i < backing.length; i++) backing[i] = next() % 7 === 0 ? next() % 0x20 : high && next() % 3 === 0 ? 0x80 + (next() % 0x80) : 0x20 + (next() % 0x60);
      const start = next() % 8;
      const view = backing.subarray(start, start + (next() % 4096));
      expect(countControlBytes(view)).toBe(view.reduce((n, b) => n + (isControl(b) ? 1 : 0), 0));
    }
  });

  it('counts every byte value right in every place of a word, and views shorter than their misalignment', () => {
    const backing = new Uint8Array(64);
    for (let b = 0; b < 0x100; b++) {
      for (let place = 0; place < 16; place++) {
        backing.fill(0x61);
        backing[8 + place] = b;
        expect(countControlBytes(backing.subarray(8, 24))).toBe(isControl(b) ? 1 : 0);
      }
      backing.fill(b);
      for (let start = 0; start < 4; start++) {
        for (let length = 0; length <= 9; length++) {
          expect(countControlBytes(backing.subarray(start, start + length))).toBe(isControl(b) ? length : 0);
        }
      }
    }
  });

  it('answer as the byte-by-byte rules do, for text with and without NULs, control bytes and bytes past 0x7F', () => {
    const next = seededRandom(11);
    const seen = new Set<string>();
    for (let round = 0; round < 400; round++) {
      const length = next() % 3000;
      const bytes = new Uint8Array(length + 3).subarray(next() % 4);
      // Past the tenth that makes text binary, or short of it, once whitespace among the draws is left out.
      const controlShare = [0, 0.05, 0.16, 0.3][round % 4]!;
      const nulKind = (round >> 2) % 4; // none, scattered, padding runs, UTF-16 shape
      for (let i = 0; i < bytes.length; i++) {
        const r = (next() % 1000) / 1000;
        bytes[i] = r < controlShare ? next() % 0x20 : r < controlShare + 0.2 ? 0x80 + (next() % 0x80) : 0x20 + (next() % 0x5f);
        if (nulKind === 1 && next() % 50 === 0) bytes[i] = 0;
        if (nulKind === 2 && i % 200 < 40) bytes[i] = 0;
        if (nulKind === 3 && i % 2 === 1) bytes[i] = 0;
      }
      const binary = looksBinary(bytes);
      expect(binary).toBe(binaryByRule(bytes));
      expect(detectBomlessUtf16(bytes)).toBe(utf16ByRule(bytes));
      seen.add(`${binary}/${detectBomlessUtf16(bytes)}`);
    }
    // Both answers of each test came up, so the rounds cover the paths.
    expect([...seen].sort()).toEqual(expect.arrayContaining(['false/null', 'true/null', 'true/utf-16le']));
  });
});
