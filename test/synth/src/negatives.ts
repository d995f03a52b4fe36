/**
 * Clean files and hard negatives: documents that look like PHI to a careless matcher (9-digit numbers,
 * ICD-shaped part numbers, clinicians' names, ordinary dates, invalid SSNs) but expose no patient.
 */
import type { CivilDate, Provider } from './patients.js';
import { isStructurallyValidSsn, randomNanpCode } from './patients.js';
import { Random, type Seed } from './random.js';
import { addDays, delimited, formatDate, formatProvider } from './format.js';
import type { Clinic } from './documents.js';

function nanpPhone(rng: Random): string {
  return `(${randomNanpCode(rng)}) ${randomNanpCode(rng)}-${rng.digits(4)}`;
}

/** A nine-digit number whose first digit is not 0, shaped exactly like a bare SSN. */
function nineDigits(rng: Random): string {
  return String(rng.int(1, 8)) + rng.digits(8);
}

const SUPPLIES: readonly [string, string][] = [
  ['Nitrile exam gloves, medium, box of 100', '8.95'],
  ['Disposable table paper, 21 in x 225 ft', '14.20'],
  ['Alcohol prep pads, box of 200', '4.75'],
  ['Sharps container, 2 gallon', '6.40'],
  ['Tongue depressors, non-sterile, box of 500', '7.10'],
  ['Blood pressure cuff, adult, reusable', '23.50'],
  ['Printer toner cartridge, black', '89.00'],
];

/** A supplier invoice: order and PO numbers are bare nine digits, phones and ZIP+4 everywhere, no patient. */
export function supplierInvoice(clinic: Clinic, date: CivilDate, seed: Seed): string {
  const rng = new Random(seed);
  const items = rng.sample(SUPPLIES, 4).map(([desc, price]) => ({ desc, price, qty: rng.int(1, 12) }));
  const total = items.reduce((sum, i) => sum + i.qty * Math.round(Number(i.price) * 100), 0);
  const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  return [
    'NORTHSTAR MEDICAL SUPPLY CO.',
    `4410 Industrial Pkwy, Columbus, OH 43219-${rng.digits(4)}`,
    `Phone ${nanpPhone(rng)}   Fax ${nanpPhone(rng)}`,
    '',
    'INVOICE',
    `Invoice No: INV-${date.year}-${rng.int(1000, 9999)}`,
    `Invoice Date: ${formatDate(date, 'us')}`,
    `Due Date: ${formatDate(addDays(date, 30), 'us')}`,
    `Order Number: ${nineDigits(rng)}`,
    `PO Number: ${nineDigits(rng)}`,
    `Tracking: ${nineDigits(rng)}${rng.digits(3)}`,
    '',
    'Bill To:',
    `  ${clinic.name}, Accounts Payable`,
    `  ${clinic.street}`,
    `  ${clinic.city}, ${clinic.state} ${clinic.zip}-${rng.digits(4)}`,
    '',
    'Qty  Description                                      Unit      Amount',
    ...items.map((i) => `${String(i.qty).padStart(3)}  ${i.desc.padEnd(47)}${i.price.padStart(6)}  ${money(i.qty * Math.round(Number(i.price) * 100)).padStart(10)}`),
    '',
    `Total due: ${money(total)} USD`,
    `Remit to: Northstar Medical Supply, PO Box ${rng.int(1000, 9999)}, Columbus, OH 43216-${rng.digits(4)}`,
    `Questions about this invoice? Call ${nanpPhone(rng)}.`,
    '',
  ].join('\n');
}

/**
 * Part numbers that are valid ICD-10-CM codes (E11.9, I10, J45.909…) or look like them. With no clinical
 * context and no patient anywhere, a scanner that reports them as diagnoses is wrong.
 */
export const ICD_SHAPED_PART_NUMBERS: readonly string[] = [
  'E11.9', 'I10', 'J45.909', 'K21.9', 'M17.11', 'E78.5', 'F32.9', 'G47.33',
  'A12.4', 'B07.2', 'C33.1', 'D41.8', 'H22.5', 'L11.3', 'R15.2', 'T40.6',
];

const PART_DESCRIPTIONS: readonly string[] = [
  'Hex bolt, zinc, 8 mm x 40 mm', 'Caster wheel, locking, 3 in', 'Hinge, stainless, 2 in', 'Cable tie, 8 in, pack of 100',
  'Fuse, 5 A slow blow', 'Gasket, silicone, 60 mm', 'Drawer slide, 18 in', 'Bracket, L-shaped, steel',
  'Washer, nylon, 6 mm', 'Spring, compression, 25 mm', 'Knob, replacement, black', 'Filter, HEPA, exam room unit',
  'Battery, CR2032, pack of 10', 'Lamp, halogen, 50 W', 'Grommet, rubber, 12 mm', 'Latch, magnetic, cabinet',
];

export const INVENTORY_HEADER = ['Part No', 'Description', 'Bin', 'Qty On Hand', 'Reorder Level', 'Unit Cost'] as const;

export function partsInventoryRows(seed: Seed): (string | number)[][] {
  const rng = new Random(seed);
  return [
    [...INVENTORY_HEADER],
    ...ICD_SHAPED_PART_NUMBERS.map((part, i) => [
      part,
      PART_DESCRIPTIONS[i % PART_DESCRIPTIONS.length] as string,
      `${rng.pick(['A', 'B', 'C'])}-${rng.int(1, 24)}`,
      rng.int(0, 250),
      rng.int(5, 40),
      Number(`${rng.int(0, 60)}.${rng.digits(2)}`),
    ]),
  ];
}

export function partsInventoryCsv(seed: Seed): string {
  return delimited(partsInventoryRows(seed).map((r) => r.map(String)), ',', '\r\n');
}

/** Clinicians and their numbers: names galore, none of them a patient. */
export function staffDirectoryCsv(providers: readonly Provider[]): string {
  return delimited([
    ['Provider', 'Specialty', 'Office Phone', 'Ext', 'Location'],
    ...providers.map((p, i) => [formatProvider(p), p.specialty, p.phone, p.extension, `Building ${String.fromCharCode(65 + (i % 3))}, Floor ${1 + (i % 4)}`]),
  ], ',', '\r\n');
}

/** A staff meeting: plenty of dates (meetings, deadlines, go-lives), none of them anyone's birth date. */
export function staffMeetingNote(providers: readonly Provider[], clinic: Clinic, date: CivilDate): string {
  const [chair, ...rest] = providers;
  if (!chair) throw new RangeError('a meeting needs at least one provider');
  return [
    `${clinic.name} — monthly staff meeting`,
    `Date: ${formatDate(date, 'long')}, 12:15–13:00, conference room B`,
    `Chair: ${formatProvider(chair)}`,
    `Attendees: ${rest.map(formatProvider).join('; ')}; front desk and billing leads`,
    '',
    '1. Flu vaccine clinic',
    `   Walk-in clinic runs ${formatDate(addDays(date, 6), 'long')} through ${formatDate(addDays(date, 20), 'long')}.`,
    '   Order 40 more adult doses by Friday.',
    '2. Annual compliance training',
    `   Everyone completes the privacy module by ${formatDate(addDays(date, 45), 'us')}.`,
    '3. EHR upgrade',
    `   Vendor go-live is scheduled for ${formatDate(addDays(date, 83), 'iso')}; downtime procedures to be reviewed.`,
    '4. Phones',
    `   Main line stays ${clinic.phone}; referral faxes keep going to ${clinic.fax}.`,
    '',
    `Next meeting: ${formatDate(addDays(date, 28), 'long')}.`,
    '',
  ].join('\n');
}

/**
 * SSN-shaped values no real SSN can have (area 000/666/9xx, group 00, serial 0000) and the famous samples
 * scanners demote, each behind an SSN label so that only the validator stands between them and a finding.
 */
export const INVALID_SSN_SAMPLES: readonly string[] = [
  '000-12-3456', '666-12-3456', '900-12-3456', '987-65-4321', '123-00-4567', '123-45-0000',
  '078-05-1120', '219-09-9999', '123-45-6789',
];

export function invalidSsnSamples(): string {
  for (const s of INVALID_SSN_SAMPLES) {
    if (isStructurallyValidSsn(s)) throw new Error('an invalid-SSN sample validates: fix the list');
  }
  return [
    'QA fixtures for the intake form validator. None of these is a valid Social Security number:',
    'each must be rejected by the form.',
    '',
    ...INVALID_SSN_SAMPLES.map((s, i) => `case ${i + 1}: SSN: ${s}   expected: reject`),
    '',
  ].join('\n');
}

/** What a share's top-level README says: where things go, and that PHI does not go here. */
export function shareReadme(clinic: Clinic): string {
  return [
    `${clinic.name} — shared drive`,
    '',
    'Billing/    invoices and supplier paperwork',
    'Clinical/   notes, referrals and lab reports (restricted)',
    'Exports/    EHR exports; delete after use',
    'Staff/      directory, schedules and meeting notes',
    'Scans/      incoming fax and scanner drop folder',
    '',
    'Please do not leave exports here longer than needed. Questions: the practice manager,',
    `${clinic.phone}, or the IT help desk.`,
    '',
  ].join('\n');
}

/**
 * Bytes that begin like a PNG (signature and IHDR) and continue as noise: a file the scanner must recognise
 * as an image and skip, not read as text.
 */
export function pngLikeBlob(seed: Seed, size = 2048): Uint8Array {
  const rng = new Random(seed);
  const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 2, 0, 0, 0, 1, 0x80, 8, 2, 0, 0, 0];
  const out = new Uint8Array(size);
  out.set(head);
  for (let i = head.length; i < size; i++) out[i] = rng.int(0, 255);
  return out;
}
