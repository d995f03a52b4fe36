import { describe, expect, it } from 'vitest';
import { decodeSingleByteText, decodeText } from './encoding.js';

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
