/**
 * The shipped example share: a small fake clinic file server with PHI in every supported format, clean
 * files, hard negatives and broken files, plus the manifest of what a correct scan must report for each.
 * Pure: returns bytes and the manifest; scripts/make-example-share.mjs writes them to disk.
 */
import { unzipSync, zipSync } from 'fflate';
import {
  adtEvents, censusTsv, claimsCsv, clinicalNote, hl7AdtBatch, htmlPatientSummary, interfaceLog, jsonExport,
  labReport, labReportLines, legacyProblemListIcd9, makeClaims, markdownNote, referralLetter,
  referralLetterParts, RIVERSIDE_CLINIC, rosterCsv, xmlExport, type DocumentContext,
} from './documents.js';
import { delimited, encodeUtf16le, formatDate, formatName, formatProvider, toCrlf, toUtcDate } from './format.js';
import {
  invalidSsnSamples, partsInventoryCsv, partsInventoryRows, pngLikeBlob, shareReadme, staffDirectoryCsv,
  staffMeetingNote, supplierInvoice,
} from './negatives.js';
import { ICD9_CODES, makePatients, makeProviders, type CivilDate, type DiagnosisCode, type Patient } from './patients.js';
import { fixedGzip, fixedZip, makeOdt, makePptx, makeWord97Doc, markZipEncrypted, ustar } from './containers.js';
import {
  ccdDocument, dicomCtHeader, emlMessage, fhirBundle, rtfReferral, x12Claim837, type X12Subscriber,
} from './formats-healthcare.js';
import { Random } from './random.js';

export const DETECTOR_IDS = ['ssn', 'mrn', 'dob', 'name', 'icd10', 'icd9'] as const;
export type DetectorId = (typeof DETECTOR_IDS)[number];

export interface ExpectedFile {
  status: 'scanned' | 'skipped' | 'error';
  /** Must be found at the default (medium) confidence. */
  detectors: DetectorId[];
  /** Must not be found. Detectors in neither list are not promised either way. */
  absent: DetectorId[];
  /** Distinct patients the file exposes. */
  records: number;
  /** Indices into the share's patient pool, so cross-file tests can check which patients overlap. */
  patients: number[];
  note: string;
}

export interface ShareManifest {
  seed: string;
  /** Distinct synthetic patients across the whole share; several appear in more than one file on purpose. */
  distinctPatients: number;
  /**
   * By path in the share. A path with `!` is a member of the archive or mail message before it
   * (`Exports/old.zip!nested/notes.tar.gz!visit_note.txt`), reported by a scan as a file of its own.
   */
  files: Record<string, ExpectedFile>;
}

/** The office writers live in office.ts; injected so that this module has no hard dependency on them. */
export interface OfficeWriters {
  makeDocx(c: {
    body: string[]; header?: string[]; footer?: string[]; footnotes?: string[]; comments?: string[]; textBoxes?: string[];
  }): Uint8Array;
  makeXlsx(sheets: { name: string; rows: (string | number | Date | null)[][]; notes?: Record<string, string> }[]): Promise<Uint8Array>;
  makePdf(pages: string[][]): Promise<Uint8Array>;
}

export interface ExampleShare {
  files: Map<string, Uint8Array>;
  manifest: ShareManifest;
}

export const EXAMPLE_SHARE_SEED = 'phi-scan example share v1';

const text = (s: string) => new TextEncoder().encode(s);

/**
 * exceljs stamps every zip entry with the wall-clock time, and a zip's DOS timestamp is local time, so a
 * fixed UTC instant still gives other bytes in another time zone. Re-zipping with a *local* midnight (the
 * same DOS fields everywhere) and without the redundant directory entries makes the bytes depend on the
 * content alone; readers never look at entry dates.
 */
export function stableZip(bytes: Uint8Array): Uint8Array {
  const entries = Object.entries(unzipSync(bytes)).filter(([name]) => !name.endsWith('/'));
  return zipSync(Object.fromEntries(entries), { level: 6, mtime: new Date(2024, 0, 1) });
}

/** Detectors not named as found or uncertain are promised absent: the default for a carefully built file. */
function expect(
  detectors: DetectorId[], patients: readonly Patient[], note: string, opts: { uncertain?: DetectorId[]; records?: number } = {},
): ExpectedFile {
  const uncertain = opts.uncertain ?? [];
  const indices = [...new Set(patients.map((p) => p.index))].sort((a, b) => a - b);
  return {
    status: 'scanned',
    detectors,
    absent: DETECTOR_IDS.filter((d) => !detectors.includes(d) && !uncertain.includes(d)),
    records: opts.records ?? indices.length,
    patients: indices,
    note,
  };
}

const clean = (note: string): ExpectedFile => expect([], [], note);

/** An archive's own result: read, no findings of its own (its members are reported as files of their own). */
const archive = (note: string): ExpectedFile => expect([], [], note);

export async function buildExampleShare(office: OfficeWriters, seed: string = EXAMPLE_SHARE_SEED): Promise<ExampleShare> {
  // Patients 0–44 are spread over the plain files; 45 and 46 appear only inside containers (an archive, a deck).
  const pool = makePatients(47, `${seed}/patients`);
  const providers = makeProviders(8, `${seed}/providers`, pool);
  const P = (i: number) => pool[i] as Patient;
  const range = (from: number, to: number) => pool.slice(from, to + 1);
  const doctor = (i: number) => providers[i % providers.length] as (typeof providers)[number];
  const clinic = RIVERSIDE_CLINIC;
  const ctx = (name: string, date: CivilDate, providerIndex = 0): DocumentContext => ({
    clinic, provider: doctor(providerIndex), date, seed: `${seed}/${name}`,
  });
  const day = (month: number, d: number): CivilDate => ({ year: 2024, month, day: d });

  const docx = (c: Parameters<OfficeWriters['makeDocx']>[0]) => stableZip(office.makeDocx(c));
  const files = new Map<string, Uint8Array>();
  const expected: Record<string, ExpectedFile> = {};
  const put = (path: string, bytes: Uint8Array, e: ExpectedFile) => {
    if (files.has(path)) throw new Error(`duplicate share path ${path}`);
    files.set(path, bytes);
    expected[path] = e;
  };

  put('README.txt', text(shareReadme(clinic)), clean('share readme, no PHI'));

  // Billing
  put('Billing/invoice_INV-2024-1187.txt', text(supplierInvoice(clinic, day(10, 28), `${seed}/invoice`)),
    clean('hard negative: bare 9-digit order/PO numbers that pass SSN structure rules, phones, ZIP+4, invoice dates'));
  put('Billing/parts_inventory.csv', text(partsInventoryCsv(`${seed}/inventory`)),
    clean('hard negative: part numbers shaped like (and often equal to) ICD-10-CM codes, no clinical context, no patients'));
  put('Billing/parts_inventory.xlsx', stableZip(await office.makeXlsx([{ name: 'Inventory', rows: partsInventoryRows(`${seed}/inventory`) }])),
    clean('hard negative: the same ICD-shaped part numbers in a workbook'));
  const claimPatients = range(40, 43);
  put('Billing/claims_2024-10.csv', text(claimsCsv(makeClaims(claimPatients, [2, 1, 2, 1], `${seed}/claims`, day(9, 1)))),
    expect(['mrn', 'name', 'dob', 'icd10'], claimPatients,
      'claims export: 6 rows, 4 patients (two appear on two claims each); Patient Name as LAST, FIRST M.'));

  // Clinical
  const noteP = P(30);
  put(`Clinical/Notes/visit_note_${noteP.mrn}.txt`, text(clinicalNote(noteP, ctx('note', day(10, 3)))),
    expect(['name', 'dob', 'mrn', 'icd10'], [noteP], 'office visit note: header block, Assessment codes, signed by a provider'));
  const mdP = P(31);
  put('Clinical/Notes/progress_note_2024-10-09.md', text(markdownNote(mdP, ctx('markdown', day(10, 9), 1))),
    expect(['name', 'dob', 'mrn', 'icd10'], [mdP], 'Markdown progress note: bold labels, DOB as 14-Mar-1962 style, Dx code table'));
  const annotatedP = P(44);
  put('Clinical/Notes/annotated_note.docx', docx({
    body: [
      'Follow-up visit summary',
      'Patient tolerating treatment. Plan unchanged; see the comment and footnote for chart details.',
      `Author: ${formatProvider(doctor(2))}`,
    ],
    textBoxes: [`Patient Name: ${formatName(annotatedP, 'first-last')}`, `MRN: ${annotatedP.mrn}`],
    comments: [`Confirm DOB: ${formatDate(annotatedP.dob, 'us')} with the patient at check-in.`],
    footnotes: [`Diagnosis: ${annotatedP.diagnoses.map((d) => `${d.code} ${d.description}`).join('; ')}`],
  }), expect(['name', 'dob', 'mrn', 'icd10'], [annotatedP],
    'DOCX whose identifiers are only in a text box (name, MRN), a comment (DOB) and a footnote (Dx codes)'));

  const referralP = P(32);
  put(`Clinical/Referrals/referral_${referralP.family.toLowerCase()}_${referralP.mrn}.txt`,
    text(referralLetter(referralP, ctx('referral-txt', day(10, 14)), doctor(3))),
    expect(['name', 'dob', 'mrn', 'icd10'], [referralP], 'plain-text referral letter: RE block with patient, DOB, MRN; Diagnosis codes; addressed to and signed by providers'));
  const docxP = P(0);
  const docxParts = referralLetterParts(docxP, ctx('referral-docx', day(10, 21), 1), doctor(4));
  put(`Clinical/Referrals/referral_${docxP.family.toLowerCase()}.docx`, docx(docxParts),
    expect(['name', 'dob', 'mrn', 'icd10'], [docxP], 'DOCX referral letter, identifiers in the body; patient also in Exports/patient_roster.csv'));
  const headerOnlyP = P(33);
  const headerOnly = referralLetterParts(headerOnlyP, ctx('referral-header', day(10, 22), 2), doctor(5), { identifiersOnlyInHeader: true });
  put('Clinical/Referrals/consult_request_1022.docx', docx(headerOnly),
    expect(['name', 'dob', 'mrn', 'icd10'], [headerOnlyP],
      'DOCX letter whose patient name, DOB and MRN are ONLY in the page header (an extractor that drops headers misses them)'));

  const labPdfP = P(34);
  const labLines = labReportLines(labPdfP, ctx('lab-pdf', day(10, 30), 3));
  const labPdf = await office.makePdf([
    labLines,
    [
      `Patient: ${formatName(labPdfP, 'upper-last-first-mi')}   MRN: ${labPdfP.mrn}   Page 2 of 2`,
      '',
      'Comments: specimen slightly hemolysed; potassium may be falsely elevated.',
      'Critical values were not called. Reference ranges apply to adults.',
    ],
  ]);
  put(`Clinical/Labs/lab_report_${labPdfP.mrn}.pdf`, labPdf,
    expect(['name', 'dob', 'mrn', 'icd10'], [labPdfP], 'two-page PDF lab report, one patient'));
  const labTxtP = P(35);
  put(`Clinical/Labs/lab_report_${labTxtP.mrn}.txt`, text(labReport(labTxtP, ctx('lab-txt', day(10, 31), 3))),
    expect(['name', 'dob', 'mrn', 'icd10'], [labTxtP], 'plain-text lab report; Patient as LAST, FIRST M.'));
  const icd9P = P(36);
  const icd9Codes = ICD9_CODES.filter((d) => ['250.00', '401.9', '493.90'].includes(d.code)) as DiagnosisCode[];
  put(`Clinical/Legacy/problem_list_icd9_${icd9P.mrn}.txt`, text(legacyProblemListIcd9(icd9P, ctx('icd9', day(9, 12)), icd9Codes)),
    expect(['name', 'dob', 'mrn', 'icd9'], [icd9P], 'legacy problem list with explicit ICD-9-CM context (250.00, 401.9, 493.90), no ICD-10 codes'));

  // Exports
  const roster = range(0, 11);
  put('Exports/patient_roster.csv', text(rosterCsv(roster)),
    expect(['mrn', 'name', 'dob', 'ssn', 'icd10'], roster, 'roster CSV: MRN,Last Name,First Name,DOB,SSN,Diagnosis; 12 rows'));
  const census = range(12, 19);
  put('Exports/census_2024-11.tsv', text(censusTsv(census)),
    expect(['mrn', 'name', 'dob', 'ssn', 'icd10'], census, 'TSV with other headers: Chart #, Patient (LAST, FIRST M.), Birthdate (ISO), SSN, Phone, Dx; 8 rows'));
  const adtNew = [...range(6, 11), P(20), P(21)];
  const adt = adtEvents(adtNew, [P(6), P(20)], day(11, 2), `${seed}/adt`);
  put('Exports/adt_20241102.hl7', text(hl7AdtBatch(adt, ctx('adt', day(11, 2)))),
    expect(['mrn', 'name', 'dob', 'ssn', 'icd10'], adtNew,
      'HL7 v2 ADT batch: 10 messages (8 A04 + 2 A08 updates repeating a patient), 8 distinct patients; 6 also in the roster'));
  const jsonPatients = range(22, 26);
  put('Exports/patients.json', text(jsonExport(jsonPatients)),
    expect(['mrn', 'name', 'dob', 'ssn', 'icd10'], jsonPatients, 'JSON array of patient objects: patientName, dob, ssn, mrn, diagnosisCode'));
  put('Exports/patients.xml', text(xmlExport(jsonPatients, ctx('xml', day(11, 1)))),
    expect(['mrn', 'name', 'dob', 'ssn', 'icd10'], jsonPatients, 'XML export of the same 5 patients as patients.json: <MRN>, <PatientName>, <DOB>, <SSN>, <DiagnosisCode>'));
  const xlsxPatients = [...range(0, 3), ...range(27, 29)];
  put('Exports/patient_list.xlsx', stableZip(await office.makeXlsx([
    {
      name: 'Patients',
      rows: [
        ['MRN', 'Last Name', 'First Name', 'DOB', 'SSN', 'Diagnosis'],
        ...xlsxPatients.map((p) => [p.mrn, p.family, p.given, toUtcDate(p.dob), p.ssn, (p.diagnoses[0] as DiagnosisCode).code]),
      ],
      notes: { A1: 'Export from the EHR, delete after the audit' },
    },
    { name: 'Summary', rows: [['Report', 'Active patients'], ['Generated', toUtcDate(day(11, 1))], ['Rows', xlsxPatients.length]] },
  ])), expect(['mrn', 'name', 'dob', 'ssn', 'icd10'], xlsxPatients,
    'workbook: Patients sheet with a date-typed DOB column (7 rows, 4 also in the roster), Summary sheet without PHI'));
  const bomP = P(37);
  put('Exports/discharge_summary_unicode.txt',
    encodeUtf16le(toCrlf(clinicalNote(bomP, ctx('utf16-bom', day(10, 17), 4), { dateStyle: 'long', nameStyle: 'last-first-mi' })), true),
    expect(['name', 'dob', 'mrn', 'icd10'], [bomP], 'UTF-16 LE with BOM, CRLF (Windows "Unicode" save); DOB as March 14, 1962 style'));
  const noBomP = P(38);
  put('Exports/er_visit_export.txt', encodeUtf16le(toCrlf(labReport(noBomP, ctx('utf16-nobom', day(10, 19), 5))), false),
    expect(['name', 'dob', 'mrn', 'icd10'], [noBomP], 'UTF-16 LE WITHOUT a BOM, CRLF: must be detected from the byte pattern'));
  put('Exports/empty_export.csv', new Uint8Array(0), clean('empty file (0 bytes)'));

  // Portal, logs
  const htmlP = P(39);
  put(`Portal/patient_summary_${htmlP.mrn}.html`, text(htmlPatientSummary(htmlP, ctx('html', day(10, 25), 6))),
    expect(['name', 'dob', 'mrn', 'icd10'], [htmlP], 'saved portal page: every label in a <th>, its value in the next <td>; Problem List'));
  const logPatients = [P(20), P(21), P(6), P(7)];
  put('Logs/interface-engine-2024-11-02.log', text(interfaceLog(logPatients, ctx('log', day(11, 2)), 24)),
    expect(['mrn'], logPatients, 'interface engine log: patients only by MRN, each several times, among ISO timestamps (not DOBs)',
      { uncertain: ['icd10'] }));

  // Staff
  put('Staff/staff_directory.csv', text(staffDirectoryCsv(providers)),
    clean('hard negative: provider names (Dr. … MD/DO) with phones and extensions; no patient'));
  put('Staff/meeting_notes_2024-10-15.txt', text(staffMeetingNote(providers.slice(0, 4), clinic, day(10, 15))),
    clean('hard negative: meeting, deadline and go-live dates in every style, provider attendees'));
  put('Staff/on_call_schedule.docx', docx({
    header: [`${clinic.name} — on-call schedule, Q4 2024`],
    body: [0, 1, 2, 3, 4, 5].map((w) => {
      const start = toUtcDate(day(10, 7));
      start.setUTCDate(start.getUTCDate() + 7 * w);
      const d = { year: start.getUTCFullYear(), month: start.getUTCMonth() + 1, day: start.getUTCDate() };
      const p = doctor(w);
      return `Week of ${formatDate(d, 'long')}: ${formatProvider(p)}, ${p.specialty}, cell ${p.phone}`;
    }),
    footer: [`Switchboard ${clinic.phone}`],
  }), clean('clean DOCX: provider names, phones and week dates'));
  put('Staff/privacy_training.pdf', await office.makePdf([[
    'Annual privacy and security training',
    `All staff complete the online module by ${formatDate(day(12, 1), 'long')}.`,
    'Topics: minimum necessary, secure messaging, reporting a lost device.',
    `Questions: the compliance office, ${clinic.phone}.`,
  ]]), clean('clean PDF: policy text and a deadline'));

  // IT, Scans
  put('IT/ssn_validator_fixtures.txt', text(invalidSsnSamples()),
    clean('hard negative: SSN-labelled values that are invalid (area 000/666/9xx, group 00, serial 0000) or famous samples'));
  put('Scans/scan_0001.png', pngLikeBlob(`${seed}/png`),
    { status: 'skipped', detectors: [], absent: [...DETECTOR_IDS], records: 0, patients: [], note: 'binary image (PNG signature + noise): not text, skipped' });
  // Cut inside the header: no page tree survives, so no parser can recover text and report it clean.
  const truncated = labPdf.slice(0, Math.min(256, labPdf.length >> 2));
  put('Scans/fax_20241101_0932.pdf', truncated,
    { status: 'error', detectors: [], absent: [], records: 0, patients: [], note: 'truncated PDF (first 256 bytes of a lab report): corrupt' });

  // Containers and healthcare interchange formats. Most reuse patients placed above, so the cross-file count of
  // distinct patients checks that a scanner links a FHIR Patient, a CCD recordTarget, an X12 subscriber and a
  // DICOM header to the same person in a CSV or a letter.
  const oldRoster = range(12, 15);
  const tarP = P(45);
  const oldZip = 'Exports/old_exports_2019.zip';
  const visitNote = text(clinicalNote(tarP, ctx('old-tar-note', { year: 2019, month: 5, day: 6 }, 2)));
  const notesTarGz = fixedGzip(ustar([{ name: 'visit_note.txt', data: visitNote }], Date.UTC(2019, 4, 6, 7, 8, 9) / 1000));
  put(oldZip, fixedZip({ 'roster.csv': text(rosterCsv(oldRoster)), 'nested/notes.tar.gz': notesTarGz }, new Date(2019, 4, 6)),
    archive('zip of an old export: roster.csv and nested/notes.tar.gz, each reported as a member'));
  expected[`${oldZip}!roster.csv`] = expect(['mrn', 'name', 'dob', 'ssn', 'icd10'], oldRoster,
    'zip member: roster CSV of 4 patients, all also in Exports/census_2024-11.tsv');
  expected[`${oldZip}!nested/notes.tar.gz`] = archive('tar.gz inside the zip: one member, visit_note.txt');
  expected[`${oldZip}!nested/notes.tar.gz!visit_note.txt`] = expect(['name', 'dob', 'mrn', 'icd10'], [tarP],
    'visit note two archives deep (zip > tar.gz); its patient is in no other file');

  const fhirPatients = [P(22), P(23)];
  put('Exports/fhir_bundle_2024-11.json', text(fhirBundle(fhirPatients, ctx('fhir', day(11, 4)))),
    expect(['ssn', 'mrn', 'name', 'dob', 'icd10'], fhirPatients,
      'FHIR R4 collection Bundle: 2 Patients (us-ssn and MR-typed identifiers, name, birthDate, telecom, address), ICD-10-CM Conditions by subject; both also in Exports/patients.json'));

  const ccdP = P(34);
  put(`Clinical/CCD/ccd_${ccdP.mrn}.xml`, text(ccdDocument(ccdP, ctx('ccd', day(11, 5), 3))),
    expect(['ssn', 'mrn', 'name', 'dob', 'icd10'], [ccdP],
      'C-CDA CCD: recordTarget/patientRole with SSN (OID 2.16.840.1.113883.4.1) and MRN ids, name, birthTime, addr, telecom; problems coded in ICD-10-CM (2.16.840.1.113883.6.90); patient also in the PDF lab report'));

  const claimRng = new Random(`${seed}/x12`);
  const x12Subscribers: X12Subscriber[] = [P(40), P(41)].map((patient) => ({
    patient,
    memberId: `SHP${claimRng.digits(9)}`,
    claimId: `PCN${claimRng.digits(6)}`,
    amount: `${claimRng.int(90, 420)}`,
    serviceDate: { year: 2024, month: 10, day: claimRng.int(1, 31) },
  }));
  put('Billing/claims_837_20241105.x12', text(x12Claim837(x12Subscribers, ctx('x12', day(11, 5)), '1234567893')),
    expect(['ssn', 'name', 'dob', 'icd10'], x12Subscribers.map((s) => s.patient),
      'X12 837P: 2 subscribers (NM1*IL name, N3/N4, DMG birth date, REF*SY SSN, HI*ABK/ABF ICD-10-CM codes); both also in Billing/claims_2024-10.csv',
      { uncertain: ['mrn'] }));

  const rtfP = P(36);
  put('Clinical/Legacy/referral_1998.rtf', text(rtfReferral(rtfP, ctx('rtf', { year: 1998, month: 3, day: 9 }, 1), doctor(6), icd9Codes)),
    expect(['name', 'dob', 'mrn', 'icd9'], [rtfP],
      'RTF referral letter (ANSI, font table, page header): patient name, DOB, MRN and ICD-9-CM problems; same patient as the ICD-9 problem list'));

  const docP = P(30);
  put('Clinical/Legacy/discharge_1999.doc', makeWord97Doc([
    `${clinic.name} - discharge summary`,
    `Patient Name: ${formatName(docP, 'first-mi-last')}`,
    `DOB: ${formatDate(docP.dob, 'us')}`,
    `MRN: ${docP.mrn}`,
    'Discharged home in stable condition. Follow up with the primary care physician in two weeks.',
    `Attending: ${formatProvider(doctor(5))}`,
  ]), expect(['name', 'dob', 'mrn'], [docP],
    'Word 97 .doc (OLE compound file, FIB piece table, one 8-bit piece): name, DOB, MRN; same patient as the visit note'));

  const mailPatients = range(27, 29);
  const labCsv = delimited([
    ['MRN', 'Patient Name', 'DOB', 'Test', 'Result', 'Units', 'Flag'],
    ...mailPatients.flatMap((p, i) => [
      [p.mrn, formatName(p, 'last-first-mi'), formatDate(p.dob, 'us'), 'Hemoglobin A1c', `${6 + i}.${i + 2}`, '%', 'H'],
      [p.mrn, formatName(p, 'last-first-mi'), formatDate(p.dob, 'us'), 'Potassium', `4.${i + 1}`, 'mmol/L', ''],
    ]),
  ], ',', '\r\n');
  const mailFrom = doctor(3);
  put('Staff/Mail/fw_labs.eml', text(emlMessage({
    from: `"${formatProvider(mailFrom)}" <${mailFrom.given.toLowerCase()}.${mailFrom.family.toLowerCase()}@riverside.example>`,
    to: 'front-desk@riverside.example',
    subject: 'FW: lab results for this week',
    date: 'Tue, 05 Nov 2024 09:12:00 -0600',
    messageId: 'fw-labs-20241105@riverside.example',
    body: [
      'Forwarding the lab results from the reference lab; please file them in the charts.',
      `Patient: ${formatName(P(27), 'first-last')}   MRN: ${P(27).mrn}`,
      `Please call ${P(27).sex === 'F' ? 'her' : 'him'} about the A1c result before Friday.`,
      '',
      `-- ${formatProvider(mailFrom)}`,
    ],
    attachments: [{ name: 'lab_results.csv', contentType: 'text/csv', data: text(labCsv) }],
  })), expect(['name', 'mrn'], [P(27)], 'forwarded e-mail: the body names one patient with an MRN; lab_results.csv attached'));
  expected['Staff/Mail/fw_labs.eml!lab_results.csv'] = expect(['mrn', 'name', 'dob'], mailPatients,
    'e-mail attachment: lab results CSV, 6 rows for 3 patients (all also in Exports/patient_list.xlsx)');

  const dcmP = P(38);
  put('Imaging/IM0001.dcm', dicomCtHeader(dcmP, ctx('dicom', day(10, 19), 5), '1.2.826.0.1.3680043.10.1111.20241019'),
    expect(['name', 'mrn', 'dob'], [dcmP],
      "DICOM CT header (explicit VR LE): Patient's Name, Patient ID (the MRN), Birth Date; referring physician; same patient as Exports/er_visit_export.txt"));

  const deckP = P(46);
  put('Clinical/Conferences/case_conference.pptx', makePptx([
    { paragraphs: ['Case conference', `${clinic.name}, ${formatDate(day(11, 6), 'long')}`] },
    {
      paragraphs: [`Patient: ${formatName(deckP, 'first-last')}`, `DOB: ${formatDate(deckP.dob, 'us')}   MRN: ${deckP.mrn}`],
      notes: [`Diagnosis: ${deckP.diagnoses.map((d) => `${d.code} ${d.description}`).join('; ')}`],
    },
  ]), expect(['name', 'dob', 'mrn', 'icd10'], [deckP], 'PPTX: patient on slide 2, diagnosis codes only in its speaker notes; patient in no other file'));

  const odtP = P(37);
  put('Clinical/Referrals/referral_followup.odt', makeOdt([
    formatDate(day(11, 8), 'long'),
    'RE: follow-up of the patient named in the page header',
    `Diagnosis: ${odtP.diagnoses.map((d) => `${d.code} - ${d.description}`).join('; ')}`,
    `Sincerely, ${formatProvider(doctor(4))}`,
  ], [`Patient Name: ${formatName(odtP, 'first-mi-last')}    DOB: ${formatDate(odtP.dob, 'us')}    MRN: ${odtP.mrn}`]),
  expect(['name', 'dob', 'mrn', 'icd10'], [odtP], 'ODT letter: patient name, DOB and MRN only in the page header (styles.xml); same patient as the UTF-16 discharge summary'));

  const lockedRng = new Random(`${seed}/locked`);
  const noise = new Uint8Array(600).map(() => lockedRng.int(0, 255));
  put('IT/backup_locked.zip', markZipEncrypted(fixedZip({ 'patients_backup.csv': noise }, new Date(2024, 0, 1), 0)),
    archive('zip whose only member is password protected (ZipCrypto flag set; the stored bytes are noise)'));
  expected['IT/backup_locked.zip!patients_backup.csv'] = {
    status: 'skipped', detectors: [], absent: [...DETECTOR_IDS], records: 0, patients: [],
    note: 'encrypted zip member: skipped, reason encrypted',
  };

  const distinct = new Set(Object.values(expected).flatMap((e) => e.patients));
  return { files, manifest: { seed, distinctPatients: distinct.size, files: expected } };
}
