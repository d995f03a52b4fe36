import { describe, expect, it } from 'vitest';
import { createAnalyzer, defaultAnalysisSettings } from '../analyze.js';
import { sniffFormat } from '../sniff.js';
import { extractText } from './index.js';
import { extractCda } from './cda.js';
import { DEFAULT_EXTRACT_LIMITS, type TextSegment } from './types.js';

interface CcdPatient {
  mrn: string;
  ssn: string;
  given: string;
  family: string;
  birthTime: string;
  phone: string;
  icd10: string;
  icd9: string;
}

/** A CCD shaped like an EHR export: header with the patient, a problem section with narrative and coded entries. */
function ccd(p: CcdPatient): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <templateId root="2.16.840.1.113883.10.20.22.1.2"/>
  <id root="2.16.840.1.113883.19.5" extension="DOC-20240211"/>
  <title>Continuity of Care Document</title>
  <effectiveTime value="20240211"/>
  <recordTarget>
    <patientRole>
      <id root="2.16.840.1.113883.19.5.99999.2" extension="${p.mrn}"/>
      <id root="2.16.840.1.113883.4.1" extension="${p.ssn}"/>
      <addr use="HP"><streetAddressLine>7491 Sunset St</streetAddressLine><city>Raleigh</city><state>NC</state><postalCode>27689</postalCode></addr>
      <telecom value="tel:${p.phone}" use="HP"/>
      <patient>
        <name use="L"><given>${p.given}</given><family>${p.family}</family></name>
        <administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/>
        <birthTime value="${p.birthTime}"/>
      </patient>
    </patientRole>
  </recordTarget>
  <author><assignedAuthor><id root="2.16.840.1.113883.4.6" extension="1234567893"/></assignedAuthor></author>
  <component>
    <structuredBody>
      <component>
        <section>
          <code code="11450-4" codeSystem="2.16.840.1.113883.6.1" displayName="Problem list"/>
          <title>Problems</title>
          <text>
            <paragraph>Seen for follow-up.</paragraph>
            <paragraph>Patient reports the diabetes is stable.</paragraph>
          </text>
          <entry>
            <observation classCode="OBS" moodCode="EVN">
              <code code="55607006" codeSystem="2.16.840.1.113883.6.96" displayName="Problem"/>
              <value xsi:type="CD" code="${p.icd10}" codeSystem="2.16.840.1.113883.6.90" displayName="Type 2 diabetes mellitus">
                <translation code="${p.icd9}" codeSystem="2.16.840.1.113883.6.103"/>
              </value>
            </observation>
          </entry>
        </section>
      </component>
    </structuredBody>
  </component>
</ClinicalDocument>
`;
}

const PATIENT: CcdPatient = {
  mrn: 'E4872028',
  ssn: '512-44-8391',
  given: 'Quillon',
  family: 'Abernathy',
  birthTime: '19620314',
  phone: '+1-919-555-0142',
  icd10: 'E11.9',
  icd9: '250.00',
};

describe('C-CDA', () => {
  const xml = ccd(PATIENT);
  const lineOf = (needle: string) => xml.split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('is recognised by its root element and namespace, whatever the name', () => {
    expect(sniffFormat(Buffer.from(xml), 'export.xml')).toBe('cda');
    expect(sniffFormat(Buffer.from(xml), 'ccd.txt')).toBe('cda');
  });

  it('reads patientRole ids by root OID, name, birthTime, address, telecom and coded diagnoses', async () => {
    const r = await extractText(Buffer.from(xml), 'ccd.xml');
    if (!r.ok) throw new Error(r.message);
    const by = (text: string): TextSegment | undefined => r.segments.find((s) => s.text === text);
    expect(by(PATIENT.ssn)).toMatchObject({
      columnHeader: 'SSN',
      location: { path: '/ClinicalDocument/recordTarget/patientRole/id[2]/@extension', line: lineOf(PATIENT.ssn) },
    });
    expect(by(PATIENT.mrn)).toMatchObject({ columnHeader: 'MRN' });
    expect(by('Quillon Abernathy')).toMatchObject({ columnHeader: 'Patient Name' });
    expect(by('19620314')).toMatchObject({ columnHeader: 'Date of Birth' });
    expect(by('+1-919-555-0142')).toMatchObject({ columnHeader: 'Patient Phone Number' });
    expect(by('7491 Sunset St Raleigh NC 27689')).toMatchObject({ columnHeader: 'Patient Address' });
    expect(by('E11.9')).toMatchObject({ columnHeader: 'ICD-10-CM Diagnosis Code' });
    expect(by('250.00')).toMatchObject({ columnHeader: 'ICD-9-CM Diagnosis Code' });
    // The LOINC section code and the author's NPI are not patient identifiers.
    expect(by('11450-4')).toBeUndefined();
    expect(by('1234567893')).toBeUndefined();
    const narrative = r.segments.find((s) => s.text.includes('diabetes is stable'))!;
    expect(narrative.location).toMatchObject({ path: '/ClinicalDocument/component/structuredBody/component/section/text' });
    expect(new Set(r.segments.map((s) => s.recordKey))).toEqual(new Set(['cda:patient:1']));
  });

  it('makes the document one patient record carrying PHI', async () => {
    const result = await createAnalyzer(defaultAnalysisSettings({ fingerprintKey: 'k' })).analyze(Buffer.from(xml), 'ccd.xml');
    expect(result.format).toBe('cda');
    expect(result.records).toBe(1);
    expect(result.recordList![0]).toMatchObject({ phi: true });
    expect(result.recordList![0]!.identifiers).toEqual(expect.arrayContaining(['ssn', 'mrn', 'name', 'icd10']));
  });

  it('cuts a document nested 100 000 levels deep instead of walking it', async () => {
    const deep = xml.replace('<title>Problems</title>', `<title>Problems</title>${'<x>'.repeat(100_000)}${'</x>'.repeat(100_000)}`);
    const r = await extractText(Buffer.from(deep), 'deep.xml');
    expect(r).toMatchObject({ ok: true, degraded: expect.stringMatching(/damaged/) });
  });

  it('reports a damaged document as corrupt only when nothing could be read', async () => {
    expect(await extractCda(Buffer.from(xml.slice(0, 80)), DEFAULT_EXTRACT_LIMITS)).toMatchObject({ ok: false, reason: 'corrupt' });
    // Through the router, a CCD that does not parse at all is still read, as text.
    expect(await extractText(Buffer.from(xml.slice(0, 80)), 'ccd.xml')).toMatchObject({ ok: true, format: 'cda', degraded: expect.stringMatching(/read as text/) });
    const cut = await extractText(Buffer.from(xml.slice(0, xml.indexOf('<author>') + 3)), 'ccd.xml');
    expect(cut).toMatchObject({ ok: true, degraded: expect.stringMatching(/damaged/) });
  });
});
