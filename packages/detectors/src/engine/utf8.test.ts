import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { createEngine, type EngineText } from '../index.js';
import { blocksOf } from './engine.js';
import { digits, lazyText, random, seededFile } from './seeded.test-helper.js';
import { utf8BlocksOf } from './utf8-blocks.js';

const referenceDate = new Date('2025-06-01T00:00:00Z');

/**
 * Synthetic UTF-8 files as exported notes are: English prose with a dash, a curly quote or an accented name
 * here and there, some lines of wider characters (CJK, an emoji) so the bytes' offsets drift far from the
 * text's, table lines of numbers that need a label, labels and values, now and then an identifier, and in
 * some files one line too long for a block.
 */
function utf8File(seed: number): string {
  const next = random(seed);
  // No word here opens a detector's keyword gate, so a clean file can be one with nothing due at all.
  const prose = [
    'The quarterly review — purchasing, facilities and the training plan — is due.',
    'Inventory counts were reconciled against the vendor’s statements without exceptions.',
    'Café order for the Zürich visit; the team will confirm the plan.',
    '会议记录：预算、人员配置和假期安排。本周没有例外。',
    'Staffing 📋, the parking survey and the holiday schedule.',
  ];
  const phi = [
    () => `Patient: José Núñez, DOB 03/14/19${digits(next, 2)}, MRN ${digits(next, 8)}`,
    () => `SSN 234-56-${digits(next, 4)} on the intake form`,
    () => `MRN`,
    () => `${digits(next, 8)} follow-up in clinic`,
    () => `call (617) 55${digits(next, 1)}-${digits(next, 4)} about the refill`,
    () => `Dx E11.9 and I10 reviewed with the patient`,
    () => `maría.garcía${digits(next, 2)}@example.org or maria.garcia${digits(next, 2)}@example.org`,
  ];
  const words = ['alpha', 'bêta', 'γάμμα'];
  return seededFile(next, { prose, phi, longShare: 0.0003, phiShare: 0.02, tableShare: 0.3, longWords: words, minChars: 100, extraChars: 250_000, dirtyShare: 0.5 });
}

const lazy = (text: string) => lazyText(text, 'utf8');

describe('UTF-8 text screened from its bytes', () => {
  const engine = createEngine();

  it('finds what detect() finds in the decoded text, file after file', () => {
    let dirty = 0;
    let neverDecoded = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const text = utf8File(seed);
      const expected = engine.detect(text, { referenceDate });
      const { item, reads } = lazy(text);
      expect(engine.detectEach([item], { referenceDate })[0], `seed ${seed}`).toEqual(expected);
      if (expected.length > 0) dirty++;
      if (reads() === 0) neverDecoded++;
    }
    // Worth something only if all three kinds occur: files with findings, and clean files both decoded and not.
    expect(dirty).toBeGreaterThan(5);
    expect(neverDecoded).toBeGreaterThan(5);
    expect(dirty + neverDecoded).toBeLessThan(60);
  });

  it('cuts the bytes where blocksOf() cuts the text, or declines where a line is too long for its block', () => {
    let cut = 0;
    let declined = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const text = utf8File(seed);
      const bytes = Buffer.from(text, 'utf8');
      const found = utf8BlocksOf(bytes, 8 * 1024);
      const expected = [...blocksOf(text)];
      const contiguous = expected.every((b, k) => k === 0 || b[0] === expected[k - 1]![1]);
      if (!found) {
        expect(contiguous, `seed ${seed}`).toBe(false);
        declined++;
        continue;
      }
      expect(found.chars, `seed ${seed}`).toEqual(expected);
      found.bytes.forEach(([from, to], k) => expect(bytes.toString('utf8', from, to)).toBe(text.slice(...found.chars[k]!)));
      cut++;
    }
    expect(cut).toBeGreaterThan(20);
    expect(declined).toBeGreaterThan(0);
  });

  it('gives what detect() gives where a cut-dependent pattern or a long line makes the cuts matter', () => {
    const filler = ['The quarterly review — purchasing and facilities.', 'Café order for the Zürich visit; confirm the plan.', '会议记录：预算、人员配置和假期安排。本周没有例外。', 'Inventory counts were reconciled without exceptions.'];
    const base = `${Array.from({ length: 3000 }, (_, i) => filler[i % 4]).join('\n')}\n`;
    // An HL7-style LAST^FIRST name on the first line of a span, where a cut-dependent pattern would differ.
    for (const k of [1, 4, 8]) {
      const at = [...blocksOf(base)][k]![0];
      const text = `${base.slice(0, at)}DOE^JOHN^Q seen${base.slice(at + 15)}`;
      expect(engine.detectEach([lazy(text).item], { referenceDate })[0], `block ${k}`).toEqual(engine.detect(text, { referenceDate }));
    }
    // A line whose text cut falls inside it, with an overlap, where the bytes' own cut would not.
    const line1 = `${'é'.repeat(7999)}\n`;
    let long = 'word '.repeat(1800).slice(0, 9000);
    const pos = [...blocksOf(`${line1}${long}\nend of note\n`)][1]![0] - line1.length;
    long = `${long.slice(0, pos - 1)}1234-56-7891${long.slice(pos + 11)}`;
    const text = `${line1}${long}\nend of note\n`;
    expect(engine.detectEach([lazy(text).item], { referenceDate })[0]).toEqual(engine.detect(text, { referenceDate }));
  });

  it('keeps a label that gates its value in reach, wherever the byte cuts fall against the text cuts', () => {
    // Lines of wide characters before the pair shift the bytes' cuts away from the text's; the label and its
    // value move line by line across the first blocks' ends.
    const wide = '会议记录：预算、人员配置和假期安排。本周没有例外。\n';
    const plain = 'The quarterly review covers purchasing and the training plans.\n';
    let found = 0;
    for (let at = 40; at < 700; at += 7) {
      const text = `${wide.repeat(at)}Employee SSN\n234567891 on file\n${plain.repeat(700 - at)}`;
      const expected = engine.detect(text, { referenceDate });
      expect(engine.detectEach([lazy(text).item], { referenceDate })[0], `label after line ${at}`).toEqual(expected);
      if (expected.some((f) => f.detector === 'ssn')) found++;
    }
    expect(found).toBeGreaterThan(50);
  });

  it('starts the text path after a clean prefix with what it would have found, keywords before or after values', () => {
    const wide = 'Café notes — the review of the plan continues, 会议记录。\n';
    const plain = 'The quarterly review covers purchasing and the training plans.\n';
    const tails = [
      'SSN 234-56-7891 on the intake form\n',
      '234567891 on file\nEmployee SSN above\n',
      'Employee SSN\n',
      'MRN 12345678\n',
      '12345678\n',
    ];
    let found = 0;
    for (let lines = 300; lines < 3000; lines += 270) {
      for (const [k, tail] of tails.entries()) {
        // A value early with its keyword late, a keyword early with a value late, and values alone.
        const text = `${k === 4 ? 'MRN\n' : ''}${wide.repeat(lines)}${tail}${plain.repeat(400)}${k === 2 ? '234567891\n' : ''}`;
        const expected = engine.detect(text, { referenceDate });
        expect(engine.detectEach([lazy(text).item], { referenceDate })[0], `${lines} lines, tail ${k}`).toEqual(expected);
        if (expected.length > 0) found++;
      }
    }
    expect(found).toBeGreaterThan(10);
  });

  it('never decodes a long clean file, and decodes one with something once', () => {
    const line = 'The quarterly review — purchasing and the training plan — is due.\n';
    const clean = lazy(line.repeat(5000));
    expect(engine.detectEach([clean.item], { referenceDate })).toEqual([[]]);
    expect(clean.reads()).toBe(0);

    const dirty = lazy(`${line.repeat(5000)}SSN 234-56-7891\n`);
    const [found] = engine.detectEach([dirty.item], { referenceDate });
    expect(found!.map((f) => f.detector)).toContain('ssn');
    expect(found).toEqual(engine.detect(`${line.repeat(5000)}SSN 234-56-7891\n`, { referenceDate }));
  });

  it('finds what detect() finds in short texts, and in a spread copy that kept only the bytes', () => {
    for (const text of ['é', 'nothing — here', 'SSN 234-56-7891 — on file', 'Patient: José Núñez DOB 03/14/1962', `${'prosé '.repeat(3000)}MRN: 12345678`]) {
      expect(engine.detectEach([lazy(text).item], { referenceDate })[0], text.slice(0, 30)).toEqual(engine.detect(text, { referenceDate }));
    }
    class LazyText {
      constructor(readonly utf8: Buffer) {}
      get text(): string {
        return this.utf8.toString('utf8');
      }
    }
    const long = `${'Plain prose — line.\n'.repeat(3000)}Employee SSN 234-56-7891\n`;
    const copy = { ...new LazyText(Buffer.from(long, 'utf8')) } as unknown as EngineText;
    expect(copy.text).toBeUndefined();
    expect(engine.detectEach([copy], { referenceDate })[0]).toEqual(engine.detect(long, { referenceDate }));
  });
});
