import { describe, expect, it } from 'vitest';
import { PATIENT_IDENTIFIER_DETECTORS, applyDocumentContext, createEngine, detect, listDetectors } from '../index.js';
import type { Finding } from '../types.js';

const referenceDate = new Date('2025-06-01T00:00:00Z');
const engine = createEngine();

describe('createEngine', () => {
  it('lists the six built-in detectors', () => {
    expect(listDetectors().map((d) => d.id)).toEqual(['ssn', 'mrn', 'dob', 'name', 'icd10', 'icd9']);
    expect(engine.detectors.find((d) => d.id === 'icd10')?.role).toBe('health-information');
  });

  it('returns findings sorted by start with line and column', () => {
    const text = 'Patient: John Smith\nDOB: 03/14/1962  MRN: 00123456\r\nSSN: 234-56-7891';
    const findings = engine.detect(text, { referenceDate });
    expect(findings.map((f) => f.detector)).toEqual(['name', 'dob', 'mrn', 'ssn']);
    const ssn = findings.find((f) => f.detector === 'ssn')!;
    expect(ssn).toMatchObject({ line: 3, column: 6, value: '234-56-7891', normalized: '234567891', confidence: 'high' });
    expect(text.slice(ssn.start, ssn.end)).toBe(ssn.value);
    const dob = findings.find((f) => f.detector === 'dob')!;
    expect(dob).toMatchObject({ line: 2, column: 6 });
  });

  it('filters by minConfidence', () => {
    const text = 'code E11.9 and SSN 234-56-7891';
    expect(engine.detect(text).map((f) => f.detector)).toEqual(['icd10', 'ssn']);
    expect(engine.detect(text, { minConfidence: 'medium' }).map((f) => f.detector)).toEqual(['ssn']);
  });

  it('runs only the requested detectors', () => {
    const only = createEngine({ detectors: ['ssn'] });
    expect(only.detectors.map((d) => d.id)).toEqual(['ssn']);
    expect(only.detect('MRN: 00123456 SSN: 234-56-7891').map((f) => f.detector)).toEqual(['ssn']);
    expect(engine.detect('MRN: 00123456 SSN: 234-56-7891', { detectors: ['mrn'] }).map((f) => f.detector)).toEqual(['mrn']);
    expect(() => createEngine({ detectors: ['nope'] })).toThrow(/nope/);
  });

  it('explains confidence without repeating the value', () => {
    const [finding] = engine.detect('SSN: 234-56-7891');
    expect(finding!.reasons.map((r) => r.rule)).toEqual(['pattern', 'validator', 'keyword']);
    expect(JSON.stringify(finding!.reasons)).not.toContain('234');
  });

  it('finds matches past the first search block of a large text', () => {
    const filler = 'nothing to see here, just words and more words.\n'.repeat(2000);
    const text = `${filler}SSN: 234-56-7891\n${filler}ICD-9 code 250.00\n`;
    const findings = engine.detect(text);
    expect(findings.map((f) => [f.detector, f.normalized, f.line])).toEqual([
      ['ssn', '234567891', 2001],
      ['icd9', '250.00', 4002],
    ]);
  });

  it('keeps the gate open for a keyword just before a block boundary', () => {
    const filler = 'x'.repeat(8 * 1024 - 6);
    const text = `${filler}\nSSN\n456789123\n${'y'.repeat(40_000)}`;
    expect(engine.detect(text).map((f) => f.normalized)).toEqual(['456789123']);
  });

  it('returns nothing for empty or clean text', () => {
    expect(detect('')).toEqual([]);
    expect(detect('The weather in Springfield was mild on Tuesday.')).toEqual([]);
  });

  it('raises icd10 when the caller says the document has a patient identifier', () => {
    const [finding] = engine.detect('code E11.9', { documentHasPatientIdentifier: true });
    expect(finding?.confidence).toBe('medium');
  });
});

describe('site MRN patterns', () => {
  const site = createEngine({ mrnPatterns: ['\\bH[0-9]{7}\\b'] });

  it('finds the site format anywhere at medium, high with a label', () => {
    expect(site.detect('see H1234567 today')).toMatchObject([{ detector: 'mrn', normalized: 'H1234567', confidence: 'medium' }]);
    expect(site.detect('MRN H1234567')).toMatchObject([{ detector: 'mrn', normalized: 'H1234567', confidence: 'high' }]);
  });

  it('names an invalid pattern in the error', () => {
    expect(() => createEngine({ mrnPatterns: ['ok[0-9]+', 'bad(['] })).toThrow(/MRN pattern #2 "bad\(\["/);
  });

  it('rejects a pattern that matches the empty string', () => {
    expect(() => createEngine({ mrnPatterns: ['[0-9]*'] })).toThrow(/empty string/);
  });
});

describe('applyDocumentContext', () => {
  const icdOnly = (): Finding[] => [...engine.detect('Item E11.9 restock'), ...engine.detect('code J45.909')];

  it('leaves health findings alone without a patient identifier', () => {
    const findings = icdOnly();
    expect(applyDocumentContext(findings).map((f) => f.confidence)).toEqual(['low', 'low']);
  });

  it('raises unlowered icd10 findings once the document has an identifier', () => {
    const findings = [...icdOnly(), ...engine.detect('MRN: 00123456')];
    const raised = applyDocumentContext(findings);
    const icd = raised.filter((f) => f.detector === 'icd10');
    // The first code sits next to 'Item': its own context lowered it, so the document does not raise it.
    expect(icd.map((f) => f.confidence)).toEqual(['low', 'medium']);
    expect(icd[1]!.reasons.at(-1)).toMatchObject({ rule: 'document-context', effect: 'raise' });
    expect(findings.filter((f) => f.detector === 'icd10').map((f) => f.confidence)).toEqual(['low', 'low']);
  });

  it('does not count low identifiers', () => {
    const sampleSsn = engine.detect('SSN: 123-45-6789');
    expect(sampleSsn[0]?.confidence).toBe('low');
    expect(applyDocumentContext([...icdOnly(), ...sampleSsn]).filter((f) => f.confidence === 'medium')).toEqual([]);
  });

  it('names the identifier detectors', () => {
    expect(PATIENT_IDENTIFIER_DETECTORS).toEqual(['ssn', 'mrn', 'name', 'dob']);
  });
});
