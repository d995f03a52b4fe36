import { describe, expect, it } from 'vitest';
import { LineIndex } from './lines.js';

/** The plain definition: a line starts after every '\n' and after every '\r' not followed by '\n'. */
function expected(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    const ch = text[i];
    if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

describe('LineIndex', () => {
  it('counts \\n, \\r\\n and a lone \\r as one line end each', () => {
    const text = 'a\nb\r\nc\rd\n\n\r\re';
    const lines = new LineIndex(text);
    for (let offset = 0; offset <= text.length; offset++) expect(lines.locate(offset)).toEqual(expected(text, offset));
  });

  it.each([
    ['with \\r', ['a', 'b', ' ', '\n', '\r', '\r\n']],
    ['without \\r', ['a', 'b', ' ', '\n', '\n\n']],
  ])('answers offsets in any order the same as in order, text %s', (_, alphabet) => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let text = '';
    for (let i = 0; i < 2000; i++) text += alphabet[Math.floor(random() * alphabet.length)];
    const lines = new LineIndex(text);
    for (let k = 0; k < 500; k++) {
      const offset = Math.floor(random() * (text.length + 1));
      expect(lines.locate(offset)).toEqual(expected(text, offset));
    }
  });
});
