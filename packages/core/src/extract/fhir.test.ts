import { describe, expect, it } from 'vitest';
import { createAnalyzer, defaultAnalysisSettings } from '../analyze.js';
import { sniffFormat } from '../sniff.js';
import { extractText } from './index.js';
import { extractFhirXml } from './fhir.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractResult, type TextSegment } from './types.js';

interface SynthPatient {
  id: string;
  given: string;
  family: string;
  birthDate: string;
  ssn: string;
  mrn: string;
  phone: string;
  icd10: string;
}

const PATIENTS: SynthPatient[] = [
  { id: 'p1', given: 'Quillon', family: 'Abernathy', birthDate: '1962-03-14', ssn: '512-44-8391', mrn: 'M4471203', phone: '(919) 555-0142', icd10: 'E11.9' },
  { id: 'p2', given: 'Marisol', family: 'Vantongeren', birthDate: '1985-11-02', ssn: '437-21-6650', mrn: 'M9920114', phone: '(217) 555-0187', icd10: 'J45.909' },
];

function patientResource(p: SynthPatient) {
  return {
    resourceType: 'Patient',
    id: p.id,
    text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml"><p>${p.given} ${p.family}, born ${p.birthDate}</p></div>` },
    identifier: [
      { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: 'urn:oid:1.2.3.4', value: p.mrn },
      { system: 'http://hl7.org/fhir/sid/us-ssn', value: p.ssn.replace(/-/g, '') },
    ],
    name: [{ use: 'official', family: p.family, given: [p.given] }],
    telecom: [{ system: 'phone', value: p.phone, use: 'home' }],
    gender: 'female',
    birthDate: p.birthDate,
    address: [{ line: ['7491 Sunset St'], city: 'Raleigh', state: 'NC', postalCode: '27689' }],
  };
}

function conditionResource(p: SynthPatient, subject: string) {
  return {
    resourceType: 'Condition',
    id: `c-${p.id}`,
    subject: { reference: subject },
    code: {
      coding: [
        { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: p.icd10, display: 'Diagnosis' },
        { system: 'http://snomed.info/sct', code: '44054006', display: 'Diabetes' },
      ],
    },
  };
}

function bundle() {
  const note = Buffer.from(`Clinic note. Patient ${PATIENTS[0]!.given} ${PATIENTS[0]!.family} seen today.`).toString('base64');
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      // The Condition comes first: its subject must still find the Patient listed after it.
      { fullUrl: 'urn:uuid:cond-1', resource: conditionResource(PATIENTS[0]!, 'urn:uuid:pat-1') },
      ...PATIENTS.map((p, i) => ({ fullUrl: `urn:uuid:pat-${i + 1}`, resource: patientResource(p) })),
      { fullUrl: 'urn:uuid:cond-2', resource: conditionResource(PATIENTS[1]!, 'Patient/p2') },
      {
        fullUrl: 'urn:uuid:doc-1',
        resource: {
          resourceType: 'DocumentReference',
          id: 'd1',
          subject: { reference: 'urn:uuid:pat-1' },
          content: [{ attachment: { contentType: 'text/plain', data: note } }],
        },
      },
    ],
  };
}

function ok(r: ExtractResult): TextSegment[] {
  if (!r.ok) throw new Error(`expected success, got ${r.reason}: ${r.message}`);
  return r.segments;
}

const analyzer = createAnalyzer(defaultAnalysisSettings({ fingerprintKey: 'k' }));

describe('FHIR JSON', () => {
  it('is recognised by content, whatever the name', () => {
    expect(sniffFormat(Buffer.from(JSON.stringify(bundle())), 'export.txt')).toBe('fhir-json');
    expect(sniffFormat(Buffer.from(JSON.stringify({ patients: [] })), 'export.json')).not.toBe('fhir-json');
  });

  it('gives identifiers, names, dates and ICD-10-CM codes the headers their elements mean, keyed per Patient', async () => {
    const segs = ok(await extractText(Buffer.from(JSON.stringify(bundle(), null, 2)), 'bundle.json'));
    const by = (text: string) => segs.find((s) => s.text === text);
    expect(by('512448391')).toMatchObject({ columnHeader: 'SSN', recordKey: 'patient:Patient/p1', location: { path: 'Patient/p1.identifier[1].value' } });
    expect(by('M4471203')).toMatchObject({ columnHeader: 'MRN', recordKey: 'patient:Patient/p1' });
    expect(by('Quillon Abernathy')).toMatchObject({ columnHeader: 'Patient Name' });
    expect(by('1962-03-14')).toMatchObject({ columnHeader: 'Date of Birth' });
    expect(by('(919) 555-0142')).toMatchObject({ columnHeader: 'Patient Phone Number' });
    expect(by('7491 Sunset St, Raleigh, NC 27689')).toMatchObject({ columnHeader: 'Patient Address' });
    // The Condition before its Patient and the one referring by 'Patient/p2' both land in their patient's record.
    expect(by('E11.9')).toMatchObject({ columnHeader: 'ICD-10-CM Diagnosis Code', recordKey: 'patient:Patient/p1' });
    expect(by('J45.909')).toMatchObject({ recordKey: 'patient:Patient/p2' });
    // SNOMED codes are not text to scan; the narrative and the base64 note are.
    expect(by('44054006')).toBeUndefined();
    expect(segs.some((s) => s.text.includes('born 1962-03-14') && s.location && 'path' in s.location && s.location.path.endsWith('text.div'))).toBe(true);
    expect(segs.find((s) => s.text.startsWith('Clinic note'))).toMatchObject({ recordKey: 'patient:Patient/p1' });
  });

  it('counts one record per Patient, each with its diagnosis', async () => {
    const result = await analyzer.analyze(Buffer.from(JSON.stringify(bundle())), 'bundle.json');
    expect(result.format).toBe('fhir-json');
    expect(result.records).toBe(2);
    expect(result.recordList!.every((r) => r.phi)).toBe(true);
    const ssn = result.findings.find((f) => f.detector === 'ssn');
    expect(ssn?.location).toEqual({ path: 'Patient/p1.identifier[1].value' });
    expect(result.findings.filter((f) => f.detector === 'icd10').length).toBe(2);
  });

  it('reads NDJSON bulk exports line by line, linking Conditions to Patients of the same file', async () => {
    const lines = [...PATIENTS.map((p) => JSON.stringify(patientResource(p))), ...PATIENTS.map((p) => JSON.stringify(conditionResource(p, `Patient/${p.id}`)))];
    const r = await extractText(Buffer.from(lines.join('\n') + '\n'), 'Patient.ndjson');
    expect(r.format).toBe('fhir-ndjson');
    const segs = ok(r);
    expect(segs.find((s) => s.text === 'J45.909')).toMatchObject({ recordKey: 'patient:Patient/p2', location: { path: 'Condition/c-p2.code.coding[0].code', line: 4 } });
    const result = await analyzer.analyze(Buffer.from(lines.join('\n')), 'Patient.ndjson');
    expect(result.records).toBe(2);
  });

  it('masks resource ids that look like identifiers before they name a location', async () => {
    const p = { ...patientResource(PATIENTS[0]!), id: '00482913' };
    const segs = ok(await extractText(Buffer.from(JSON.stringify(p)), 'p.json'));
    const paths = segs.map((s) => (s.location as { path: string }).path).join(' ');
    expect(paths).not.toContain('00482913');
    expect(paths).toContain('Patient/****2913.identifier[1].value');
  });

  it('survives a resource nested 100 000 levels deep, and says what it left', async () => {
    const deep = `{"resourceType":"Patient","id":"p1","birthDate":"1962-03-14","extension":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const r = await extractText(Buffer.from(deep), 'deep.json');
    expect(r.ok).toBe(true);
    const nested = `{"resourceType":"Basic","code":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`;
    expect(await extractText(Buffer.from(nested), 'nested.json')).toMatchObject({ ok: true, degraded: expect.stringMatching(/nested deeper/) });
  });

  it('reads a plain JSON array of resources like a Bundle', async () => {
    const list = JSON.stringify([patientResource(PATIENTS[1]!), conditionResource(PATIENTS[1]!, 'Patient/p2')]);
    expect(sniffFormat(Buffer.from(list), 'export.json')).toBe('fhir-json');
    const result = await analyzer.analyze(Buffer.from(list), 'export.json');
    expect(result.records).toBe(1);
    expect(result.recordList![0]!.phi).toBe(true);
  });

  it('hands a base64 PDF attachment on as a file of its own', async () => {
    const doc = {
      resourceType: 'DocumentReference',
      id: 'd9',
      subject: { reference: 'Patient/p1' },
      content: [{ attachment: { contentType: 'application/pdf', data: Buffer.from('%PDF-1.4 not really').toString('base64') } }],
    };
    const results = await analyzer.analyzeAll(Buffer.from(JSON.stringify(doc)), '/s/doc.json');
    expect(results.map((r) => r.path)).toEqual(['/s/doc.json', '/s/doc.json!DocumentReference/d9.content[0].attachment.data.pdf']);
    expect(results[1]).toMatchObject({ container: '/s/doc.json', format: 'pdf' });
  });
});

function xmlPatient(p: SynthPatient): string {
  return `<Patient>
      <id value="${p.id}"/>
      <text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p>${p.given} <b>${p.family}</b></p></div></text>
      <identifier><type><coding><system value="http://terminology.hl7.org/CodeSystem/v2-0203"/><code value="MR"/></coding></type><value value="${p.mrn}"/></identifier>
      <identifier><system value="http://hl7.org/fhir/sid/us-ssn"/><value value="${p.ssn}"/></identifier>
      <name><family value="${p.family}"/><given value="${p.given}"/></name>
      <birthDate value="${p.birthDate}"/>
    </Patient>`;
}

describe('FHIR XML', () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Bundle xmlns="http://hl7.org/fhir">
  <type value="collection"/>
${PATIENTS.map((p, i) => `  <entry>\n    <fullUrl value="urn:uuid:pat-${i + 1}"/>\n    <resource>\n    ${xmlPatient(p)}\n    </resource>\n  </entry>`).join('\n')}
  <entry>
    <resource>
      <Condition>
        <id value="c1"/>
        <subject><reference value="urn:uuid:pat-2"/></subject>
        <code><coding><system value="http://hl7.org/fhir/sid/icd-10-cm"/><code value="J45.909"/></coding></code>
      </Condition>
    </resource>
  </entry>
</Bundle>
`;

  it('is recognised by its namespace and read like the JSON, with lines', async () => {
    expect(sniffFormat(Buffer.from(xml), 'bundle.xml')).toBe('fhir-xml');
    const segs = ok(await extractText(Buffer.from(xml), 'bundle.xml'));
    const ssn = segs.find((s) => s.text === PATIENTS[1]!.ssn)!;
    expect(ssn).toMatchObject({ columnHeader: 'SSN', recordKey: 'patient:Patient/p2', location: { path: 'Patient/p2.identifier[1].value' } });
    expect(xml.split('\n')[(ssn.location as { line: number }).line - 1]).toContain(PATIENTS[1]!.ssn);
    expect(segs.find((s) => s.text === 'J45.909')).toMatchObject({ recordKey: 'patient:Patient/p2', columnHeader: 'ICD-10-CM Diagnosis Code' });
    expect(segs.find((s) => s.text.includes('Quillon') && s.text.includes('Abernathy') && !s.columnHeader)).toBeDefined();
    const result = await analyzer.analyze(Buffer.from(xml), 'bundle.xml');
    expect(result.records).toBe(2);
  });

  it('refuses a DTD instead of expanding it', async () => {
    const evil = `<?xml version="1.0"?><!DOCTYPE Patient [<!ENTITY a "aaaa">]><Patient xmlns="http://hl7.org/fhir"><id value="x"/></Patient>`;
    expect(await extractFhirXml(Buffer.from(evil), DEFAULT_EXTRACT_LIMITS)).toMatchObject({ ok: false, reason: 'corrupt' });
    // Sniffing leaves a file with a DTD to the generic XML reader, which neutralises it and still scans the text.
    expect(sniffFormat(Buffer.from(evil), 'x.xml')).not.toBe('fhir-xml');
  });
});
