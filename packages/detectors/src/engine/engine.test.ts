import { describe, expect, it } from 'vitest';
import { PATIENT_IDENTIFIER_DETECTORS, applyDocumentContext, createEngine, detect, listDetectors } from '../index.js';
import type { Finding } from '../types.js';

const referenceDate = new Date('2025-06-01T00:00:00Z');
const engine = createEngine();

describe('createEngine', () => {
  it('lists the built-in detectors, the original six first', () => {
    expect(listDetectors().map((d) => d.id)).toEqual([
      'ssn', 'mrn', 'dob', 'name', 'icd10', 'icd9', 'npi', 'dea', 'mbi', 'hicn', 'itin', 'phone', 'fax', 'email', 'url', 'ip',
      'address', 'health-plan-id', 'account-number', 'license-number', 'vin', 'device-id', 'credit-card', 'date', 'age-over-89', 'relative-name',
    ]);
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
    expect(PATIENT_IDENTIFIER_DETECTORS).toEqual(['ssn', 'mrn', 'name', 'dob', 'mbi', 'hicn']);
  });
});

describe('contact identifiers and document context', () => {
  it('keeps a phone low alone and raises it once the file identifies a patient', () => {
    const [alone] = engine.detect('Phone: (217) 482-3100');
    expect(alone).toMatchObject({ detector: 'phone', confidence: 'low' });
    expect(alone!.reasons.at(-1)).toMatchObject({ rule: 'needs-patient-context', effect: 'lower' });
    const raised = applyDocumentContext([...engine.detect('Phone: (217) 482-3100'), ...engine.detect('MRN: 00123456')]);
    expect(raised.find((f) => f.detector === 'phone')?.confidence).toBe('medium');
  });

  it('tells a fax from a phone by the nearest label', () => {
    const findings = engine.detect('Tel (217) 482-3100   Fax (217) 482-3199');
    expect(findings.map((f) => `${f.detector}:${f.normalized}`)).toEqual(['phone:2174823100', 'fax:2174823199']);
  });

  it('does not raise a sample phone number', () => {
    const raised = applyDocumentContext([...engine.detect('Phone: (217) 555-0142'), ...engine.detect('MRN: 00123456')]);
    expect(raised.find((f) => f.detector === 'phone')?.confidence).toBe('low');
  });
});

describe('custom detectors, allow and deny lists', () => {
  it('runs a configured detector with a built-in validator and keywords', () => {
    const custom = createEngine({
      custom: [{ id: 'employee-id', patterns: ['\\bE[0-9]{6}\\b'], keywords: ['employee'], confidence: 'low', requireKeyword: true }],
    });
    expect(custom.detect('Employee E123456 badge').map((f) => `${f.detector}:${f.confidence}`)).toEqual(['employee-id:medium']);
    expect(custom.detect('Part E123456')).toEqual([]);
    const luhn = createEngine({ custom: [{ id: 'member-card', patterns: ['\\b[0-9]{11}\\b'], validator: 'luhn' }] });
    expect(luhn.detect('card 79927398713').map((f) => f.detector)).toContain('member-card');
    expect(luhn.detect('card 79927398714').map((f) => f.detector)).not.toContain('member-card');
  });

  it('names the detector in every configuration error', () => {
    expect(() => createEngine({ custom: [{ id: 'badge', patterns: ['(['] }] })).toThrow(/Custom detector "badge", pattern #1: not a valid RE2 pattern/);
    expect(() => createEngine({ custom: [{ id: 'badge', patterns: ['a*'] }] })).toThrow(/"badge".*empty string/);
    expect(() => createEngine({ custom: [{ id: 'ssn', patterns: ['x'] }] })).toThrow(/"ssn": the id is taken/);
    expect(() => createEngine({ custom: [{ id: 'badge', patterns: ['x'], validator: 'crc' as never }] })).toThrow(/"badge": unknown validator "crc"/);
    expect(() => createEngine({ custom: [{ id: 'Bad Id', patterns: ['x'] }] })).toThrow(/Custom detector "Bad Id": id must be/);
    expect(() => createEngine({ allow: [{ pattern: '([' }] })).toThrow(/Allow list entry #1/);
    expect(() => createEngine({ deny: [''] })).toThrow(/Deny list entry #1/);
  });

  it('drops allowed values and always reports denied ones', () => {
    const listed = createEngine({ allow: ['(217) 482-3100', { pattern: '00123[0-9]{3}', detectors: ['mrn'] }], deny: ['Test Patient', { pattern: '\\bZZ[0-9]{4}\\b' }] });
    const text = 'Phone: (217) 482-3100 MRN: 00123456 MRN: 00999999 Name: Test Patient code ZZ1234';
    const ids = listed.detect(text).map((f) => `${f.detector}:${f.normalized}`);
    expect(ids).not.toContain('phone:2174823100');
    expect(ids).not.toContain('mrn:00123456');
    expect(ids).toContain('mrn:00999999');
    expect(ids).toEqual(expect.arrayContaining(['deny-list:TEST PATIENT', 'deny-list:ZZ1234']));
  });
});

describe('anchored patterns', () => {
  it('anchoredAtStart reads only sources that can match at offset 0 alone', async () => {
    const { anchoredAtStart } = await import('./compile.js');
    expect(anchoredAtStart('^[ \\t]*(?P<v>[0-9]{5}(?:-[0-9]{4})?)[ \\t]*$')).toBe(true);
    expect(anchoredAtStart('^(?:a|b)c')).toBe(true);
    expect(anchoredAtStart('^[|(]x')).toBe(true);
    expect(anchoredAtStart('^a|b')).toBe(false);
    expect(anchoredAtStart('(?m)^a')).toBe(false);
    expect(anchoredAtStart('^(?im:a)')).toBe(false);
    expect(anchoredAtStart('(?:^|\\|)x')).toBe(false);
    expect(anchoredAtStart('\\bx')).toBe(false);
  });

  it('every cell pattern is anchored, and a cell gives the same findings as a search that looks on', async () => {
    const { compileDetectors } = await import('./compile.js');
    const { BUILTIN_DETECTORS } = await import('../detectors/index.js');
    const compiled = compileDetectors(BUILTIN_DETECTORS);
    const cells = compiled.detectors.flatMap((d) => d.patterns.filter((p) => p.spec.scope === 'cell'));
    expect(cells.length).toBeGreaterThan(5);
    expect(cells.every((p) => p.once)).toBe(true);
    // Searching on from the end of the first match finds nothing: skipping that search loses nothing.
    for (const pattern of cells) {
      for (const text of ['Adams', ' 1990588 ', '1938-02-08', '94110', '(415) 555-0134', 'K6827066', '92', 'Gary Adams']) {
        pattern.regex.lastIndex = 0;
        const first = pattern.regex.exec(text);
        if (first) expect(pattern.regex.exec(text)).toBeNull();
      }
    }
    // One match per anchored cell pattern still comes out.
    expect(engine.detect('Adams', { columnHeader: 'Last Name', referenceDate }).map((f) => [f.detector, f.value])).toEqual([['name', 'Adams']]);
  });
});
