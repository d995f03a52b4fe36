import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { Utf8Views } from './utf8-views.js';

describe('Utf8Views', () => {
  it('gives the bytes RE2 would copy from the slice, in any order of cuts', () => {
    const text = 'a\u00e9b\u{1F600}c\ud800d\u2014e\n'.repeat(20);
    const views = new Utf8Views(text);
    const cuts = [0, 3, 17, 9, 40, 41, 2, text.length, 100, 55];
    for (let i = 1; i < cuts.length; i++) {
      const [start, end] = [Math.min(cuts[i - 1]!, cuts[i]!), Math.max(cuts[i - 1]!, cuts[i]!)];
      const view = views.view(start, end);
      if (view) expect(view.equals(Buffer.from(text.slice(start, end), 'utf8'))).toBe(true);
    }
  });

  it('has no view for a cut that halves a surrogate pair', () => {
    const text = 'x\u{1F600}y';
    const views = new Utf8Views(text);
    expect(views.view(0, 2)).toBeUndefined();
    expect(views.view(2, 4)).toBeUndefined();
    expect(views.view(0, 3)?.toString('utf8')).toBe('x\u{1F600}');
  });

  it('reads ASCII text at character offsets', () => {
    const views = new Utf8Views('plain ascii');
    expect(views.view(6, 11)?.toString('latin1')).toBe('ascii');
  });
});
