import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { JsonBytes } from './json-bytes.js';

const codeUnits = (text: string) => {
  const out = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
};

/** Strings that take the copy and every kind that takes the general way. */
const TEXTS = ['', 'plain ASCII 123-45-6789', 'quote " and back\\slash', 'tab\tline\nnul\u0000 del\u007f', 'café ☕', 'emoji \ud83d\ude00', 'lone \udc00 and \ud800'];

describe('JSON bytes', () => {
  it('write a literal as the UTF-8 of JSON.stringify', () => {
    for (const text of TEXTS) {
      const out = new JsonBytes(4);
      const chars = codeUnits(`xx${text}yy`);
      out.literal(chars, 2, 2 + text.length);
      expect(out.take()).toEqual(Buffer.from(JSON.stringify(text), 'utf8'));
    }
  });

  it('write JSON text as it is, UTF-8 encoded, and numbers in decimal', () => {
    const out = new JsonBytes(8);
    const json = JSON.stringify({ tags: ['é "x"', 2.5], big: 2 ** 40 });
    out.raw(codeUnits(json), 0, json.length);
    out.uint(0);
    out.uint(4_294_967_295);
    out.bytes(Uint8Array.of(0x7d));
    expect(out.take().toString('utf8')).toBe(`${json}04294967295}`);
  });

  it('grow past the piece size and start a new buffer after take', () => {
    const out = new JsonBytes(2);
    out.text('a'.repeat(100));
    const first = out.take();
    out.text('b');
    expect(first.toString()).toBe('a'.repeat(100));
    expect(out.take().toString()).toBe('b');
  });
});
