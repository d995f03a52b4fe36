import RE2 from 're2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine, type EngineText } from '../index.js';
import { joinedSource } from './compile.js';
import { digits, pick, random } from './seeded.test-helper.js';

const referenceDate = new Date('2025-06-01T00:00:00Z');

/**
 * Cells and paragraphs of the kinds a share's tables and letters hold, synthetic: most hold nothing, some an
 * identifier under its header or with its label, some a keyword that opens a gate, and the shapes that meet
 * the prefilter's anchored entries (an HL7 name or PID segment at the start of the text, a phone at its end).
 */
function texts(seed: number, count: number): EngineText[] {
  const next = random(seed);
  const surnames = ['SMITH', 'GARCIA', 'NGUYEN', 'OKAFOR', "O'BRIEN"];
  const makers: (() => EngineText)[] = [
    () => ({ text: `P-${digits(next, 5)}`, columnHeader: 'Item' }),
    () => ({ text: pick(next, ['Room purchase monthly account training', 'Quarterly inventory review', 'Vendor agenda notes']), columnHeader: 'Description' }),
    () => ({ text: String(1 + Math.floor(next() * 400)), columnHeader: 'Qty' }),
    () => ({ text: `${digits(next, 3)}-${digits(next, 2)}-${digits(next, 4)}`, columnHeader: pick(next, ['SSN', 'Notes', undefined]) }),
    () => ({ text: digits(next, 8), columnHeader: pick(next, ['MRN', 'Account', 'Qty']) }),
    () => ({ text: `19${digits(next, 2)}-0${1 + Math.floor(next() * 9)}-1${Math.floor(next() * 9)}`, columnHeader: pick(next, ['DOB', 'Ordered']) }),
    () => ({ text: pick(next, ['E11.9', '250.00', 'I10', 'V45.81']), columnHeader: pick(next, ['Diagnosis', 'ICD-9 Code', 'Code', undefined]) }),
    () => ({ text: `${pick(next, surnames)}^${pick(next, ['JOHN', 'MARIA', 'ADA'])}` }),
    () => ({ text: `PID|1||${digits(next, 7)}^^^MRN||${pick(next, surnames)}^JOHN||19${digits(next, 6)}|M` }),
    () => ({ text: `(555) 2${digits(next, 2)}-${digits(next, 4)}` }),
    () => ({ text: `call 617-55${digits(next, 1)}-${digits(next, 4)}` }),
    () => ({ text: `Patient: ${pick(next, ['John', 'Maria'])} ${pick(next, ['Smith', 'Garcia'])}, DOB 03/14/19${digits(next, 2)}` }),
    () => ({ text: `ICD-9 dx ${digits(next, 3)}.${digits(next, 1)} noted` }),
    () => ({ text: `account ${digits(next, 9)} on file` }),
    () => ({ text: 'Line one\nMRN: ' + digits(next, 8) + '\nline three' }),
    () => ({ text: '' }),
    () => ({ text: `${'Plain prose with nothing to find. '.repeat(600)}SSN 234-56-7891` }),
  ];
  return Array.from({ length: count }, () => pick(next, makers)());
}

describe('joinedSource', () => {
  it('keeps a source without anchors, gives one with ^ or $ multi-line mode, and refuses the text-only anchors', () => {
    expect(joinedSource('\\b[0-9]{3}-[0-9]{2}\\b')).toBe('\\b[0-9]{3}-[0-9]{2}\\b');
    expect(joinedSource('[^0-9]x[$]\\^\\$')).toBe('[^0-9]x[$]\\^\\$');
    expect(joinedSource('[]^]a')).toBe('[]^]a');
    expect(joinedSource('(?:^|\\|)(?P<v>[A-Z]+)')).toBe('(?m)(?:^|\\|)(?P<v>[A-Z]+)');
    expect(joinedSource('x(?:[^a]|$)')).toBe('(?m)x(?:[^a]|$)');
    expect(joinedSource('\\Ax')).toBeUndefined();
    expect(joinedSource('x\\z')).toBeUndefined();
    expect(joinedSource('(?-m)^x')).toBeUndefined();
    expect(joinedSource('(?i-m)^x')).toBeUndefined();
    expect(joinedSource('a(?s-m:^x)')).toBeUndefined();
    expect(joinedSource('(?i)x')).toBe('(?i)x');
  });
});

describe('detectEach', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives each text what detect() gives it alone, in any order and mix', () => {
    const engine = createEngine();
    for (const seed of [1, 2, 3, 4, 5]) {
      const all = texts(seed, 1500);
      const alone = all.map((t) => engine.detect(t.text, { columnHeader: t.columnHeader, referenceDate }));
      expect(alone.some((f) => f.length > 0)).toBe(true);
      // Calls of different sizes, so groups start and end at different texts.
      const together: unknown[] = [];
      for (let i = 0, size = 1; i < all.length; i += size, size = (size * 7) % 301) together.push(...engine.detectEach(all.slice(i, i + size), { referenceDate }));
      expect(together).toEqual(alone);
    }
  });

  it('keeps the options detect() takes: detectors, confidence floor, document context', () => {
    const engine = createEngine();
    const all = texts(9, 800);
    for (const options of [{ detectors: ['ssn', 'name'] }, { minConfidence: 'medium' as const }, { documentHasPatientIdentifier: true }]) {
      const alone = all.map((t) => engine.detect(t.text, { ...options, columnHeader: t.columnHeader, referenceDate }));
      expect(engine.detectEach(all, { ...options, referenceDate })).toEqual(alone);
    }
  });

  it('asks the prefilter about a clean table a group of cells at a time', () => {
    const engine = createEngine();
    const next = random(7);
    const table: EngineText[] = Array.from({ length: 2000 }, (_, i) =>
      i % 2 === 0 ? { text: `P-${digits(next, 5)}`, columnHeader: 'Item' } : { text: 'Quarterly inventory review', columnHeader: 'Description' },
    );
    const match = vi.spyOn(RE2.Set.prototype, 'match');
    const found = engine.detectEach(table);
    expect(found.every((f) => f.length === 0)).toBe(true);
    expect(match.mock.calls.length).toBeLessThan(table.length / 10);
  });

  it('falls back to one text at a time where a source cannot be joined, with the same findings', () => {
    const engine = createEngine({ custom: [{ id: 'badge', patterns: ['\\AB-[0-9]{4}\\z'] }] });
    const all = [...texts(11, 300), { text: 'B-1234' }, { text: 'x B-1234' }];
    const alone = all.map((t) => engine.detect(t.text, { columnHeader: t.columnHeader, referenceDate }));
    expect(alone.at(-2)!.map((f) => f.detector)).toEqual(['badge']);
    expect(engine.detectEach(all, { referenceDate })).toEqual(alone);
  });
});
