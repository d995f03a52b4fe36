import { afterEach, describe, expect, it, vi } from 'vitest';
import RE2 from 're2';
import { BUILTIN_DETECTORS } from '../detectors/index.js';
import { readValueGroup } from './compile.js';
import { blockSpans, createEngine } from './engine.js';
import { HitRanges, lineGroups, narrowing } from './narrow.js';

const referenceDate = new Date('2025-06-01T00:00:00Z');
const tuned = { ...narrowing };
const spans = { ...blockSpans };
afterEach(() => {
  Object.assign(narrowing, tuned);
  Object.assign(blockSpans, spans);
  vi.restoreAllMocks();
});

/**
 * What a built-in pattern may take of a line break: one before the value, one after it, nothing else; and
 * '^' only where the value after it cannot start with a line break (the HL7 name's '(?:^|[\r\n]|\|)').
 */
const EDGE_FORMS = [/^\(\?:\^\|\[\^0-9A-Za-z\]\)/, /^\(\?:\^\|\[\\r\\n\]\)/, /^\(\?:\^\|\[\\r\\n\]\|\\\|\)/, /\(\?:\[\^0-9A-Za-z-\]\|\$\)$/];

function innerSource(source: string): string {
  let inner = source;
  for (const form of EDGE_FORMS) inner = inner.replace(form, '');
  return inner;
}

describe('line-local built-in patterns', () => {
  const textPatterns = BUILTIN_DETECTORS.flatMap((d) => d.patterns.filter((p) => (p.scope ?? 'text') === 'text'));

  it('take no line break except at their edges', () => {
    expect(textPatterns.length).toBeGreaterThan(40);
    for (const { re2, label } of textPatterns) {
      const inner = innerSource(re2);
      // A negated class must leave out both line breaks ('[^|\r\n]'); any other class must hold neither.
      for (const cls of inner.match(/\[(?:\\.|[^\]\\])*\]/g) ?? []) {
        if (cls.startsWith('[^')) expect(cls, label).toMatch(/\\r\\n/);
        else expect(cls, label).not.toMatch(/\\[sSWDnrv]/);
      }
      const outsideClasses = inner.replace(/\[(?:\\.|[^\]\\])*\]/g, '');
      expect(outsideClasses, label).not.toMatch(/\\[sSWDnrv]|\(\?[a-z]*[sm]/);
      expect(outsideClasses.replace(/\\./g, ''), label).not.toMatch(/[.^$]/);
    }
  });

  it('match the same with or without a line break before them', () => {
    // The edge forms are the only places where '^' / '$' stand in for a line break.
    for (const { re2, label } of textPatterns) {
      const regex = new RE2(re2, 'g');
      for (const sample of ['(217) 482-3100', 'PID|1||889900^^^HOSP^MR||DOE^JANE', 'E11.9', '234-56-7891']) {
        expect(regex.test(sample), label).toBe(new RE2(re2, 'g').test(`\n${sample}\n`));
      }
    }
  });
});

describe('narrowing', () => {
  it('cuts whole lines of at least the group size', () => {
    expect(lineGroups('aaaa\nbb\ncccccc\nd', 3)).toEqual([0, 5, 15, 16]);
    expect(lineGroups('no line break here', 4)).toEqual([0, 18]);
    expect(lineGroups('ab\n', 1)).toEqual([0, 3]);
  });

  it('joins neighbouring groups and starts each stretch at the line break before it', () => {
    const ranges = new HitRanges();
    ranges.add(3, 0, 10);
    ranges.add(3, 10, 20);
    ranges.add(3, 40, 50);
    ranges.add(5, 20, 30);
    expect(ranges.of(3)).toEqual([0, 20, 39, 50]);
    expect(ranges.of(5)).toEqual([19, 30]);
    expect(ranges.of(7)).toEqual([]);
  });

  const engine = createEngine({ custom: [{ id: 'badge', patterns: ['\\bBADGE[ ]?[0-9]{5}\\b'], keywords: ['badge'] }], mrnPatterns: ['\\bZX[0-9]{6}\\b'] });
  const examples = BUILTIN_DETECTORS.flatMap((d) => [...d.examples.positive, ...d.examples.negative].map((e) => e.text));
  const filler = 'The quarterly report covers shipments and the new warehouse; see item 4412 and 2024-03-14.';
  const pieces = [...examples, 'BADGE 12345', 'ZX123456', '(217) 482-3100', '(217) 482-3101', '217-482-3102', filler];
  function textWith(separator: string): string {
    let text = '';
    for (let i = 0; text.length < 70_000; i++) text += pieces[(i * 7) % pieces.length] + separator;
    return text;
  }

  it('asks about line groups and runs the patterns over less than whole blocks', () => {
    // The comparison with whole blocks (next) would pass just as well if narrowing never happened.
    const text = textWith('\n');
    const cost = (options: Partial<typeof narrowing>) => {
      Object.assign(narrowing, tuned, options);
      const asked = vi.spyOn(RE2.Set.prototype, 'match');
      const exec = RE2.prototype.exec;
      let searched = 0;
      // A pattern's pass over a subject starts from lastIndex 0 (confirm() resets it): count what it reads.
      vi.spyOn(RE2.prototype, 'exec').mockImplementation(function (this: RE2, ...args: Parameters<typeof exec>) {
        if (this.lastIndex === 0) searched += args[0].length;
        return exec.apply(this, args);
      });
      engine.detect(text, { referenceDate });
      const result = { asked: asked.mock.calls.length, searched };
      vi.restoreAllMocks();
      return result;
    };
    const whole = cost({ minPatterns: Infinity });
    const narrowed = cost({});
    expect(narrowed.asked).toBeGreaterThan(whole.asked);
    expect(narrowed.searched).toBeLessThan(whole.searched);
  });

  it('finds what a pass over whole blocks finds', () => {
    for (const separator of ['\n', '\r\n', '\r', ' ', '\n\n']) {
      const text = textWith(separator);
      const findings = (options: Partial<typeof narrowing>) => {
        Object.assign(narrowing, tuned, options);
        return engine.detect(text, { referenceDate });
      };
      const whole = findings({ minPatterns: Infinity });
      expect(whole.length).toBeGreaterThan(100);
      expect(findings({})).toEqual(whole);
      expect(findings({ minPatterns: 1, groupSize: 40 })).toEqual(whole);
      expect(findings({ minPatterns: 1, groupSize: 1 })).toEqual(whole);
    }
  });
});

describe('value groups', () => {
  it('are placed without offsets from RE2 where the group opens or closes the match', () => {
    const at = (source: string) => readValueGroup(source);
    expect(at('\\b(?P<v>[0-9]{3}(?:\\.[0-9])?)\\b')).toEqual({ source: '\\b(?:[0-9]{3}(?:\\.[0-9])?)\\b', valueAt: 'match' });
    expect(at('(?P<v>a|b)')).toEqual({ source: '(?:a|b)', valueAt: 'match' });
    expect(at('(?P<v>[)]x)').valueAt).toBe('match');
    expect(at('[0-9]{9}')).toEqual({ source: '[0-9]{9}', valueAt: 'match' });
    expect(at('MRN: (?P<v>[0-9]+)\\b').valueAt).toBe('end');
    expect(at('\\b(?P<v>[A-Z][a-z]+) is a').valueAt).toBe('start');
    expect(at('(?P<v>a)|b').valueAt).toBe('start');
    expect(at('x(?P<v>[0-9]+)[ ]').valueAt).toBe('search');
    expect(at('x(?:(?P<v>[0-9]+))').valueAt).toBe('search');
    expect(at('(?P<v>[0-9]+)(?P<v>x)').valueAt).toBe('search');
    expect(at('x\\(?P<v>y)').valueAt).toBe('search');
    expect(at('(?P<v>[0-9').valueAt).toBe('search');
  });

  it('are read by number, counting the capturing groups before them, unless the source may be misread', () => {
    const at = (source: string) => readValueGroup(source);
    expect(at('MRN: (?P<v>[0-9]+)\\b')).toEqual({ source: 'MRN: ([0-9]+)\\b', valueAt: 'end', valueIndex: 1 });
    expect(at('(a)(?:b)(?i:c)(?P<w>d)(?<x>e)[(]\\((?P<v>f)g')).toEqual({
      source: '(a)(?:b)(?i:c)(?P<w>d)(?<x>e)[(]\\((f)g',
      valueAt: 'search',
      valueIndex: 4,
    });
    expect(at('x(?:(?P<v>[0-9]+))').valueIndex).toBe(1);
    expect(at('[[:alpha:]](?P<v>[0-9]+)x')).toEqual({ source: '[[:alpha:]](?P<v>[0-9]+)x', valueAt: 'search' });
    expect(at('\\Q(\\E(?P<v>[0-9]+)x').valueIndex).toBeUndefined();
    expect(at('x\\(?P<v>y)').valueIndex).toBeUndefined();
    // The engine then takes the same value as the named group would have given.
    const engine = createEngine({ custom: [{ id: 'numbered', patterns: ['(a|b)(?:-)(?P<w>[0-9])[(]?(?P<v>[0-9]{3})z'] }] });
    const found = engine.detect('see a-1(234z and b-5678z', { referenceDate }).filter((f) => f.detector === 'numbered');
    expect(found.map((f) => [f.value, f.start])).toEqual([
      ['234', 8],
      ['678', 20],
    ]);
  });

  it('are placed by RE2 when the value occurs twice in its match', () => {
    const engine = createEngine({ custom: [{ id: 'twice', patterns: ['X[0-9](?P<v>[0-9])X', 'Y(?P<v>[0-9])[0-9]Y'] }] });
    const found = engine.detect('see X11X and Y22Y', { referenceDate }).filter((f) => f.detector === 'twice');
    expect(found.map((f) => [f.start, f.value])).toEqual([[6, '1'], [14, '2']]);
  });

  it('give the values and offsets that group offsets give', () => {
    const engine = createEngine();
    const text = BUILTIN_DETECTORS.flatMap((d) => d.examples.positive.map((e) => e.text)).join('\n');
    const findings = engine.detect(text, { referenceDate });
    expect(findings.length).toBeGreaterThan(50);
    for (const f of findings) expect(text.slice(f.start, f.end)).toBe(f.value);
  });
});

describe('spans of blocks', () => {
  const engine = createEngine();
  const prose = 'The quarterly report covers shipments and the new warehouse; see item 4412 and 2024-03-14 for the plan.\n';
  const identifiers = BUILTIN_DETECTORS.flatMap((d) => d.examples.positive.map((e) => e.text.replace(/[\r\n]+/g, ' ')));

  /** Prose with identifiers at scattered places, a keyword line ending many lines before a gated value, and a long line. */
  function scattered(seed: number): string {
    let next = seed;
    const random = (n: number) => (next = (next * 1103515245 + 12345) & 0x7fffffff) % n;
    const parts: string[] = [];
    for (let i = 0; i < 60; i++) {
      parts.push(prose.repeat(random(400)));
      const pick = random(10);
      if (pick < 6) parts.push(`${identifiers[random(identifiers.length)]}\n`);
      else if (pick < 8) parts.push(`SSN\n${'x'.repeat(random(3))}\n456789123\n`);
      else if (pick === 8) parts.push(`${'word '.repeat(5000 + random(5000))}fax (217) 482-3100\n`);
      else parts.push('ICD-9 noted\n250.00\n');
    }
    return parts.join('');
  }

  it('find what block by block finds, wherever the blocks fall', () => {
    let gated = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const text = scattered(seed);
      const findings = (blocks: number) => {
        blockSpans.blocks = blocks;
        return engine.detect(text, { referenceDate });
      };
      const byBlock = findings(1);
      expect(byBlock.length).toBeGreaterThan(20);
      gated += byBlock.filter((f) => f.normalized === '456789123').length;
      for (const blocks of [2, 3, 4, 7]) expect(findings(blocks)).toEqual(byBlock);
    }
    // The gated number is found only with its keyword in the same block or the one before.
    expect(gated).toBeGreaterThan(5);
  });

  it('keep the gate open for a keyword at the end of a span passed over', () => {
    // Lines of 104 characters, the keyword ending one of them: one of these counts of lines before it puts
    // that line last in the fourth block, the number first in the fifth, which the first span alone does not
    // say may be due.
    for (let lines = 300; lines <= 330; lines++) {
      const text = `${prose.repeat(lines)}${prose.slice(0, 99)} SSN\n456789123\n${prose.repeat(400)}`;
      for (const blocks of [4, 1]) {
        blockSpans.blocks = blocks;
        expect(engine.detect(text, { referenceDate }).map((f) => f.normalized), `${lines} lines, spans of ${blocks}`).toEqual(['456789123']);
      }
    }
  });

  it('ask the prefilter less often about prose with nothing in it', () => {
    const text = prose.repeat(20_000);
    const calls = (blocks: number) => {
      blockSpans.blocks = blocks;
      const asked = vi.spyOn(RE2.Set.prototype, 'match');
      expect(engine.detect(text, { referenceDate })).toEqual([]);
      const count = asked.mock.calls.length;
      vi.restoreAllMocks();
      return count;
    };
    expect(calls(4)).toBeLessThan(calls(1) / 3);
  });
});
