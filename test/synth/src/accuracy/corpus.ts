/**
 * A labelled corpus for measuring precision and recall: documents in every supported format, each with the
 * values a correct scan must report (detector id and normalized value) and the number of patients it exposes.
 *
 * Labelling rule: in a file that holds a patient's PHI every value of an identifier type is labelled, the
 * clinic's own address and phone included (a de-identifier removes them too); provider names are never
 * labelled (they are not the patient). Clean files label nothing: they hold only hard negatives — invalid
 * SSNs, bare 9-digit order numbers, phones and ZIP+4, non-birth dates, ICD-shaped part numbers, staff names
 * and numbers — and a correct scan reports nothing from them at default confidence.
 */
import { fixedGzip, fixedZip, makeOdt, makePptx, ustar } from '../containers.js';
import { emlMessage } from '../formats-healthcare.js';
import { makeDocx, makePdf, makeXlsx } from '../office.js';
import { docxWithTable } from '../tables.js';
import { addDays, age, delimited, formatDate, formatName, formatProvider, type DateStyle, type NameStyle } from '../format.js';
import { partsInventoryCsv, partsInventoryRows, INVENTORY_HEADER, staffDirectoryCsv, staffMeetingNote, supplierInvoice, invalidSsnSamples, shareReadme } from '../negatives.js';
import { makePatients, makeProviders, type CivilDate, type Patient, type Provider } from '../patients.js';
import {
  RIVERSIDE_CLINIC, censusTsv, clinicalNote, htmlPatientSummary, jsonExport, labReport, markdownNote, referralLetter as sharedReferralLetter, xmlExport,
  type Clinic, type DocumentContext,
} from '../documents.js';
import { Random, type Seed } from '../random.js';
import {
  documentationIp, formatMbi, randomAccountNumber, randomCardNumber, randomDea, randomDriversLicense, randomMbi,
  randomMemberId, randomNpi, randomUdi, randomVin,
} from './identifiers.js';
import { ccdaDocument, dicomHeader, fhirExport, rtfLetter, x12Claims, type RenderedFormat } from './formats.js';

export interface AccuracyLabel {
  detector: string;
  /** The detector's normalized form (digits for SSN and phone, ISO for dates, upper-case tokens for names). */
  value: string;
}

export interface AccuracyDocument {
  /** Relative path; the extension decides the format. */
  path: string;
  bytes: Uint8Array;
  kind: 'phi' | 'clean';
  template: string;
  labels: AccuracyLabel[];
  /** Distinct patients the file exposes. */
  patients: number;
  /** When set, only these detectors are scored in this file (its other identifiers are not labelled). */
  scoredDetectors?: string[];
  /** The file format it is scored under in the per-format table ('text', 'C-CDA XML', 'zip', …); set on every document. */
  format?: string;
  /**
   * Patient records a correct scan reports, summed over the file and the files inside it (an archive's
   * members, a mail's attachments); when unset, `patients`.
   */
  records?: number;
}

export interface AccuracyCorpusOptions {
  seed: Seed;
  /** Total documents; about a quarter are clean files. */
  documents: number;
  /**
   * 'labelled' (default): documents whose identifiers sit behind labels, in columns or in structured fields,
   * the way EHR exports, forms and letters write them. 'stress': free prose, emails and odd spellings where
   * identifiers have no label at all, to show where pattern detection runs out.
   */
  set?: 'labelled' | 'stress';
}

/** Upper case, no commas or periods, single spaces: the address detector's normalized form. */
export function normalizeAddressLabel(value: string): string {
  return value.toUpperCase().replace(/[.,]/g, ' ').split(/\s+/).filter(Boolean).join(' ');
}

class Labels {
  readonly list: AccuracyLabel[] = [];
  add(detector: string, value: string): void {
    if (!this.list.some((l) => l.detector === detector && l.value === value)) this.list.push({ detector, value });
  }
}

const iso = (d: CivilDate) => formatDate(d, 'iso');
const digits = (s: string) => s.replace(/[^0-9]/g, '');

interface Extra {
  email: string;
  mbi: string;
  memberId: string;
  account: string;
  license: string;
  portalId: string;
  ip: string;
  card: string;
  vin: string;
  udi: string;
  relative?: { name: string; relation: string; phone: string };
}

/** An exchange a NANP number may have: 200–899 but no N11 service code (211, …, 811), which no phone number uses. */
function nanpExchange(rng: Random): number {
  for (;;) {
    const exchange = rng.int(200, 899);
    if (exchange % 100 !== 11) return exchange;
  }
}

function extrasFor(p: Patient, rng: Random): Extra {
  return {
    email: `${p.given}.${p.family}${rng.int(1, 99)}@${rng.pick(['example.com', 'example.org', 'mail.example.net'])}`.toLowerCase(),
    mbi: randomMbi(rng),
    memberId: randomMemberId(rng),
    account: randomAccountNumber(rng),
    license: randomDriversLicense(rng),
    portalId: `${rng.int(1, 9)}${rng.digits(7)}`,
    ip: documentationIp(rng),
    card: randomCardNumber(rng),
    vin: randomVin(rng),
    udi: randomUdi(rng),
    ...(rng.chance(0.5) && {
      relative: {
        name: `${rng.pick(['Linda', 'Robert', 'Maria', 'James', 'Susan', 'David'])} ${rng.chance(0.6) ? p.family : rng.pick(['Brown', 'Lee', 'Walker', 'Young'])}`,
        relation: rng.pick(['daughter', 'son', 'spouse', 'sister', 'brother']),
        phone: `(${p.phone.slice(1, 4)}) ${nanpExchange(rng)}-${rng.digits(4)}`,
      },
    }),
  };
}

/** Renders the pieces every document shares and labels them as it goes. */
class Writer {
  readonly labels = new Labels();
  constructor(readonly rng: Random) {}

  name(p: Patient, style: NameStyle): string {
    this.labels.add('name', `${p.given} ${p.middleInitial} ${p.family}`.toUpperCase());
    return formatName(p, style);
  }
  dob(p: Patient, style: DateStyle): string {
    this.labels.add('dob', iso(p.dob));
    return formatDate(p.dob, style);
  }
  mrn(p: Patient): string {
    this.labels.add('mrn', p.mrn.toUpperCase());
    return p.mrn;
  }
  ssn(p: Patient): string {
    this.labels.add('ssn', digits(p.ssn));
    return p.ssn;
  }
  phone(phone: string, fax = false): string {
    this.labels.add(fax ? 'fax' : 'phone', digits(phone));
    const d = digits(phone);
    return this.rng.pick([phone, `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`, `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`]);
  }
  address(street: string, city: string, state: string, zip: string): string {
    const text = `${street}, ${city}, ${state} ${zip}`;
    this.labels.add('address', normalizeAddressLabel(text));
    return text;
  }
  patientAddress(p: Patient): string {
    return this.address(p.address.street, p.address.city, p.address.state, p.address.zip);
  }
  date(d: CivilDate, style: DateStyle): string {
    this.labels.add('date', iso(d));
    return formatDate(d, style);
  }
  age(p: Patient, on: CivilDate): string {
    const years = age(p.dob, on);
    if (years >= 90) this.labels.add('age-over-89', String(years));
    return String(years);
  }
  codes(p: Patient): string[] {
    for (const d of p.diagnoses) this.labels.add('icd10', d.code);
    return p.diagnoses.map((d) => `${d.description} (${d.code})`);
  }
  put(detector: string, shown: string, normalized: string = shown): string {
    this.labels.add(detector, normalized);
    return shown;
  }
  letterhead(c: Clinic): string[] {
    return [c.name.toUpperCase(), this.address(c.street, c.city, c.state, c.zip), `Tel ${this.phone(c.phone)}   Fax ${this.phone(c.fax, true)}`];
  }
}

interface Ctx {
  rng: Random;
  clinic: Clinic;
  provider: Provider;
  providerNpi: string;
  date: CivilDate;
}

const STYLES: DateStyle[] = ['us', 'iso', 'long', 'dmy', 'us-short'];
const NAME_STYLES: NameStyle[] = ['first-last', 'first-mi-last', 'last-first-mi', 'upper-last-first-mi'];

/**
 * Hard negatives inside a document that does identify a patient, where document context raises weak findings:
 * an order number that passes the NPI check, an ICD-shaped lot number, sample and invalid SSNs, a fiction phone
 * number, a software version, a bare 9-digit reference. None is labelled.
 */
function noiseLines(ctx: Ctx): string[] {
  const r = ctx.rng;
  return r.sample([
    `Supply order ${randomNpi(r)} restocked; lot ${r.pick(['E11.9', 'J45.909', 'I10'])} in bin ${r.int(1, 40)}.`,
    'Form example (do not use): SSN 078-05-1120; invalid test value 000-12-3456.',
    'Pharmacy help line 1-800-555-0199 (recorded message).',
    `Portal app version ${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 99)}; reference ${r.digits(9)}.`,
    `Printer serial # CN${r.digits(8)} in the front office.`,
    `Invoice ${r.int(2020, 2024)}-${r.digits(4)} dated ${formatDate(addDays(ctx.date, -3), 'us')} was paid.`,
  ], 3);
}

function visitNote(p: Patient, x: Extra, ctx: Ctx): { text: string; labels: AccuracyLabel[] } {
  const w = new Writer(ctx.rng);
  const style = ctx.rng.pick(STYLES);
  const lines = [
    ...w.letterhead(ctx.clinic),
    '',
    'OFFICE VISIT NOTE',
    '',
    `${ctx.rng.pick(['Patient Name', 'Patient', 'Pt Name', 'Name'])}: ${w.name(p, ctx.rng.pick(NAME_STYLES))}`,
    `${ctx.rng.pick(['DOB', 'D.O.B.', 'Date of Birth', 'Birth Date'])}: ${w.dob(p, style)}   Age: ${w.age(p, ctx.date)}   Sex: ${p.sex}`,
    `${ctx.rng.pick(['MRN', 'MR#', 'Med Rec #', 'Medical Record Number'])}: ${w.mrn(p)}`,
    `Visit Date: ${w.date(ctx.date, style)}`,
    `Provider: ${formatProvider(ctx.provider)}`,
    '',
    `${p.sex === 'F' ? 'Mrs.' : 'Mr.'} ${p.family} is seen for follow-up; ${ctx.rng.chance(0.5) ? `born ${formatDate(p.dob, 'long')}, ` : ''}lives alone.`,
    `Chief complaint: follow-up; lab accession ${ctx.rng.digits(9)} reviewed, order ${ctx.rng.int(10000, 99999)} placed.`,
    `Objective: BP ${ctx.rng.int(112, 158)}/${ctx.rng.int(68, 96)}, HR ${ctx.rng.int(58, 96)}, room ${ctx.rng.int(100, 450)}.`,
    '',
    'Assessment:',
    ...w.codes(p).map((c, i) => `  ${i + 1}. ${c}`),
    '',
  ];
  if (ctx.rng.chance(0.6)) lines.push(`Patient phone: ${w.phone(p.phone)}`);
  if (ctx.rng.chance(0.4)) lines.push(`Email: ${w.put('email', x.email)}`);
  if (ctx.rng.chance(0.2)) lines.push(`Implanted pacemaker, device UDI ${w.put('device-id', x.udi, x.udi.replace(/[()]/g, ''))}`);
  lines.push('', ...noiseLines(ctx));
  lines.push('', `Plan: recheck in ${ctx.rng.int(2, 12)} weeks.`, '', `Electronically signed by ${formatProvider(ctx.provider)} on ${formatDate(ctx.date, style)}`);
  return { text: lines.join('\n') + '\n', labels: w.labels.list };
}

function referralLetter(p: Patient, x: Extra, ctx: Ctx, to: Provider): { header: string[]; body: string[]; labels: AccuracyLabel[] } {
  const w = new Writer(ctx.rng);
  const header = w.letterhead(ctx.clinic);
  const body = [
    formatDate(ctx.date, 'long'),
    '',
    `${formatProvider(to)}`,
    `${to.specialty}`,
    '',
    `Patient: ${w.name(p, ctx.rng.pick(['first-last', 'first-mi-last'] as NameStyle[]))}   DOB: ${w.dob(p, ctx.rng.pick(STYLES))}`,
    `MRN: ${w.mrn(p)}`,
    `Home address: ${w.patientAddress(p)}`,
  ];
  if (ctx.rng.chance(0.5)) body.push(`Medicare MBI: ${w.put('mbi', formatMbi(x.mbi, ctx.rng.chance(0.5)), x.mbi)}`);
  body.push(
    '',
    `Dear Dr. ${to.family},`,
    '',
    `I am referring ${p.given} for evaluation. Diagnoses: ${w.codes(p).join('; ')}.`,
    `Please call our office at ${w.phone(ctx.clinic.phone)} with questions.`,
    '',
    'Sincerely,',
    formatProvider(ctx.provider),
    `NPI: ${w.put('npi', ctx.providerNpi)}`,
  );
  return { header, body, labels: w.labels.list };
}

function labReportLines(p: Patient, ctx: Ctx): { lines: string[]; labels: AccuracyLabel[] } {
  const w = new Writer(ctx.rng);
  const collected = addDays(ctx.date, -1);
  const lines = [
    'RIVERSIDE CLINICAL LABORATORY',
    w.address('2200 Lake Street', ctx.clinic.city, ctx.clinic.state, ctx.clinic.zip),
    '',
    `Patient: ${w.name(p, ctx.rng.pick(['last-first-mi', 'upper-last-first-mi'] as NameStyle[]))}`,
    `DOB: ${w.dob(p, 'us')}   Sex: ${p.sex}`,
    `MRN: ${w.mrn(p)}`,
    `Collected: ${w.date(collected, 'us')}`,
    `Ordering physician: ${formatProvider(ctx.provider)}   NPI ${w.put('npi', ctx.providerNpi)}`,
    `Accession: ${ctx.rng.digits(9)}`,
    '',
    'Test                 Result   Units    Reference',
    `Glucose              ${ctx.rng.int(70, 180)}      mg/dL    70-99`,
    `Hemoglobin A1c       ${ctx.rng.int(5, 10)}.${ctx.rng.int(0, 9)}      %        4.0-5.6`,
    `Creatinine           ${ctx.rng.int(0, 1)}.${ctx.rng.int(5, 9)}      mg/dL    0.6-1.3`,
    `LDL cholesterol      ${ctx.rng.int(60, 190)}      mg/dL    <100`,
    `Cholesterol, total   ${ctx.rng.int(110, 260)}      mg/dL    125-199`,
    `Platelets            ${ctx.rng.int(150, 400)}      K/uL     150-400`,
    '',
    // One code a line: a PDF line longer than the page is cut off where the page ends.
    'Diagnosis:',
    ...w.codes(p).map((c) => `  ${c}`),
  ];
  return { lines, labels: w.labels.list };
}

function intakeForm(p: Patient, x: Extra, ctx: Ctx): { text: string; labels: AccuracyLabel[] } {
  const w = new Writer(ctx.rng);
  const lines = [
    `NEW PATIENT REGISTRATION — ${ctx.clinic.name}`,
    '',
    `Patient Name: ${w.name(p, 'first-mi-last')}`,
    `Date of Birth: ${w.dob(p, ctx.rng.pick(STYLES))}`,
    `SSN: ${w.ssn(p)}`,
    `Address: ${w.patientAddress(p)}`,
    `Home Phone: ${w.phone(p.phone)}`,
    `Email: ${w.put('email', x.email)}`,
    ...(x.relative ? [`Emergency contact: ${w.put('relative-name', x.relative.name, x.relative.name.toUpperCase())} (${x.relative.relation})   Phone: ${w.phone(x.relative.phone)}`] : []),
    `Insurance: Acme Health Plan   Member ID: ${w.put('health-plan-id', x.memberId)}`,
  ];
  if (ctx.rng.chance(0.5)) lines.push(`Medicare MBI: ${w.put('mbi', formatMbi(x.mbi, true), x.mbi)}`);
  else if (ctx.rng.chance(0.4)) lines.push(`Medicare claim number (HICN): ${w.put('hicn', `${digits(p.ssn)}A`)}`);
  lines.push(
    `Driver's License: ${w.put('license-number', x.license, x.license.replace(/-/g, ''))}`,
    `Account #: ${w.put('account-number', x.account)}`,
    `Patient portal: ${w.put('url', `https://portal.riverside.example/patients/${x.portalId}/profile`)}`,
  );
  if (ctx.rng.chance(0.3)) lines.push(`Last portal login from IP ${w.put('ip', x.ip)}`);
  if (ctx.rng.chance(0.2)) lines.push(`Card on file: Visa ${w.put('credit-card', x.card.replace(/(\d{4})(?=\d)/g, '$1 '), x.card)}`);
  if (ctx.rng.chance(0.15)) lines.push(`Vehicle (MVA claim) VIN: ${w.put('vin', x.vin)}`);
  lines.push('', `Reason for visit: new patient; Dx: ${w.codes(p).join(', ')}`, '', 'Signature on file.');
  return { text: lines.join('\n') + '\n', labels: w.labels.list };
}

function prescription(p: Patient, ctx: Ctx): { text: string; labels: AccuracyLabel[] } {
  const w = new Writer(ctx.rng);
  const dea = randomDea(ctx.rng, ctx.provider.family);
  const lines = [
    ...w.letterhead(ctx.clinic),
    '',
    'PRESCRIPTION',
    `Patient: ${w.name(p, 'first-last')}   DOB: ${w.dob(p, 'us')}`,
    `Address: ${w.patientAddress(p)}`,
    '',
    'Rx: oxycodone 5 mg tablets, #20, one every 6 hours as needed for pain. No refills.',
    `Dx: ${w.codes({ ...p, diagnoses: p.diagnoses.slice(0, 1) }).join('')}`,
    '',
    `Prescriber: ${formatProvider(ctx.provider)}`,
    `DEA #: ${w.put('dea', dea)}   NPI: ${w.put('npi', ctx.providerNpi)}`,
  ];
  return { text: lines.join('\n') + '\n', labels: w.labels.list };
}

function rosterTable(patients: readonly Patient[], ctx: Ctx): { rows: string[][]; labels: AccuracyLabel[] } {
  const w = new Writer(ctx.rng);
  const withAdmit = ctx.rng.chance(0.5);
  const bareSsn = ctx.rng.chance(0.3);
  const dobStyle = ctx.rng.pick(['us', 'iso'] as DateStyle[]);
  const header = ['MRN', 'Last Name', 'First Name', 'DOB', 'SSN', 'Phone', 'Address', ...(withAdmit ? ['Admit Date'] : []), 'Diagnosis'];
  const rows = patients.map((p) => {
    w.name(p, 'first-last');
    const admit = addDays(ctx.date, -ctx.rng.int(0, 30));
    return [
      w.mrn(p), p.family, p.given, w.dob(p, dobStyle), bareSsn ? digits(w.ssn(p)) : w.ssn(p), w.phone(p.phone), w.patientAddress(p),
      ...(withAdmit ? [w.date(admit, 'us')] : []),
      (w.codes({ ...p, diagnoses: p.diagnoses.slice(0, 1) })[0] ?? '').replace(/^.*\((.*)\)$/, '$1'),
    ];
  });
  return { rows: [header, ...rows], labels: w.labels.list };
}

function hl7Batch(patients: readonly Patient[], ctx: Ctx): { text: string; labels: AccuracyLabel[] } {
  const w = new Writer(ctx.rng);
  const c = ctx.clinic;
  const stamp = `${formatDate(ctx.date, 'hl7')}0930`;
  const messages = patients.map((p, i) => {
    w.labels.add('name', `${p.given} ${p.middleInitial} ${p.family}`.toUpperCase());
    w.labels.add('address', normalizeAddressLabel(p.address.street));
    const pid = [
      'PID', '1', '', `${w.mrn(p)}^^^${c.code}^MR`, '', `${p.family.toUpperCase()}^${p.given.toUpperCase()}^${p.middleInitial}`, '',
      w.dob(p, 'hl7'), p.sex, '', '', `${p.address.street.toUpperCase()}^^${p.address.city.toUpperCase()}^${p.address.state}^${p.address.zip}`, '',
      `(${digits(p.phone).slice(0, 3)})${digits(p.phone).slice(3)}`, '', '', '', '', '', w.ssn(p),
    ].join('|');
    w.labels.add('phone', digits(p.phone));
    w.labels.add('npi', ctx.providerNpi);
    const attending = `${ctx.providerNpi}^${ctx.provider.family.toUpperCase()}^${ctx.provider.given.toUpperCase()}^^^DR^${ctx.provider.credential}`;
    const segments = [
      `MSH|^~\\&|${c.code}_EHR|${c.code}|HIS|${c.code}|${stamp}||ADT^A04|MSG${String(i + 1).padStart(5, '0')}|P|2.5.1`,
      `EVN|A04|${stamp}`,
      pid,
      `PV1|1|O|CLINIC^^^${c.code}||||${attending}`,
      ...p.diagnoses.map((d, k) => `DG1|${k + 1}||${w.put('icd10', d.code)}^${d.description}^I10|||F`),
    ];
    return segments.map((s) => `${s}\r`).join('');
  });
  return { text: messages.join(''), labels: w.labels.list };
}

function fhirBundle(p: Patient, x: Extra, ctx: Ctx): { text: string; labels: AccuracyLabel[] } {
  const w = new Writer(ctx.rng);
  w.labels.add('name', `${p.given} ${p.middleInitial} ${p.family}`.toUpperCase());
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        resource: {
          resourceType: 'Patient',
          id: `pat-${ctx.rng.digits(6)}`,
          identifier: [{ type: { text: 'MRN' }, system: 'urn:oid:2.16.840.1.113883.3.999', value: w.mrn(p) }],
          name: [{ family: p.family, given: [p.given, p.middleInitial] }],
          gender: p.sex === 'F' ? 'female' : 'male',
          birthDate: w.dob(p, 'iso'),
          telecom: [{ system: 'phone', value: w.phone(p.phone) }, { system: 'email', value: w.put('email', x.email) }],
          address: [{ line: [p.address.street], city: p.address.city, state: p.address.state, postalCode: p.address.zip }],
        },
      },
      ...p.diagnoses.map((d) => ({
        resource: {
          resourceType: 'Condition',
          code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: w.put('icd10', d.code), display: d.description }] },
          recordedDate: w.date(ctx.date, 'iso'),
        },
      })),
    ],
  };
  // The extractor reads a FHIR address object as one value: street, city, state and ZIP together.
  w.labels.add('address', normalizeAddressLabel(`${p.address.street}, ${p.address.city}, ${p.address.state} ${p.address.zip}`));
  return { text: JSON.stringify(bundle, null, 2) + '\n', labels: w.labels.list };
}

/** A vendor contact list: names, emails, phones and addresses of businesses, no patient. */
function vendorContactsCsv(ctx: Ctx): string {
  const r = ctx.rng;
  const rows = [['Company', 'Contact', 'Email', 'Phone', 'Address']];
  for (const company of r.sample(['Northstar Medical Supply', 'Acme Linen Service', 'Prairie IT Partners', 'Bluewater Shredding', 'Summit Lab Couriers'], 4)) {
    const contact = `${r.pick(['Alan', 'Grace', 'Victor', 'Nina'])} ${r.pick(['Ford', 'Hale', 'Quinn', 'Stone'])}`;
    const slug = company.toLowerCase().replace(/[^a-z]+/g, '');
    rows.push([company, contact, `${contact.split(' ')[0]!.toLowerCase()}@${slug}.example.com`, `(${r.pick(['217', '614', '608'])}) ${r.int(200, 899)}-${r.digits(4)}`, `${r.int(100, 9999)} Commerce Dr, Springfield, IL 627${r.digits(2)}`]);
  }
  return delimited(rows, ',');
}

/** A web server's access log: staff logins, IP addresses, version strings, no patient. */
function accessLog(ctx: Ctx): string {
  const r = ctx.rng;
  return Array.from({ length: 12 }, (_, i) =>
    `2024-${String(ctx.date.month).padStart(2, '0')}-${String(ctx.date.day).padStart(2, '0')}T08:${String(10 + i).padStart(2, '0')}:00Z ${r.pick(['10.1.4', '192.0.2', '172.16.9'])}.${r.int(2, 250)} user=${r.pick(['frontdesk', 'billing', 'nurse2', 'admin'])}@riverside.example GET /schedule/week?v=${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 99)} 200`,
  ).join('\n') + '\n';
}

/** Clean prose full of the shapes scanners confuse with PHI; no patient anywhere. */
function hardNegativeMemo(ctx: Ctx): string {
  const r = ctx.rng;
  return [
    `${ctx.clinic.name} — facilities memo`,
    `Date: ${formatDate(ctx.date, 'long')}`,
    '',
    `The HVAC contractor (order ${r.digits(9)}, PO ${r.digits(9)}) starts ${formatDate(addDays(ctx.date, 7), 'us')}.`,
    `Ship parts to 4410 Industrial Pkwy, Columbus, OH 43219-${r.digits(4)}; questions to (614) ${r.int(200, 899)}-${r.digits(4)}.`,
    `Part numbers E11.9, I10 and J45.909 are filters; model A10 and serial 884422119 are the air handler.`,
    `Sample SSN on the training slide: 123-45-6789. Invalid test value: 000-12-3456.`,
    `Server 10.2.0.15 runs version 4.2.1.7; backups at 02:30:00 nightly.`,
    `The annual budget is $250,000.00; invoice 2024-${r.int(1000, 9999)} is due ${formatDate(addDays(ctx.date, 30), 'iso')}.`,
    `Tracking 1Z${r.digits(16)} delivered to loading dock 3, room 401.`,
    '',
  ].join('\n');
}

const enc = (s: string) => new TextEncoder().encode(s);

function mergeLabels(...lists: AccuracyLabel[][]): AccuracyLabel[] {
  const labels = new Labels();
  for (const list of lists) for (const l of list) labels.add(l.detector, l.value);
  return labels.list;
}

const MONTH_ABBR = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** An RFC 5322 date without the weekday (optional there), so no calendar arithmetic is needed. */
const mailDate = (d: CivilDate) => `${d.day} ${MONTH_ABBR[d.month - 1]} ${d.year} 09:12:00 -0600`;

/** The format each document is scored under in the per-format table: its template's, else its extension's. */
const TEMPLATE_FORMATS: Record<string, string> = {
  fhir: 'FHIR JSON', 'fhir-bundle': 'FHIR JSON', hl7: 'HL7 v2', ccda: 'C-CDA XML', x12: 'X12 837', dicom: 'DICOM', rtf: 'RTF',
  odt: 'ODT', pptx: 'PPTX', eml: 'EML + attachment', 'invoice-eml': 'EML + attachment', zip: 'zip', 'clean-zip': 'zip', 'tar-gz': 'tar.gz',
};
const EXTENSION_FORMATS: Record<string, string> = {
  txt: 'text', md: 'Markdown', log: 'text', csv: 'CSV', tsv: 'TSV', xlsx: 'XLSX', docx: 'DOCX', pdf: 'PDF', json: 'JSON', xml: 'XML',
  html: 'HTML', hl7: 'HL7 v2', eml: 'EML',
};

export function accuracyFormatOf(doc: Pick<AccuracyDocument, 'path' | 'template'>): string {
  const ext = doc.path.slice(doc.path.lastIndexOf('.') + 1).toLowerCase();
  return TEMPLATE_FORMATS[doc.template] ?? EXTENSION_FORMATS[ext] ?? ext;
}

/** What the shared renderers (written for the example share, not for this benchmark) are scored on. */
const SHARED_RENDERER_DETECTORS = ['ssn', 'mrn', 'dob', 'name', 'icd10', 'phone', 'fax', 'address', 'email'];
const ALL_DATE_STYLES: DateStyle[] = ['us', 'us-short', 'iso', 'long', 'dmy', 'hl7'];

/**
 * Labels a document from test/synth's shared renderers by what it shows: each patient value (and the
 * clinic's contact details) is labelled where its text appears. The values are unique to their patient, so
 * presence is as good as knowing where the renderer put it.
 */
function labelsByPresence(text: string, patients: readonly Patient[], clinic: Clinic): AccuracyLabel[] {
  const labels = new Labels();
  const upper = text.toUpperCase();
  for (const p of patients) {
    if (upper.includes(p.family.toUpperCase()) && upper.includes(p.given.toUpperCase())) labels.add('name', `${p.given} ${p.middleInitial} ${p.family}`.toUpperCase());
    if (ALL_DATE_STYLES.some((style) => text.includes(formatDate(p.dob, style)))) labels.add('dob', iso(p.dob));
    if (text.includes(p.ssn) || text.includes(digits(p.ssn))) labels.add('ssn', digits(p.ssn));
    if (text.includes(p.mrn)) labels.add('mrn', p.mrn.toUpperCase());
    if (text.includes(p.phone)) labels.add('phone', digits(p.phone));
    for (const d of p.diagnoses) if (text.includes(d.code)) labels.add('icd10', d.code);
    const street = p.address.street;
    if (text.includes(`${street}, ${p.address.city}, ${p.address.state} ${p.address.zip}`)) {
      labels.add('address', normalizeAddressLabel(`${street}, ${p.address.city}, ${p.address.state} ${p.address.zip}`));
    } else if (upper.includes(street.toUpperCase())) labels.add('address', normalizeAddressLabel(street));
  }
  if (text.includes(clinic.phone)) labels.add('phone', digits(clinic.phone));
  if (text.includes(clinic.fax)) labels.add('fax', digits(clinic.fax));
  const clinicAddress = `${clinic.street}, ${clinic.city}, ${clinic.state} ${clinic.zip}`;
  if (text.includes(clinicAddress)) labels.add('address', normalizeAddressLabel(clinicAddress));
  else if (text.includes(clinic.street)) labels.add('address', normalizeAddressLabel(clinic.street));
  return labels.list;
}

/** Identifiers in running prose, without labels: what a clinician types into a message or a free-text note. */
function stressDocument(p: Patient, x: Extra, ctx: Ctx, variant: number): { path: string; text: string; labels: AccuracyLabel[] } {
  const w = new Writer(ctx.rng);
  const r = ctx.rng;
  const pronoun = p.sex === 'F' ? 'She' : 'He';
  switch (variant % 4) {
    case 0: {
      const lines = [
        `${w.name(p, 'first-last')} is a ${w.age(p, ctx.date)}-year-old ${p.sex === 'F' ? 'woman' : 'man'} born ${w.dob(p, 'long')} who lives at ${w.address(p.address.street, p.address.city, p.address.state, p.address.zip)}.`,
        `${pronoun} was seen on ${w.date(ctx.date, 'us')} for ${p.diagnoses[0]!.description.toLowerCase()} (${w.put('icd10', p.diagnoses[0]!.code)}).`,
        `Best number is ${w.phone(p.phone)}; ${x.relative ? `${p.sex === 'F' ? 'her' : 'his'} ${x.relative.relation} ${w.put('relative-name', x.relative.name, x.relative.name.toUpperCase())} also helps.` : 'no family nearby.'}`,
        `Chart ${w.mrn(p)}.`,
      ];
      return { path: `stress/narrative_${r.digits(6)}.txt`, text: lines.join(' ') + '\n', labels: w.labels.list };
    }
    case 1: {
      const lines = [
        `From: ${w.put('email', 'frontdesk@riverside.example')}`,
        'Subject: callback',
        '',
        `Hi — ${w.name(p, 'first-last')} called about ${p.sex === 'F' ? 'her' : 'his'} refill (dob ${w.dob(p, 'us-short')}).`,
        `New cell: ${w.phone(p.phone)}, new email ${w.put('email', x.email)}. SSN ${w.ssn(p)} for the insurance form.`,
        `Dx on the request: ${w.put('icd10', p.diagnoses[0]!.code)}.`,
        '',
        'Thanks, front desk',
      ];
      return { path: `stress/email_${r.digits(6)}.eml`, text: lines.join('\n') + '\n', labels: w.labels.list };
    }
    case 2: {
      const lines = [
        `patient name: ${w.name(p, 'first-last').toLowerCase()}`,
        `dob ${w.dob(p, 'hl7')}`,
        `mrn ${w.mrn(p)}  ssn ${w.put('ssn', digits(p.ssn))}`,
        `phone +1 ${digits(w.phone(p.phone)).replace(/^(\d{3})(\d{3})(\d{4})$/, '($1) $2 $3')}`,
        `dx ${w.put('icd10', p.diagnoses[0]!.code)}`,
      ];
      return { path: `stress/ocr_${r.digits(6)}.txt`, text: lines.join('\n') + '\n', labels: w.labels.list };
    }
    default: {
      const rows = [
        ['Pt', 'Birth', 'Soc', 'Tel', 'Problem'],
        [`${w.name(p, 'last-first-mi')}`, w.dob(p, 'dmy'), w.ssn(p), w.phone(p.phone), w.put('icd10', p.diagnoses[0]!.code)],
      ];
      return { path: `stress/export_${r.digits(6)}.csv`, text: delimited(rows, ','), labels: w.labels.list };
    }
  }
}

/** Builds the corpus; the same options always give the same bytes and labels. */
export async function makeAccuracyCorpus(options: AccuracyCorpusOptions): Promise<AccuracyDocument[]> {
  const rng = new Random(options.seed);
  const patients = makePatients(Math.max(40, options.documents * 2), `${options.seed}:patients`);
  const providers = makeProviders(12, `${options.seed}:providers`, patients);
  const npis = providers.map(() => randomNpi(rng));
  const docs: AccuracyDocument[] = [];
  let next = 0;
  const takePatients = (n: number) => Array.from({ length: n }, () => patients[next++ % patients.length]!);
  const PHI_TEMPLATES = [
    'visit-note', 'referral-docx', 'lab-pdf', 'lab-txt', 'intake', 'prescription', 'roster-csv', 'roster-xlsx', 'hl7', 'fhir', 'note-md',
    'shared-note', 'shared-referral', 'shared-lab', 'shared-md', 'shared-html', 'shared-json', 'shared-xml', 'shared-tsv',
    'ccda', 'fhir-bundle', 'x12', 'dicom', 'rtf', 'odt', 'pptx', 'eml', 'zip', 'tar-gz', 'intake-docx',
  ];
  const CLEAN_TEMPLATES = [
    'invoice', 'parts-csv', 'parts-xlsx', 'staff-csv', 'meeting', 'qa-ssn', 'readme', 'memo', 'memo-pdf', 'memo-docx', 'vendors', 'access-log',
    'invoice-eml', 'clean-zip',
  ];
  const withFormats = () => docs.map((doc) => ({ ...doc, format: accuracyFormatOf(doc) }));

  if (options.set === 'stress') {
    for (let i = 0; i < options.documents; i++) {
      const d = rng.fork(`stress${i}`);
      const ctx: Ctx = { rng: d, clinic: RIVERSIDE_CLINIC, provider: providers[0]!, providerNpi: npis[0]!, date: { year: 2024, month: d.int(1, 12), day: d.int(1, 28) } };
      const [p] = takePatients(1);
      const r = stressDocument(p!, extrasFor(p!, d), ctx, i);
      docs.push({ path: r.path, bytes: enc(r.text), kind: 'phi', template: `stress-${i % 4}`, labels: r.labels, patients: 1 });
    }
    return withFormats();
  }
  for (let i = 0; i < options.documents; i++) {
    const d = rng.fork(`doc${i}`);
    const providerIndex = d.int(0, providers.length - 1);
    const ctx: Ctx = {
      rng: d,
      clinic: RIVERSIDE_CLINIC,
      provider: providers[providerIndex]!,
      providerNpi: npis[providerIndex]!,
      date: { year: 2024, month: d.int(1, 12), day: d.int(1, 28) },
    };
    const clean = i % 4 === 3;
    const template = clean ? CLEAN_TEMPLATES[Math.floor(i / 4) % CLEAN_TEMPLATES.length]! : PHI_TEMPLATES[(i - Math.floor(i / 4)) % PHI_TEMPLATES.length]!;
    const id = String(i).padStart(4, '0');
    const add = (path: string, bytes: Uint8Array, labels: AccuracyLabel[], count: number, records?: number) =>
      docs.push({ path, bytes, kind: clean ? 'clean' : 'phi', template, labels, patients: count, ...(records !== undefined && { records }) });
    const documentContext = (): DocumentContext => ({ clinic: ctx.clinic, provider: ctx.provider, date: ctx.date, seed: `format${i}` });
    const addRendered = (base: string, w: Writer, r: RenderedFormat) =>
      docs.push({ path: `${base}.${r.extension}`, bytes: r.bytes, kind: 'phi', template, labels: w.labels.list, patients: r.patients, scoredDetectors: r.scoredDetectors });

    if (template.startsWith('shared-')) {
      const group = takePatients(template === 'shared-json' || template === 'shared-xml' || template === 'shared-tsv' ? d.int(2, 6) : 1);
      const p = group[0]!;
      const shared: DocumentContext = { clinic: ctx.clinic, provider: ctx.provider, date: ctx.date, seed: `shared${i}` };
      const to = providers[(providerIndex + 1) % providers.length]!;
      const [path, text] = ((): [string, string] => {
        switch (template) {
          case 'shared-note': return [`shared/visit_${id}.txt`, clinicalNote(p, shared, { dateStyle: d.pick(STYLES), nameStyle: d.pick(NAME_STYLES) })];
          case 'shared-referral': return [`shared/referral_${id}.txt`, sharedReferralLetter(p, shared, to)];
          case 'shared-lab': return [`shared/lab_${id}.txt`, labReport(p, shared)];
          case 'shared-md': return [`shared/progress_${id}.md`, markdownNote(p, shared)];
          case 'shared-html': return [`shared/summary_${id}.html`, htmlPatientSummary(p, shared)];
          case 'shared-json': return [`shared/patients_${id}.json`, jsonExport(group)];
          case 'shared-xml': return [`shared/patients_${id}.xml`, xmlExport(group, shared)];
          default: return [`shared/census_${id}.tsv`, censusTsv(group)];
        }
      })();
      docs.push({ path, bytes: enc(text), kind: 'phi', template, labels: labelsByPresence(text, group, ctx.clinic), patients: group.length, scoredDetectors: SHARED_RENDERER_DETECTORS });
      continue;
    }
    switch (template) {
      case 'visit-note': {
        const [p] = takePatients(1);
        const r = visitNote(p!, extrasFor(p!, d), ctx);
        add(`notes/visit_${id}.txt`, enc(r.text), r.labels, 1);
        break;
      }
      case 'note-md': {
        const [p] = takePatients(1);
        const r = visitNote(p!, extrasFor(p!, d), ctx);
        add(`notes/progress_${id}.md`, enc(r.text.replace(/^(Patient Name|DOB|MRN|Visit Date):/gm, '**$1:**')), r.labels, 1);
        break;
      }
      case 'referral-docx': {
        const [p] = takePatients(1);
        const to = providers[(providerIndex + 1) % providers.length]!;
        const r = referralLetter(p!, extrasFor(p!, d), ctx, to);
        add(`letters/referral_${id}.docx`, makeDocx({ header: r.header, body: r.body }), r.labels, 1);
        break;
      }
      case 'lab-pdf':
      case 'lab-txt': {
        const [p] = takePatients(1);
        const r = labReportLines(p!, ctx);
        if (template === 'lab-pdf') add(`labs/lab_${id}.pdf`, await makePdf([r.lines]), r.labels, 1);
        else add(`labs/lab_${id}.txt`, enc(r.lines.join('\n') + '\n'), r.labels, 1);
        break;
      }
      case 'intake': {
        const [p] = takePatients(1);
        const r = intakeForm(p!, extrasFor(p!, d), ctx);
        add(`intake/registration_${id}.txt`, enc(r.text), r.labels, 1);
        break;
      }
      case 'prescription': {
        const [p] = takePatients(1);
        const r = prescription(p!, ctx);
        add(`rx/prescription_${id}.txt`, enc(r.text), r.labels, 1);
        break;
      }
      case 'roster-csv':
      case 'roster-xlsx': {
        const group = takePatients(d.int(3, 10));
        const r = rosterTable(group, ctx);
        if (template === 'roster-csv') add(`exports/roster_${id}.csv`, enc(delimited(r.rows, ',')), r.labels, group.length);
        else add(`exports/roster_${id}.xlsx`, await makeXlsx([{ name: 'Patients', rows: r.rows }]), r.labels, group.length);
        break;
      }
      case 'hl7': {
        const group = takePatients(d.int(1, 4));
        const r = hl7Batch(group, ctx);
        add(`interfaces/adt_${id}.hl7`, enc(r.text), r.labels, group.length);
        break;
      }
      case 'fhir': {
        const [p] = takePatients(1);
        const r = fhirBundle(p!, extrasFor(p!, d), ctx);
        add(`fhir/bundle_${id}.json`, enc(r.text), r.labels, 1);
        break;
      }
      case 'intake-docx': {
        // The registration form as Word lays it out: a label cell and a value cell per field.
        const [p] = takePatients(1);
        const r = intakeForm(p!, extrasFor(p!, d), ctx);
        const lines = r.text.trimEnd().split('\n');
        const field = /^([^:]+): (.*)$/;
        const rows = lines.slice(1).flatMap((l) => {
          const m = field.exec(l);
          return m ? [[m[1]!, m[2]!]] : [];
        });
        const body = [lines[0]!, '', ...lines.slice(1).filter((l) => l && !field.test(l))];
        add(`intake/registration_${id}.docx`, docxWithTable(makeDocx({ body }), rows), r.labels, 1);
        break;
      }
      case 'ccda': {
        const w = new Writer(d);
        addRendered(`ccda/ccd_${id}`, w, ccdaDocument(w, takePatients(1)[0]!, documentContext()));
        break;
      }
      case 'fhir-bundle': {
        const w = new Writer(d);
        addRendered(`fhir/export_${id}`, w, fhirExport(w, takePatients(d.int(2, 4)), documentContext()));
        break;
      }
      case 'x12': {
        const w = new Writer(d);
        addRendered(`claims/claims_837_${id}`, w, x12Claims(w, takePatients(d.int(1, 3)), documentContext(), ctx.providerNpi, d));
        break;
      }
      case 'dicom': {
        const w = new Writer(d);
        addRendered(`imaging/IM${id}`, w, dicomHeader(w, takePatients(1)[0]!, documentContext(), `1.2.826.0.1.3680043.10.1111.${i + 1}`));
        break;
      }
      case 'rtf': {
        const w = new Writer(d);
        addRendered(`letters/referral_${id}`, w, rtfLetter(w, takePatients(1)[0]!, documentContext(), providers[(providerIndex + 1) % providers.length]!));
        break;
      }
      case 'odt': {
        // The letterhead goes in the page header (styles.xml), the note in the body (content.xml).
        const [p] = takePatients(1);
        const r = visitNote(p!, extrasFor(p!, d), ctx);
        const lines = r.text.trimEnd().split('\n');
        add(`notes/visit_${id}.odt`, makeOdt(lines.slice(3), lines.slice(0, 3)), r.labels, 1);
        break;
      }
      case 'pptx': {
        // A case-conference deck: the patient block on slide 2, the assessment and the rest in its speaker notes.
        const [p] = takePatients(1);
        const r = visitNote(p!, extrasFor(p!, d), ctx);
        const lines = r.text.trimEnd().split('\n');
        const assessment = lines.indexOf('Assessment:');
        add(`conferences/case_${id}.pptx`, makePptx([
          { paragraphs: [...lines.slice(0, 3), 'Case conference'] },
          { paragraphs: lines.slice(4, assessment).filter(Boolean), notes: lines.slice(assessment).filter(Boolean) },
        ]), r.labels, 1);
        break;
      }
      case 'eml': {
        // A forwarded message: the body names the patient, the attachment (a registration form or a PDF lab report) holds the rest.
        const [p] = takePatients(1);
        const w = new Writer(d);
        const from = w.put('email', 'frontdesk@riverside.example');
        const to = w.put('email', 'records@riverside.example');
        const body = ['Please file the attached in the chart.', `Patient: ${w.name(p!, 'first-last')}   MRN: ${w.mrn(p!)}`, '', '-- Front desk'];
        const asPdf = d.chance(0.5);
        const form = asPdf ? labReportLines(p!, ctx) : undefined;
        const intake = asPdf ? undefined : intakeForm(p!, extrasFor(p!, d), ctx);
        const attachment = form
          ? { name: `lab_${id}.pdf`, contentType: 'application/pdf', data: await makePdf([form.lines]) }
          : { name: `registration_${id}.txt`, contentType: 'text/plain', data: enc(intake!.text) };
        const mail = emlMessage({ from: `"Front Desk" <${from}>`, to, subject: 'FW: chart documents', date: mailDate(ctx.date), messageId: `fw-${id}@riverside.example`, body, attachments: [attachment] });
        // One record in the body, one in the attachment: the same patient, reported file by file.
        add(`mail/fw_${id}.eml`, enc(mail), mergeLabels(w.labels.list, (form ?? intake)!.labels), 1, 2);
        break;
      }
      case 'zip': {
        // An export archive: a roster CSV and a referral letter (DOCX) for another patient, each a member.
        const group = takePatients(d.int(2, 5));
        const roster = rosterTable(group, ctx);
        const [q] = takePatients(1);
        const to = providers[(providerIndex + 1) % providers.length]!;
        const letter = referralLetter(q!, extrasFor(q!, d), ctx, to);
        add(`archives/export_${id}.zip`, fixedZip({
          'exports/roster.csv': enc(delimited(roster.rows, ',')),
          'letters/referral.docx': makeDocx({ header: letter.header, body: letter.body }),
        }), mergeLabels(roster.labels, letter.labels), group.length + 1);
        break;
      }
      case 'tar-gz': {
        // A backup: a lab report and a visit note for two patients, a folder deep.
        const [p, q] = takePatients(2);
        const lab = labReportLines(p!, ctx);
        const note = visitNote(q!, extrasFor(q!, d), ctx);
        add(`archives/backup_${id}.tar.gz`, fixedGzip(ustar([
          { name: 'backup/labs/lab_report.txt', data: enc(lab.lines.join('\n') + '\n') },
          { name: 'backup/notes/visit_note.txt', data: enc(note.text) },
        ], Date.UTC(ctx.date.year, ctx.date.month - 1, ctx.date.day) / 1000)), mergeLabels(lab.labels, note.labels), 2);
        break;
      }
      case 'invoice-eml': {
        const mail = emlMessage({
          from: '"Northstar Medical Supply" <billing@northstarsupply.example>', to: 'ap@riverside.example', subject: `Invoice for order ${d.digits(9)}`,
          date: mailDate(ctx.date), messageId: `inv-${id}@northstarsupply.example`,
          body: ['Hello,', 'Our invoice and the updated parts list are attached. Questions to (614) 555-0142.', '', 'Accounts receivable'],
          attachments: [
            { name: 'invoice.txt', contentType: 'text/plain', data: enc(supplierInvoice(ctx.clinic, ctx.date, `inv${i}`)) },
            { name: 'parts.csv', contentType: 'text/csv', data: enc(partsInventoryCsv(`parts${i}`)) },
          ],
        });
        add(`mail/invoice_${id}.eml`, enc(mail), [], 0);
        break;
      }
      case 'clean-zip':
        add(`archives/facilities_${id}.zip`, fixedZip({
          'inventory/parts.csv': enc(partsInventoryCsv(`parts${i}`)),
          'admin/memo.docx': makeDocx({ body: hardNegativeMemo(ctx).split('\n'), header: [ctx.clinic.name] }),
        }), [], 0);
        break;
      case 'invoice':
        add(`billing/invoice_${id}.txt`, enc(supplierInvoice(ctx.clinic, ctx.date, `inv${i}`)), [], 0);
        break;
      case 'parts-csv':
        add(`billing/parts_${id}.csv`, enc(partsInventoryCsv(`parts${i}`)), [], 0);
        break;
      case 'parts-xlsx':
        add(`billing/parts_${id}.xlsx`, await makeXlsx([{ name: 'Inventory', rows: [[...INVENTORY_HEADER], ...partsInventoryRows(`parts${i}`)] }]), [], 0);
        break;
      case 'staff-csv':
        add(`admin/staff_${id}.csv`, enc(staffDirectoryCsv(d.sample(providers, 6))), [], 0);
        break;
      case 'meeting':
        add(`admin/meeting_${id}.txt`, enc(staffMeetingNote(d.sample(providers, 4), ctx.clinic, ctx.date)), [], 0);
        break;
      case 'qa-ssn':
        add(`it/qa_fixtures_${id}.txt`, enc(invalidSsnSamples()), [], 0);
        break;
      case 'readme':
        add(`README_${id}.txt`, enc(shareReadme(ctx.clinic)), [], 0);
        break;
      case 'memo':
        add(`admin/memo_${id}.txt`, enc(hardNegativeMemo(ctx)), [], 0);
        break;
      case 'memo-pdf':
        add(`admin/memo_${id}.pdf`, await makePdf([hardNegativeMemo(ctx).split('\n')]), [], 0);
        break;
      case 'vendors':
        add(`admin/vendors_${id}.csv`, enc(vendorContactsCsv(ctx)), [], 0);
        break;
      case 'access-log':
        add(`it/access_${id}.log`, enc(accessLog(ctx)), [], 0);
        break;
      case 'memo-docx':
        add(`admin/memo_${id}.docx`, makeDocx({ body: hardNegativeMemo(ctx).split('\n'), header: [ctx.clinic.name] }), [], 0);
        break;
    }
  }
  return withFormats();
}
