/**
 * The healthcare interchange formats of the accuracy corpus (C-CDA, FHIR Bundle, X12 837P, DICOM, RTF), drawn
 * with the shared renderers of formats-healthcare.ts and labelled by what those renderers are known to print:
 * each function returns the renderer's output with a label for every identifier it writes, in the
 * detectors' normalized forms. Seeded like the rest of the corpus: the same patients, context and random
 * stream give the same bytes.
 */
import { formatDate } from '../format.js';
import type { DocumentContext } from '../documents.js';
import { ccdDocument, dicomCtHeader, fhirBundle, rtfReferral, x12Claim837, type X12Subscriber } from '../formats-healthcare.js';
import type { Patient, Provider } from '../patients.js';
import type { Random } from '../random.js';
import { randomMemberId } from './identifiers.js';

/** What the corpus's label writer offers: labels a value (already in its normalized form) and an address. */
export interface FormatLabeller {
  put(detector: string, value: string): string;
  address(street: string, city: string, state: string, zip: string): string;
}

export interface RenderedFormat {
  /** Path suffix without folder: the corpus adds the folder and the document number. */
  extension: string;
  bytes: Uint8Array;
  /** Distinct patients the document exposes. */
  patients: number;
  /** What the document is scored on: the identifiers these renderers print and this module labels. */
  scoredDetectors: string[];
}

const digits = (s: string) => s.replace(/\D/g, '');
const iso = (d: { year: number; month: number; day: number }) => formatDate(d, 'iso');
const enc = (s: string) => new TextEncoder().encode(s);

function patientName(w: FormatLabeller, p: Patient): void {
  w.put('name', `${p.given} ${p.middleInitial} ${p.family}`.toUpperCase());
}

function patientAddress(w: FormatLabeller, p: Patient): void {
  w.address(p.address.street, p.address.city, p.address.state, p.address.zip);
}

function codes(w: FormatLabeller, p: Patient): void {
  for (const d of p.diagnoses) w.put('icd10', d.code);
}

/** What a CCD recordTarget and a FHIR Patient both carry: name, MRN, SSN, birth date, phone, address, coded problems. */
function patientRecord(w: FormatLabeller, p: Patient): void {
  patientName(w, p);
  w.put('mrn', p.mrn.toUpperCase());
  w.put('ssn', digits(p.ssn));
  w.put('dob', iso(p.dob));
  w.put('phone', digits(p.phone));
  patientAddress(w, p);
  codes(w, p);
}

/** A C-CDA CCD: recordTarget ids (MRN, SSN), address, telecom, name, birthTime; ICD-10-CM problems; the author is a provider. */
export function ccdaDocument(w: FormatLabeller, p: Patient, ctx: DocumentContext): RenderedFormat {
  patientRecord(w, p);
  return {
    extension: 'xml',
    bytes: enc(ccdDocument(p, ctx)),
    patients: 1,
    scoredDetectors: ['name', 'mrn', 'ssn', 'dob', 'phone', 'address', 'icd10'],
  };
}

/** A FHIR R4 collection Bundle of several Patients (MR-typed MRN, us-ssn, name, telecom, birthDate, address) and their Conditions. */
export function fhirExport(w: FormatLabeller, patients: readonly Patient[], ctx: DocumentContext): RenderedFormat {
  for (const p of patients) patientRecord(w, p);
  // Conditions carry the export date as recordedDate.
  w.put('date', iso(ctx.date));
  return {
    extension: 'json',
    bytes: enc(fhirBundle(patients, ctx)),
    patients: patients.length,
    scoredDetectors: ['name', 'mrn', 'ssn', 'dob', 'phone', 'address', 'icd10', 'date'],
  };
}

/**
 * An X12 837P claim batch: per subscriber NM1*IL name and member ID, N3/N4 address, DMG birth date, REF*SY SSN
 * and HI codes without their dot, CLM-01 patient control number; the billing provider's NPI, address and phone (the clinic's, labelled as in
 * every other PHI file).
 */
export function x12Claims(w: FormatLabeller, patients: readonly Patient[], ctx: DocumentContext, npi: string, rng: Random): RenderedFormat {
  const subscribers: X12Subscriber[] = patients.map((patient) => ({
    patient,
    memberId: randomMemberId(rng),
    claimId: `PCN${rng.digits(6)}`,
    amount: String(rng.int(90, 420)),
    serviceDate: { year: ctx.date.year, month: ctx.date.month, day: rng.int(1, 28) },
  }));
  const claim = x12Claim837(subscribers, ctx, npi);
  const oneLine = rng.chance(0.5);
  const c = ctx.clinic;
  w.put('npi', npi);
  w.put('phone', digits(c.phone));
  // The renderer writes the street without its comma ('1200 OAK AVENUE SUITE 300'); the label is normalized alike.
  w.address(c.street.replace(/,/g, ''), c.city, c.state, c.zip);
  for (const s of subscribers) {
    patientName(w, s.patient);
    w.put('health-plan-id', s.memberId);
    // CLM-01, the patient control number: the provider's account number for the claim.
    w.put('account-number', s.claimId);
    w.put('dob', iso(s.patient.dob));
    w.put('ssn', digits(s.patient.ssn));
    patientAddress(w, s.patient);
    codes(w, s.patient);
  }
  return {
    extension: 'x12',
    // Half the batches on one line, as most clearinghouses send them: segments end at '~' alone.
    bytes: enc(oneLine ? claim.replace(/~\n/g, '~') : claim),
    patients: patients.length,
    scoredDetectors: ['name', 'ssn', 'dob', 'address', 'icd10', 'npi', 'phone', 'health-plan-id', 'account-number'],
  };
}

/** A DICOM CT header (explicit VR little endian): Patient's Name, Patient ID (the MRN), Birth Date; the referring physician is a provider. */
export function dicomHeader(w: FormatLabeller, p: Patient, ctx: DocumentContext, uidRoot: string): RenderedFormat {
  patientName(w, p);
  w.put('mrn', p.mrn.toUpperCase());
  w.put('dob', iso(p.dob));
  return { extension: 'dcm', bytes: dicomCtHeader(p, ctx, uidRoot), patients: 1, scoredDetectors: ['name', 'mrn', 'dob'] };
}

/** An RTF referral letter: the clinic's phone in the page header, patient name, DOB and MRN, ICD-9-CM problems. */
export function rtfLetter(w: FormatLabeller, p: Patient, ctx: DocumentContext, to: Provider): RenderedFormat {
  patientName(w, p);
  w.put('dob', iso(p.dob));
  w.put('mrn', p.mrn.toUpperCase());
  w.put('phone', digits(ctx.clinic.phone));
  for (const d of p.icd9) w.put('icd9', d.code);
  return {
    extension: 'rtf',
    bytes: enc(rtfReferral(p, ctx, to, p.icd9)),
    patients: 1,
    scoredDetectors: ['name', 'dob', 'mrn', 'phone', 'icd9', 'icd10', 'ssn', 'address'],
  };
}
