import { describe, expect, it } from 'vitest';
import { looksLikeTar } from './archive-formats.js';

/** The check as it was before its early rejection: what the fast path must agree with on every header. */
function referenceLooksLikeTar(bytes: Uint8Array): boolean {
  if (bytes.length < 512) return false;
  const field = Buffer.from(bytes.subarray(148, 156)).toString('latin1').replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]{1,7}$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : bytes[i]!;
  return sum === parseInt(field, 8) && bytes[0] !== 0;
}

/** Deterministic bytes, so a failure names a case that can be run again. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return state;
  };
}

/** Writes a header's checksum as tar writers do (six octal digits, NUL, space), or in another accepted layout. */
function withChecksum(header: Uint8Array, layout: (octal: string) => string): Uint8Array {
  const block = header.slice(0, 512);
  block.fill(0x20, 148, 156);
  const sum = block.reduce((a, b) => a + b, 0);
  const field = layout(sum.toString(8));
  for (let i = 0; i < 8; i++) block[148 + i] = i < field.length ? field.charCodeAt(i) : 0;
  return block;
}

/** A ustar header block for one 15-byte file, checksum written as GNU tar writes it. */
function ustarHeader(): Uint8Array {
  const block = new Uint8Array(512);
  const put = (at: number, text: string) => block.set(new TextEncoder().encode(text), at);
  put(0, 'notes/visit.txt');
  put(100, '0000644\0');
  put(108, '0000000\0');
  put(116, '0000000\0');
  put(124, '00000000017\0');
  put(136, '14524770400\0');
  put(156, '0');
  put(257, 'ustar\u000000');
  return withChecksum(block, (o) => o.padStart(6, '0') + '\0 ');
}

describe('looksLikeTar', () => {
  const archive = ustarHeader();

  it('recognises a ustar archive, and old-style headers whose checksum is padded with spaces or NULs', () => {
    expect(looksLikeTar(archive)).toBe(true);
    expect(looksLikeTar(withChecksum(archive, (o) => o.padStart(6, '0') + '\0 '))).toBe(true);
    expect(looksLikeTar(withChecksum(archive, (o) => ' ' + o.padStart(6, '0') + ' '))).toBe(true);
    expect(looksLikeTar(withChecksum(archive, (o) => o + '\0'))).toBe(true);
  });

  it('turns away text, a header with a wrong checksum, and a block that starts with NUL', () => {
    const text = new TextEncoder().encode('Quarterly balance training discussed ticket. '.repeat(20));
    expect(looksLikeTar(text)).toBe(false);
    const wrong = archive.slice(0, 512);
    wrong[0] = wrong[0]! + 1;
    expect(looksLikeTar(wrong)).toBe(false);
    const zeroed = withChecksum(archive, (o) => o.padStart(6, '0') + '\0 ');
    zeroed[0] = 0;
    expect(looksLikeTar(withChecksum(zeroed, (o) => o.padStart(6, '0') + '\0 '))).toBe(false);
    expect(looksLikeTar(archive.subarray(0, 511))).toBe(false);
  });

  it('agrees with the full check on 20,000 headers whose checksum field mixes digits, NUL, whitespace and other bytes', () => {
    const next = generator(5);
    // The bytes the early rejection reasons about, and a few it turns away.
    const alphabet = [0x30, 0x31, 0x35, 0x37, 0x38, 0x39, 0x00, 0x20, 0x09, 0x0a, 0x0d, 0xa0, 0x41, 0x2d, 0x85, 0xff];
    let accepted = 0;
    for (let n = 0; n < 20_000; n++) {
      const block = withChecksum(archive, (o) => o.padStart(6, '0') + '\0 ');
      // Half keep the true checksum's digits with damaged padding, half get a field of random bytes.
      for (let i = 148; i < 156; i++) {
        if (n % 2 === 0 && block[i]! >= 0x30 && block[i]! <= 0x37 && next() % 4 !== 0) continue;
        block[i] = alphabet[next() % alphabet.length]!;
      }
      const expected = referenceLooksLikeTar(block);
      if (expected) accepted++;
      expect(looksLikeTar(block), `case ${n}`).toBe(expected);
    }
    expect(accepted).toBeGreaterThan(0);
  });
});
