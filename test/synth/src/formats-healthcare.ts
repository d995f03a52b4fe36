/**
 * Renderers of the healthcare interchange formats a clinic share collects: FHIR R4 Bundles, C-CDA CCDs,
 * X12 837P claims, DICOM headers, RTF letters and forwarded e-mail. Pure and deterministic like
 * documents.ts: patients and a context in, a string or bytes out, no clock and no time zone.
 */
import type { DocumentContext } from './documents.js';
import { escapeXml, formatDate, formatName, formatProvider } from './format.js';
import type { CivilDate, DiagnosisCode, Patient, Provider } from './patients.js';

const HL7_OID = '2.16.840.1.113883';
const SSN_OID = `${HL7_OID}.4.1`;
const ICD10_OID = `${HL7_OID}.6.90`;
/** Any OID under 2.16.840.1.113883.19 is reserved for examples: the clinic's MRN assigning authority here. */
const CLINIC_MRN_OID = `${HL7_OID}.19.5.99999.2`;

const digitsOnly = (s: string) => s.replace(/\D/g, '');

/** A FHIR R4 collection Bundle: each Patient (SSN, MR-typed MRN, name, birthDate, telecom, address) and its Conditions. */
export function fhirBundle(patients: readonly Patient[], ctx: DocumentContext): string {
  const entries: unknown[] = [];
  patients.forEach((p, i) => {
    const id = `pat-${i + 1}`;
    entries.push({
      fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
      resource: {
        resourceType: 'Patient',
        id,
        identifier: [
          {
            use: 'usual',
            type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR', display: 'Medical record number' }] },
            system: `urn:oid:${CLINIC_MRN_OID}`,
            value: p.mrn,
          },
          { system: 'http://hl7.org/fhir/sid/us-ssn', value: p.ssn },
        ],
        name: [{ use: 'official', family: p.family, given: [p.given, p.middleInitial] }],
        telecom: [{ system: 'phone', value: p.phone, use: 'home' }],
        gender: p.sex === 'F' ? 'female' : 'male',
        birthDate: formatDate(p.dob, 'iso'),
        address: [{
          use: 'home', line: [p.address.street], city: p.address.city, state: p.address.state, postalCode: p.address.zip, country: 'US',
        }],
      },
    });
    p.diagnoses.forEach((d, k) => {
      entries.push({
        fullUrl: `urn:uuid:00000000-0000-4000-9000-${String(i * 10 + k + 1).padStart(12, '0')}`,
        resource: {
          resourceType: 'Condition',
          id: `cond-${i + 1}-${k + 1}`,
          clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
          category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
          code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: d.code, display: d.description }], text: d.description },
          subject: { reference: `Patient/${id}` },
          recordedDate: formatDate(ctx.date, 'iso'),
        },
      });
    });
  });
  return JSON.stringify({
    resourceType: 'Bundle',
    id: `export-${formatDate(ctx.date, 'hl7')}`,
    type: 'collection',
    timestamp: `${formatDate(ctx.date, 'iso')}T09:00:00Z`,
    entry: entries,
  }, null, 2) + '\n';
}

/** A C-CDA R2.1 Continuity of Care Document: recordTarget/patientRole, then a problem section coded in ICD-10-CM. */
export function ccdDocument(p: Patient, ctx: DocumentContext): string {
  const docDate = formatDate(ctx.date, 'hl7');
  const problems = p.diagnoses.map((d, i) => [
    '          <entry typeCode="DRIV">',
    '            <act classCode="ACT" moodCode="EVN">',
    `              <templateId root="${HL7_OID}.10.20.22.4.3" extension="2015-08-01"/>`,
    `              <id root="${HL7_OID}.19.5.99999.7" extension="PRB-${i + 1}"/>`,
    '              <code code="CONC" codeSystem="2.16.840.1.113883.5.6"/>',
    '              <statusCode code="active"/>',
    '              <entryRelationship typeCode="SUBJ">',
    '                <observation classCode="OBS" moodCode="EVN">',
    `                  <templateId root="${HL7_OID}.10.20.22.4.4" extension="2015-08-01"/>`,
    `                  <code code="55607006" codeSystem="${HL7_OID}.6.96" displayName="Problem"/>`,
    `                  <value xsi:type="CD" code="${d.code}" codeSystem="${ICD10_OID}" codeSystemName="ICD-10-CM" displayName="${escapeXml(d.description)}"/>`,
    '                </observation>',
    '              </entryRelationship>',
    '            </act>',
    '          </entry>',
  ].join('\n'));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    '  <realmCode code="US"/>',
    `  <typeId root="${HL7_OID}.1.3" extension="POCD_HD000040"/>`,
    `  <templateId root="${HL7_OID}.10.20.22.1.1" extension="2015-08-01"/>`,
    `  <templateId root="${HL7_OID}.10.20.22.1.2" extension="2015-08-01"/>`,
    `  <id root="${HL7_OID}.19.5.99999.1" extension="CCD-${docDate}-${p.index + 1}"/>`,
    '  <code code="34133-9" codeSystem="2.16.840.1.113883.6.1" displayName="Summarization of Episode Note"/>',
    `  <title>${escapeXml(ctx.clinic.name)}: Continuity of Care Document</title>`,
    `  <effectiveTime value="${docDate}"/>`,
    '  <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>',
    '  <languageCode code="en-US"/>',
    '  <recordTarget>',
    '    <patientRole>',
    `      <id root="${CLINIC_MRN_OID}" extension="${p.mrn}"/>`,
    `      <id root="${SSN_OID}" extension="${p.ssn}"/>`,
    '      <addr use="HP">',
    `        <streetAddressLine>${escapeXml(p.address.street)}</streetAddressLine>`,
    `        <city>${p.address.city}</city><state>${p.address.state}</state><postalCode>${p.address.zip}</postalCode><country>US</country>`,
    '      </addr>',
    `      <telecom value="tel:+1-${digitsOnly(p.phone).replace(/^(\d{3})(\d{3})(\d{4})$/, '$1-$2-$3')}" use="HP"/>`,
    '      <patient>',
    `        <name use="L"><given>${p.given}</given><given>${p.middleInitial}</given><family>${p.family}</family></name>`,
    `        <administrativeGenderCode code="${p.sex}" codeSystem="2.16.840.1.113883.5.1"/>`,
    `        <birthTime value="${formatDate(p.dob, 'hl7')}"/>`,
    '      </patient>',
    '    </patientRole>',
    '  </recordTarget>',
    '  <author>',
    `    <time value="${docDate}"/>`,
    '    <assignedAuthor>',
    `      <id root="${HL7_OID}.19.5.99999.3" extension="${ctx.provider.extension}"/>`,
    `      <assignedPerson><name><prefix>Dr.</prefix><given>${ctx.provider.given}</given><family>${ctx.provider.family}</family><suffix>${ctx.provider.credential}</suffix></name></assignedPerson>`,
    '    </assignedAuthor>',
    '  </author>',
    '  <custodian><assignedCustodian><representedCustodianOrganization>',
    `    <id root="${HL7_OID}.19.5.99999.4"/><name>${escapeXml(ctx.clinic.name)}</name>`,
    '  </representedCustodianOrganization></assignedCustodian></custodian>',
    '  <component>',
    '    <structuredBody>',
    '      <component>',
    '        <section>',
    `          <templateId root="${HL7_OID}.10.20.22.2.5.1" extension="2015-08-01"/>`,
    '          <code code="11450-4" codeSystem="2.16.840.1.113883.6.1" displayName="Problem list"/>',
    '          <title>Problems</title>',
    '          <text>',
    '            <list>',
    ...p.diagnoses.map((d) => `              <item>${escapeXml(d.description)}, active</item>`),
    '            </list>',
    '          </text>',
    ...problems,
    '        </section>',
    '      </component>',
    '    </structuredBody>',
    '  </component>',
    '</ClinicalDocument>',
    '',
  ].join('\n');
}

export interface X12Subscriber {
  patient: Patient;
  memberId: string;
  claimId: string;
  amount: string;
  serviceDate: CivilDate;
}

/**
 * An 837P (005010X222A1) with one billing provider and a subscriber loop per patient: NM1*IL name and member
 * ID, N3/N4 address, DMG birth date, REF*SY SSN, CLM and HI*ABK/ABF ICD-10-CM codes (without the dot, as X12 writes them).
 */
export function x12Claim837(subscribers: readonly X12Subscriber[], ctx: DocumentContext, npi: string): string {
  const pad = (s: string, n: number) => s.padEnd(n, ' ');
  const yymmdd = formatDate(ctx.date, 'hl7').slice(2);
  const ccyymmdd = formatDate(ctx.date, 'hl7');
  const isa = ['ISA', '00', pad('', 10), '00', pad('', 10), 'ZZ', pad(`${ctx.clinic.code}BILLING`, 15), 'ZZ', pad('CLEARINGHOUSE', 15),
    yymmdd, '0912', '^', '00501', '000000905', '0', 'P', ':'].join('*');
  const body: string[] = [
    'ST*837*0001*005010X222A1',
    `BHT*0019*00*BATCH${ccyymmdd}*${ccyymmdd}*0912*CH`,
    `NM1*41*2*${ctx.clinic.name.toUpperCase()}*****46*${ctx.clinic.code}001`,
    `PER*IC*BILLING OFFICE*TE*${digitsOnly(ctx.clinic.phone)}`,
    'NM1*40*2*CLEARINGHOUSE*****46*CH0001',
    'HL*1**20*1',
    'PRV*BI*PXC*207Q00000X',
    `NM1*85*2*${ctx.clinic.name.toUpperCase()}*****XX*${npi}`,
    `N3*${ctx.clinic.street.toUpperCase().replace(/,/g, '')}`,
    `N4*${ctx.clinic.city.toUpperCase()}*${ctx.clinic.state}*${ctx.clinic.zip}`,
  ];
  subscribers.forEach((s, i) => {
    const p = s.patient;
    const codes = p.diagnoses.map((d, k) => `${k === 0 ? 'ABK' : 'ABF'}:${d.code.replace('.', '')}`);
    body.push(
      `HL*${i + 2}*1*22*0`,
      'SBR*P*18*GRP7781******CI',
      `NM1*IL*1*${p.family.toUpperCase()}*${p.given.toUpperCase()}*${p.middleInitial}***MI*${s.memberId}`,
      `N3*${p.address.street.toUpperCase()}`,
      `N4*${p.address.city.toUpperCase()}*${p.address.state}*${p.address.zip}`,
      `DMG*D8*${formatDate(p.dob, 'hl7')}*${p.sex}`,
      `REF*SY*${digitsOnly(p.ssn)}`,
      'NM1*PR*2*SYNTHETIC HEALTH PLAN*****PI*SHP01',
      `CLM*${s.claimId}*${s.amount}***11:B:1*Y*A*Y*Y`,
      `DTP*434*D8*${formatDate(s.serviceDate, 'hl7')}`,
      `HI*${codes.join('*')}`,
      'LX*1',
      `SV1*HC:99214*${s.amount}*UN*1***1`,
      `DTP*472*D8*${formatDate(s.serviceDate, 'hl7')}`,
    );
  });
  const segments = [
    isa,
    `GS*HC*${ctx.clinic.code}BILLING*CLEARINGHOUSE*${ccyymmdd}*0912*905*X*005010X222A1`,
    ...body,
    `SE*${body.length + 1}*0001`,
    'GE*1*905',
    'IEA*1*000000905',
  ];
  return segments.map((s) => `${s}~\n`).join('');
}

/** A Windows-1252 RTF letter as an old word processor saved it: font table, header, paragraphs. ASCII only. */
export function rtfReferral(p: Patient, ctx: DocumentContext, to: Provider, icd9: readonly DiagnosisCode[]): string {
  const esc = (s: string) => s.replace(/[\\{}]/g, (c) => `\\${c}`);
  const par = (s: string) => `${esc(s)}\\par`;
  return [
    '{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman Times New Roman;}{\\f1\\fswiss Arial;}}',
    '{\\colortbl;\\red0\\green0\\blue0;}',
    '{\\info{\\title Referral}{\\author Front desk}}',
    `{\\header \\pard\\f1\\fs18 ${esc(ctx.clinic.name)} \\endash  Tel ${esc(ctx.clinic.phone)}\\par}`,
    '\\pard\\f0\\fs24',
    par(formatDate(ctx.date, 'long')),
    '\\par',
    par(formatProvider(to)),
    par(to.specialty),
    '\\par',
    `{\\b ${esc('RE: Referral')}}\\par`,
    par(`Patient Name: ${formatName(p, 'first-mi-last')}`),
    par(`Date of Birth: ${formatDate(p.dob, 'us')}`),
    par(`Medical Record Number: ${p.mrn}`),
    '\\par',
    par(`Dear Dr. ${to.family},`),
    par(`Thank you for seeing ${p.sex === 'F' ? 'Ms.' : 'Mr.'} ${p.family}. Problems (ICD-9-CM codes):`),
    ...icd9.map((d) => par(`ICD-9 ${d.code}  ${d.description}`)),
    '\\par',
    par('Sincerely,'),
    par(formatProvider(ctx.provider)),
    '}',
    '',
  ].join('\r\n');
}

export interface MailAttachment {
  name: string;
  contentType: string;
  data: Uint8Array;
}

function base64Lines(data: Uint8Array): string[] {
  const b64 = Buffer.from(data).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines;
}

/** A forwarded message as a mail client saves it (.eml): plain body plus base64 attachments, CRLF line ends. */
export function emlMessage(m: {
  from: string; to: string; subject: string; date: string; messageId: string; body: string[]; attachments: readonly MailAttachment[];
}): string {
  const boundary = '----=_Part_0_20241105';
  return [
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${m.subject}`,
    `Date: ${m.date}`,
    `Message-ID: <${m.messageId}>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    'This is a multi-part message in MIME format.',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    ...m.body,
    '',
    ...m.attachments.flatMap((a) => [
      `--${boundary}`,
      `Content-Type: ${a.contentType}; name="${a.name}"`,
      `Content-Disposition: attachment; filename="${a.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      ...base64Lines(a.data),
    ]),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

type DicomValue = string | Uint8Array;
export type DicomElement = [group: number, element: number, vr: string, value: DicomValue];

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UN', 'UT', 'UC', 'UR']);

function dicomExplicitLe(elements: readonly DicomElement[]): Uint8Array[] {
  return elements.map(([group, element, vr, value]) => {
    let data = typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'latin1')) : value;
    if (data.length % 2 === 1) {
      // UIDs pad with NUL, text with a space: DICOM values have even length.
      const padded = new Uint8Array(data.length + 1);
      padded.set(data);
      padded[data.length] = vr === 'UI' || vr === 'OB' ? 0 : 0x20;
      data = padded;
    }
    const long = LONG_VRS.has(vr);
    const head = new Uint8Array(long ? 12 : 8);
    const dv = new DataView(head.buffer);
    dv.setUint16(0, group, true);
    dv.setUint16(2, element, true);
    head[4] = vr.charCodeAt(0);
    head[5] = vr.charCodeAt(1);
    if (long) dv.setUint32(8, data.length, true);
    else dv.setUint16(6, data.length, true);
    return Buffer.concat([head, data]);
  });
}

/**
 * A DICOM Part 10 file, explicit VR little endian: preamble, DICM, file meta (group 2 with its length) and the
 * dataset as given. Callers pass elements in ascending tag order.
 */
export function dicomFile(sopClassUid: string, sopInstanceUid: string, dataset: readonly DicomElement[]): Uint8Array {
  const metaBody = Buffer.concat(dicomExplicitLe([
    [0x0002, 0x0001, 'OB', new Uint8Array([0, 1])],
    [0x0002, 0x0002, 'UI', sopClassUid],
    [0x0002, 0x0003, 'UI', sopInstanceUid],
    [0x0002, 0x0010, 'UI', '1.2.840.10008.1.2.1'],
    [0x0002, 0x0012, 'UI', '1.2.826.0.1.3680043.10.1111'],
  ]));
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, metaBody.length, true);
  const meta = Buffer.concat([...dicomExplicitLe([[0x0002, 0x0000, 'UL', groupLength]]), metaBody]);
  return new Uint8Array(Buffer.concat([new Uint8Array(128), Buffer.from('DICM', 'latin1'), meta, ...dicomExplicitLe(dataset)]));
}

/** A CT image header for one patient: name as FAMILY^GIVEN^M, the MRN as Patient ID, birth date; a little pixel data. */
export function dicomCtHeader(p: Patient, ctx: DocumentContext, uidRoot: string): Uint8Array {
  const ctImage = '1.2.840.10008.5.1.4.1.1.2';
  const instance = `${uidRoot}.3.1`;
  const study = formatDate(ctx.date, 'hl7');
  return dicomFile(ctImage, instance, [
    [0x0008, 0x0005, 'CS', 'ISO_IR 100'],
    [0x0008, 0x0016, 'UI', ctImage],
    [0x0008, 0x0018, 'UI', instance],
    [0x0008, 0x0020, 'DA', study],
    [0x0008, 0x0060, 'CS', 'CT'],
    [0x0008, 0x0090, 'PN', `${ctx.provider.family.toUpperCase()}^${ctx.provider.given.toUpperCase()}^^DR`],
    [0x0010, 0x0010, 'PN', `${p.family.toUpperCase()}^${p.given.toUpperCase()}^${p.middleInitial}`],
    [0x0010, 0x0020, 'LO', p.mrn],
    [0x0010, 0x0030, 'DA', formatDate(p.dob, 'hl7')],
    [0x0010, 0x0040, 'CS', p.sex],
    [0x0020, 0x000d, 'UI', `${uidRoot}.1`],
    [0x0020, 0x000e, 'UI', `${uidRoot}.2`],
    [0x0028, 0x0010, 'US', new Uint8Array([8, 0])],
    [0x0028, 0x0011, 'US', new Uint8Array([8, 0])],
    [0x7fe0, 0x0010, 'OW', new Uint8Array(128)],
  ]);
}
