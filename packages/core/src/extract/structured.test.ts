import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAnalyzer, defaultAnalysisSettings } from '../analyze.js';
import { sniffFormat } from '../sniff.js';
import { extractText } from './index.js';
import { markdownToText } from './markdown.js';
import { fieldHeader, fieldWords } from './structured.js';
import { markupToText } from './text.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractResult, type TextSegment } from './types.js';

function ok(r: ExtractResult): TextSegment[] {
  if (!r.ok) throw new Error(`expected success, got ${r.reason}: ${r.message}`);
  return r.segments;
}

const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');

describe('field names as headers', () => {
  it('splits camelCase, snake_case and namespace prefixes', () => {
    expect(fieldWords('patientName')).toBe('patient Name');
    expect(fieldWords('PatientDOB')).toBe('Patient DOB');
    expect(fieldWords('date_of_birth')).toBe('date of birth');
    expect(fieldWords('hl7:PatientID')).toBe('Patient ID');
    expect(fieldWords('MRNNumber')).toBe('MRN Number');
  });
  it('prefixes generic fields with their holder', () => {
    expect(fieldHeader('id', 'patient')).toBe('patient id');
    expect(fieldHeader('name', 'provider')).toBe('provider name');
    expect(fieldHeader('dob', 'patient')).toBe('dob');
  });
});

describe('JSON', () => {
  const roster = JSON.stringify([
    { mrn: '00482913', patientName: 'Quillon Abernathy', date_of_birth: '1962-03-14', visits: [{ dx: 'E11.9' }] },
    { mrn: 48213, patientName: 'Jane Roe', note: 'Patient called.\nSSN on file 078-05-1120' },
  ]);

  it('gives each leaf its key as header, its array item as record and a JSONPath', async () => {
    const r = await extractText(bytes(roster), 'export.json');
    expect(r.format).toBe('json');
    const segs = ok(r);
    expect(segs).toContainEqual({ text: '00482913', location: { path: '$[0].mrn' }, columnHeader: 'mrn', recordKey: '$[0]' });
    expect(segs).toContainEqual({ text: '1962-03-14', location: { path: '$[0].date_of_birth' }, columnHeader: 'date of birth', recordKey: '$[0]' });
    // A nested visit stays in its patient's record.
    expect(segs).toContainEqual({ text: 'E11.9', location: { path: '$[0].visits[0].dx' }, columnHeader: 'dx', recordKey: '$[0]' });
    expect(segs).toContainEqual({ text: '48213', location: { path: '$[1].mrn' }, columnHeader: 'mrn', recordKey: '$[1]' });
    // Free text keeps full text detection: no header to mislead it.
    const note = segs.find((s) => s.text.startsWith('Patient called'));
    expect(note).toEqual({ text: 'Patient called.\nSSN on file 078-05-1120', location: { path: '$[1].note' }, recordKey: '$[1]' });
    // Keys are names, not values.
    expect(segs.some((s) => s.text === 'mrn' || s.text === 'patientName')).toBe(false);
  });

  it('masks keys that carry identifiers before they become part of a location', async () => {
    const byMrn = JSON.stringify({ patients: { '00482913': { name: 'Jane Roe' }, '512-44-8391': { dx: 'E11.9' } } });
    const paths = ok(await extractText(bytes(byMrn), 'by-mrn.json')).map((s) => (s.location as { path: string }).path);
    expect(paths.join(' ')).not.toMatch(/00482913|512-44-8391/);
    expect(paths).toContain('$.patients["***-**-8391"].dx');
  });

  it('passes wrapper objects down to the records inside them', async () => {
    const doc = { pages: [{ results: [{ name: 'Jane Roe' }, { name: 'John Roe' }] }], 'odd key': ['x'] };
    const segs = ok(await extractText(bytes(JSON.stringify(doc)), 'page.json'));
    expect(segs[0]).toMatchObject({ location: { path: '$.pages[0].results[0].name' }, recordKey: '$.pages[0].results[0]' });
    expect(segs[1]).toMatchObject({ recordKey: '$.pages[0].results[1]' });
    expect(segs[2]).toMatchObject({ text: 'x', location: { path: '$["odd key"][0]' }, columnHeader: 'odd key' });
    expect(segs[2]!.recordKey).toBeUndefined();
  });

  it('reads JSON Lines one document per line, plain lines kept as text', async () => {
    const text = '{"mrn":"00482913","dob":"1962-03-14"}\nnot json: DOB 03/14/1962\n\n{"mrn":"00482914"}\n';
    const segs = ok(await extractText(bytes(text), 'feed.ndjson'));
    expect(segs).toEqual([
      { text: '00482913', location: { path: '$.mrn', line: 1 }, columnHeader: 'mrn', recordKey: 'line:1:$' },
      { text: '1962-03-14', location: { path: '$.dob', line: 1 }, columnHeader: 'dob', recordKey: 'line:1:$' },
      { text: 'not json: DOB 03/14/1962\n', location: { line: 2 } },
      { text: '00482914', location: { path: '$.mrn', line: 4 }, columnHeader: 'mrn', recordKey: 'line:4:$' },
    ]);
  });

  it('falls back to plain text when the JSON is malformed', async () => {
    const text = '{"patient": "Jane Roe", "ssn": "078-05-1120",,, oops\n';
    const r = await extractText(bytes(text), 'broken.json');
    expect(r).toMatchObject({ ok: true, format: 'text' });
    expect(ok(r)).toEqual([{ text, location: { line: 1 } }]);
  });

  it('sniffs JSON by content; a log that only starts like JSON stays text', async () => {
    expect(sniffFormat(bytes('  [{"a":1}]'), 'export')).toBe('json');
    const log = '[INFO] 2024-11-02 started\n[WARN] DOB 03/14/1962\n';
    const r = await extractText(bytes(log), 'app.log');
    expect(r).toMatchObject({ ok: true, format: 'text' });
    expect(ok(r)[0]!.text).toBe(log);
  });

  it('walks 100,000 levels of nesting without using the call stack', async () => {
    const depth = 100_000;
    const deep = `${'['.repeat(depth)}"078-05-1120"${']'.repeat(depth)}`;
    const segs = ok(await extractText(bytes(deep), 'deep.json'));
    expect(segs).toHaveLength(1);
    expect(segs[0]!.text).toBe('078-05-1120');
    // Paths stop growing: a deep file does not give every value a path as long as the file.
    expect((segs[0]!.location as { path: string }).path.length).toBeLessThan(300);
    const objects = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    expect(ok(await extractText(bytes(objects), 'deep.json'))).toHaveLength(1);
  });

  it('scans JSON too large to parse as text, and says so', async () => {
    const text = JSON.stringify({ patient: 'Jane Roe', ssn: '078-05-1120' });
    const r = await extractText(bytes(text), 'big.json', { ...DEFAULT_EXTRACT_LIMITS, maxStructuredChars: 16 });
    expect(r).toMatchObject({ ok: true, format: 'text', degraded: 'JSON over 16 characters scanned as text' });
    expect(ok(r)[0]!.text).toBe(text);
  });
});

describe('XML', () => {
  const xml = [
    '<?xml version="1.0"?>',
    '<Export xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" site="ZEPHYR">',
    '  <Patient>',
    '    <MRN>00482913</MRN>',
    '    <PatientName>Quillon Abernathy</PatientName>',
    '    <DiagnosisCode>E11.9</DiagnosisCode><DiagnosisCode>I10</DiagnosisCode>',
    '  </Patient>',
    '  <Patient id="P2"><DOB>1980-12-01</DOB></Patient>',
    '</Export>',
  ].join('\n');

  it('gives element text its name as header, the repeated element as record and an XPath with the line', async () => {
    const r = await extractText(bytes(xml), 'export.xml');
    expect(r.format).toBe('xml');
    const segs = ok(r);
    expect(segs).toContainEqual({ text: 'ZEPHYR', location: { path: '/Export/@site', line: 2 }, columnHeader: 'site' });
    expect(segs).toContainEqual({
      text: 'Quillon Abernathy',
      location: { path: '/Export/Patient[1]/PatientName', line: 5 },
      columnHeader: 'Patient Name',
      recordKey: '/Export/Patient[1]',
    });
    expect(segs).toContainEqual({
      text: 'I10',
      location: { path: '/Export/Patient[1]/DiagnosisCode[2]', line: 6 },
      columnHeader: 'Diagnosis Code',
      recordKey: '/Export/Patient[1]',
    });
    expect(segs).toContainEqual({ text: 'P2', location: { path: '/Export/Patient[2]/@id', line: 8 }, columnHeader: 'Patient id', recordKey: '/Export/Patient[2]' });
    expect(segs).toContainEqual({ text: '1980-12-01', location: { path: '/Export/Patient[2]/DOB', line: 8 }, columnHeader: 'DOB', recordKey: '/Export/Patient[2]' });
  });

  it('reads mixed content and narratives as text', async () => {
    const doc = '<Doc>\n<Note>Patient <b>Jane Roe</b> seen\ntoday</Note>\n<section><text><table><tr><th>DOB</th><td>03/14/1962</td></tr></table></text></section>\n</Doc>';
    const segs = ok(await extractText(bytes(doc), 'note.xml'));
    expect(segs[0]).toEqual({ text: 'Patient Jane Roe seen\ntoday', location: { path: '/Doc/Note', line: 2 } });
    expect(segs[1]!.text).toContain('DOB: 03/14/1962');
    expect(segs[1]!.location).toEqual({ path: '/Doc/section/text', line: 4 });
  });

  it('never expands DTD entities, and still scans the DTD text', async () => {
    const bomb =
      '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n<lolz><v>&lol2;</v><w>ok</w></lolz>';
    const segs = ok(await extractText(bytes(bomb), 'bomb.xml'));
    const all = segs.map((s) => s.text).join('\n');
    expect(all).not.toContain('lollollol');
    expect(segs).toContainEqual({ text: '&lol2;', location: { path: '/lolz/v', line: 6 }, columnHeader: 'v' });
    expect(segs).toContainEqual({ text: 'ok', location: { path: '/lolz/w', line: 6 }, columnHeader: 'w' });
    expect(segs[0]!.location).toEqual({ line: 2 });
  });

  it('sends XHTML to the page reader', () => {
    expect(sniffFormat(bytes('<?xml version="1.0"?>\n<!-- x -->\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'), 'page.xml')).toBe('html');
    expect(sniffFormat(bytes('<?xml version="1.0"?><Export/>'), 'export.dat')).toBe('xml');
  });
});

describe('HTML labels and values', () => {
  it('joins a row header and its cell, and columns under a header row, keeping later lines', () => {
    const html = [
      '<table>',
      '<tr><th scope="row">Patient Name</th>',
      '<td>Jane Roe</td></tr>',
      '</table>',
      '<table><thead><tr><th>Name</th><th>DOB</th></tr></thead>',
      '<tr><td>John Roe</td><td>03/14/1962</td></tr></table>',
      '<dl><dt>MRN</dt>',
      '<dd>00482913</dd></dl>',
      '<label for="d">Date of birth</label>',
      '<input id="d" value="12/01/1980">',
      '<p>last line</p>',
    ].join('\n');
    const lines = markupToText(html, 'html').split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[1]).toContain('Patient Name: Jane Roe');
    expect(lines[4]).toContain('Name | DOB');
    expect(lines[5]).toContain('Name: John Roe | DOB: 03/14/1962');
    expect(lines[6]).toContain('MRN: 00482913');
    expect(lines[8]).toMatch(/Date of birth:\s+12\/01\/1980/);
    expect(lines[10]).toContain('last line');
  });
});

describe('Markdown', () => {
  it('strips emphasis, headings and table pipes line for line', () => {
    const md = '# Note\n**Patient:** Jane Roe  \n__DOB:__ *03/14/1962*\n\n| Field | Value |\n| --- | --- |\n| MRN | `00482913` |\n\n| Dx code | Description |\n|---|---|\n| E11.9 | Type 2 |\nsnake_case * stays';
    const lines = markdownToText(md).split('\n');
    expect(lines).toEqual([
      'Note',
      'Patient: Jane Roe  ',
      'DOB: 03/14/1962',
      '',
      'Field | Value',
      '',
      'MRN: 00482913',
      '',
      'Dx code | Description',
      '',
      'Dx code: E11.9 | Description: Type 2',
      'snake_case * stays',
    ]);
  });
});

describe('example share structured files', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../../../examples/expected.json', import.meta.url), 'utf8')) as {
    files: Record<string, { detectors: string[]; absent: string[]; records: number }>;
  };
  const analyzer = createAnalyzer(defaultAnalysisSettings({ fingerprintKey: 'structured-test' }));
  const cases: [string, string][] = [
    ['Exports/patients.json', 'json'],
    ['Exports/patients.xml', 'xml'],
    ['Portal/patient_summary_5455784.html', 'html'],
    ['Clinical/Notes/progress_note_2024-10-09.md', 'md'],
  ];
  for (const [path, format] of cases) {
    it(`${path} gives the manifest's detectors and records`, async () => {
      const expected = manifest.files[path]!;
      const data = readFileSync(new URL(`../../../../examples/share/${path}`, import.meta.url));
      const result = await analyzer.analyze(data, path);
      expect(result.format).toBe(format);
      const found = new Set(result.findings.map((f) => f.detector));
      for (const id of expected.detectors) expect(found, id).toContain(id);
      for (const id of expected.absent) expect(found, id).not.toContain(id);
      expect(result.records).toBe(expected.records);
    });
  }
});
