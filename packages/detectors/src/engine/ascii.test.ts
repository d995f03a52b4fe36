import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { createEngine, type EngineText } from '../index.js';
import { digits, lazyText, random, seededFile } from './seeded.test-helper.js';

const referenceDate = new Date('2025-06-01T00:00:00Z');

/**
 * Synthetic files of office prose and table lines, tens of KiB to a few hundred: most lines hold nothing, some
 * numbers that need a label, a label far from its value or right beside it, and now and then an identifier.
 * Some files have one long line with no newline (cut at spaces, with overlap), some a last block alone.
 */
function asciiFile(seed: number): string {
  const next = random(seed);
  const prose = [
    'The quarterly review covers purchasing, facilities and the training plan for next year.',
    'Inventory counts were reconciled against the vendor statements without exceptions.',
    'Room 4 projector replaced; the account team will confirm the service plan by Friday.',
    'Agenda: budget, staffing, the parking survey and the holiday schedule.',
  ];
  const phi = [
    () => `Patient: John Smith, DOB 03/14/19${digits(next, 2)}, MRN ${digits(next, 8)}`,
    () => `SSN 234-56-${digits(next, 4)} on the intake form`,
    () => `MRN`,
    () => `${digits(next, 8)} follow-up in clinic`,
    () => `call (617) 55${digits(next, 1)}-${digits(next, 4)} about the refill`,
    () => `Dx E11.9 and I10 reviewed with the patient`,
    () => `maria.garcia${digits(next, 2)}@example.org`,
  ];
  const words = ['alpha', 'beta', 'gamma'];
  return seededFile(next, { prose, phi, longShare: 0.004, phiShare: 0.02, tableShare: 0.35, longWords: words, minChars: 20_000, extraChars: 300_000, dirtyShare: 0.6 });
}

const lazy = (text: string) => lazyText(text, 'ascii');

describe('ASCII text read from its bytes', () => {
  const engine = createEngine();

  it('finds what detect() finds in the decoded text, file after file', () => {
    let dirty = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const text = asciiFile(seed);
      const expected = engine.detect(text, { referenceDate });
      const [found] = engine.detectEach([lazy(text).item], { referenceDate });
      expect(found, `seed ${seed}`).toEqual(expected);
      if (expected.length > 0) dirty++;
    }
    // The cases are worth something only if both kinds occur.
    expect(dirty).toBeGreaterThan(5);
    expect(dirty).toBeLessThan(40);
  });

  it('carries a label at the end of one span over to its value at the start of the next', () => {
    // Prose lines of 64 characters; the label and its value are moved line by line across the first spans'
    // ends (a span is up to four blocks of a little over 8 KiB), so some pair straddles each cut.
    const line = 'The quarterly review covers purchasing and the training plans.\n';
    let straddling = 0;
    for (let at = 100; at < 1100; at += 3) {
      const text = `${line.repeat(at)}Employee SSN\n234567891 on file\n${line.repeat(1200 - at)}`;
      const expected = engine.detect(text, { referenceDate });
      expect(engine.detectEach([lazy(text).item], { referenceDate })[0], `label after line ${at}`).toEqual(expected);
      if (expected.some((f) => f.detector === 'ssn')) straddling++;
    }
    expect(straddling).toBeGreaterThan(300);
  });

  it('finds what detect() finds in short texts and single cells', () => {
    for (const text of ['', 'nothing here', 'SSN 234-56-7891', 'Patient: John Smith DOB 03/14/1962', `${'prose '.repeat(2000)}MRN: 12345678`]) {
      expect(engine.detectEach([lazy(text).item], { referenceDate })[0]).toEqual(engine.detect(text, { referenceDate }));
    }
  });

  it('never makes the string of a long file with nothing due, and makes it once for a file with something', () => {
    const clean = lazy('The quarterly review covers purchasing and the training plan.\n'.repeat(5000));
    expect(engine.detectEach([clean.item], { referenceDate })).toEqual([[]]);
    expect(clean.reads()).toBe(0);

    const dirty = lazy(`${'The quarterly review covers purchasing and the training plan.\n'.repeat(5000)}SSN 234-56-7891\n`);
    const [found] = engine.detectEach([dirty.item], { referenceDate });
    expect(found!.map((f) => f.detector)).toContain('ssn');
    expect(dirty.reads()).toBe(1);
  });

  it('reads the bytes alone in a copy that spread a segment whose text is a getter on its class', () => {
    class LazyText {
      constructor(readonly ascii: Buffer) {}
      get text(): string {
        return this.ascii.toString('latin1');
      }
    }
    const copyOf = (text: string, columnHeader?: string): EngineText =>
      ({ ...new LazyText(Buffer.from(text, 'latin1')), ...(columnHeader ? { columnHeader } : {}) }) as unknown as EngineText;
    const long = `${'Plain prose line.\n'.repeat(3000)}Employee SSN 234-56-7891\n`;
    expect(copyOf(long).text).toBeUndefined();
    // A long text, also with engines whose text path the bytes cannot take (deny list, site MRN formats).
    for (const options of [{}, { deny: ['Jane Doe'] }, { mrnPatterns: ['\\bA[0-9]{7}\\b'] }]) {
      const withOptions = createEngine(options);
      expect(withOptions.detectEach([copyOf(long)], { referenceDate })[0]).toEqual(withOptions.detect(long, { referenceDate }));
    }
    // Short texts asked about as a group, and a cell under a header whose column patterns read the text.
    const short = ['nothing here', 'SSN 234-56-7891', 'also nothing'];
    expect(engine.detectEach(short.map((t) => copyOf(t)), { referenceDate })).toEqual(short.map((t) => engine.detect(t, { referenceDate })));
    expect(engine.detectEach([copyOf('12345678', 'MRN')], { referenceDate })).toEqual([engine.detect('12345678', { referenceDate, columnHeader: 'MRN' })]);
  });

  it('keeps the column header rules: a cell under a header that names its field is still found', () => {
    for (const [text, columnHeader] of [['12345678', 'MRN'], ['1962-03-14', 'DOB'], ['12345678', 'Qty']] as const) {
      const cell = { text, columnHeader, ascii: Buffer.from(text, 'latin1') };
      expect(engine.detectEach([cell], { referenceDate })[0]).toEqual(engine.detect(text, { referenceDate, columnHeader }));
    }
    expect(engine.detectEach([{ text: '12345678', columnHeader: 'MRN', ascii: Buffer.from('12345678') }], { referenceDate })[0]!.map((f) => f.detector)).toContain('mrn');
  });
});
