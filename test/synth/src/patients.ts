/**
 * Synthetic patients. Every value is drawn from the seeded PRNG and small hand-picked tables; nothing here
 * comes from a real person. Names are common US given and family names (the name detector weighs census
 * frequency as evidence, so invented strings would make unrealistically easy or hard fixtures).
 */
import { Random, type Seed } from './random.js';

export type Sex = 'F' | 'M';

/** A calendar date without a time zone: a birth date is a day, not an instant. */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export interface DiagnosisCode {
  code: string;
  description: string;
}

export interface Address {
  street: string;
  city: string;
  state: string;
  zip: string;
}

export interface Patient {
  /** Position in the generated pool; stable for a given (count, seed). */
  index: number;
  given: string;
  middleInitial: string;
  family: string;
  sex: Sex;
  dob: CivilDate;
  /** Formatted NNN-NN-NNNN. */
  ssn: string;
  mrn: string;
  address: Address;
  /** Formatted (NPA) NXX-XXXX. */
  phone: string;
  /** One to three ICD-10-CM codes, the first being the primary diagnosis. */
  diagnoses: DiagnosisCode[];
  /** The same conditions as a legacy chart would have coded them before October 2015. */
  icd9: DiagnosisCode[];
}

export interface Provider {
  given: string;
  family: string;
  credential: 'MD' | 'DO';
  specialty: string;
  phone: string;
  extension: string;
}

export const FEMALE_GIVEN_NAMES: readonly string[] = [
  'Mary', 'Patricia', 'Linda', 'Barbara', 'Elizabeth', 'Jennifer', 'Maria', 'Susan', 'Margaret', 'Dorothy',
  'Lisa', 'Nancy', 'Karen', 'Betty', 'Helen', 'Sandra', 'Donna', 'Carol', 'Ruth', 'Sharon',
  'Michelle', 'Laura', 'Sarah', 'Kimberly', 'Deborah', 'Jessica', 'Shirley', 'Cynthia', 'Angela', 'Melissa',
];

export const MALE_GIVEN_NAMES: readonly string[] = [
  'James', 'John', 'Robert', 'Michael', 'William', 'David', 'Richard', 'Charles', 'Joseph', 'Thomas',
  'Christopher', 'Daniel', 'Paul', 'Mark', 'Donald', 'George', 'Kenneth', 'Steven', 'Edward', 'Brian',
  'Ronald', 'Anthony', 'Kevin', 'Jason', 'Matthew', 'Gary', 'Timothy', 'Jose', 'Larry', 'Jeffrey',
];

export const FAMILY_NAMES: readonly string[] = [
  'Smith', 'Johnson', 'Williams', 'Jones', 'Brown', 'Davis', 'Miller', 'Wilson', 'Moore', 'Taylor',
  'Anderson', 'Thomas', 'Jackson', 'White', 'Harris', 'Martin', 'Thompson', 'Garcia', 'Martinez', 'Robinson',
  'Clark', 'Rodriguez', 'Lewis', 'Lee', 'Walker', 'Hall', 'Allen', 'Young', 'Hernandez', 'King',
  'Wright', 'Lopez', 'Hill', 'Scott', 'Green', 'Adams', 'Baker', 'Gonzalez', 'Nelson', 'Carter',
  'Mitchell', 'Perez', 'Roberts', 'Turner', 'Phillips', 'Campbell', 'Parker', 'Evans', 'Edwards', 'Collins',
  'Stewart', 'Sanchez', 'Morris', 'Rogers', 'Reed', 'Cook', 'Morgan', 'Bell', 'Murphy', 'Bailey',
];

/**
 * Billable ICD-10-CM codes, each checked against the CMS FY2024 and FY2026 code files so that a validator
 * that accepts any shipped release accepts them all. (M54.5 and N18.3 are absent on purpose: both stopped
 * being billable and were split into M54.50 and N18.30 and siblings.)
 */
export const ICD10_CODES: readonly DiagnosisCode[] = [
  { code: 'E11.9', description: 'Type 2 diabetes mellitus without complications' },
  { code: 'E11.65', description: 'Type 2 diabetes mellitus with hyperglycemia' },
  { code: 'E11.22', description: 'Type 2 diabetes mellitus with diabetic chronic kidney disease' },
  { code: 'E78.5', description: 'Hyperlipidemia, unspecified' },
  { code: 'E78.00', description: 'Pure hypercholesterolemia, unspecified' },
  { code: 'E03.9', description: 'Hypothyroidism, unspecified' },
  { code: 'E66.9', description: 'Obesity, unspecified' },
  { code: 'E55.9', description: 'Vitamin D deficiency, unspecified' },
  { code: 'E87.6', description: 'Hypokalemia' },
  { code: 'I10', description: 'Essential (primary) hypertension' },
  { code: 'I25.10', description: 'Atherosclerotic heart disease of native coronary artery without angina pectoris' },
  { code: 'I48.91', description: 'Unspecified atrial fibrillation' },
  { code: 'I50.9', description: 'Heart failure, unspecified' },
  { code: 'I73.9', description: 'Peripheral vascular disease, unspecified' },
  { code: 'J45.909', description: 'Unspecified asthma, uncomplicated' },
  { code: 'J44.9', description: 'Chronic obstructive pulmonary disease, unspecified' },
  { code: 'J06.9', description: 'Acute upper respiratory infection, unspecified' },
  { code: 'J18.9', description: 'Pneumonia, unspecified organism' },
  { code: 'J20.9', description: 'Acute bronchitis, unspecified' },
  { code: 'J30.9', description: 'Allergic rhinitis, unspecified' },
  { code: 'F32.9', description: 'Major depressive disorder, single episode, unspecified' },
  { code: 'F41.1', description: 'Generalized anxiety disorder' },
  { code: 'F43.10', description: 'Post-traumatic stress disorder, unspecified' },
  { code: 'F17.210', description: 'Nicotine dependence, cigarettes, uncomplicated' },
  { code: 'M54.50', description: 'Low back pain, unspecified' },
  { code: 'M17.11', description: 'Unilateral primary osteoarthritis, right knee' },
  { code: 'M25.561', description: 'Pain in right knee' },
  { code: 'M81.0', description: 'Age-related osteoporosis without current pathological fracture' },
  { code: 'K21.9', description: 'Gastro-esophageal reflux disease without esophagitis' },
  { code: 'K57.30', description: 'Diverticulosis of large intestine without perforation or abscess without bleeding' },
  { code: 'K59.00', description: 'Constipation, unspecified' },
  { code: 'N39.0', description: 'Urinary tract infection, site not specified' },
  { code: 'N18.30', description: 'Chronic kidney disease, stage 3 unspecified' },
  { code: 'N40.0', description: 'Benign prostatic hyperplasia without lower urinary tract symptoms' },
  { code: 'G43.909', description: 'Migraine, unspecified, not intractable, without status migrainosus' },
  { code: 'G47.33', description: 'Obstructive sleep apnea (adult) (pediatric)' },
  { code: 'R51.9', description: 'Headache, unspecified' },
  { code: 'R73.03', description: 'Prediabetes' },
  { code: 'R53.83', description: 'Other fatigue' },
  { code: 'L40.0', description: 'Psoriasis vulgaris' },
  { code: 'D64.9', description: 'Anemia, unspecified' },
  { code: 'Z79.4', description: 'Long term (current) use of insulin' },
];

/** ICD-9-CM v32 codes (checked against CMS32_DESC_SHORT_DX), each the pre-2015 twin of an ICD-10 entry above. */
export const ICD9_CODES: readonly DiagnosisCode[] = [
  { code: '250.00', description: 'Diabetes mellitus without mention of complication, type II' },
  { code: '401.9', description: 'Unspecified essential hypertension' },
  { code: '493.90', description: 'Asthma, unspecified' },
  { code: '272.4', description: 'Other and unspecified hyperlipidemia' },
  { code: '414.01', description: 'Coronary atherosclerosis of native coronary artery' },
  { code: '427.31', description: 'Atrial fibrillation' },
  { code: '530.81', description: 'Esophageal reflux' },
  { code: '311', description: 'Depressive disorder, not elsewhere classified' },
];

const ICD9_FOR_ICD10: Readonly<Record<string, string>> = {
  'E11.9': '250.00', 'E11.65': '250.00', 'I10': '401.9', 'J45.909': '493.90', 'E78.5': '272.4',
  'I25.10': '414.01', 'I48.91': '427.31', 'K21.9': '530.81', 'F32.9': '311',
};

/** Sample SSNs printed on cards, in ads and in textbooks: scanners demote them, so patients never get them. */
export const FAMOUS_SAMPLE_SSNS: readonly string[] = ['078-05-1120', '219-09-9999', '123-45-6789'];

const STREET_NAMES: readonly string[] = [
  'Oak', 'Maple', 'Cedar', 'Pine', 'Elm', 'Walnut', 'Lincoln', 'Washington', 'Park', 'Lake',
  'Hillcrest', 'Sunset', 'Highland', 'Jefferson', 'Meadow', 'Ridge', 'Church', 'Mill', 'Spring', 'Chestnut',
];
const STREET_SUFFIXES: readonly string[] = ['St', 'Ave', 'Rd', 'Dr', 'Ln', 'Ct', 'Blvd', 'Way'];

/** City, state, ZIP prefix (the last two ZIP digits are drawn) and area codes serving the place. */
const PLACES: readonly { city: string; state: string; zip3: string; areaCodes: readonly string[] }[] = [
  { city: 'Springfield', state: 'IL', zip3: '627', areaCodes: ['217'] },
  { city: 'Columbus', state: 'OH', zip3: '432', areaCodes: ['614', '380'] },
  { city: 'Madison', state: 'WI', zip3: '537', areaCodes: ['608'] },
  { city: 'Harrisburg', state: 'PA', zip3: '171', areaCodes: ['717', '223'] },
  { city: 'Raleigh', state: 'NC', zip3: '276', areaCodes: ['919', '984'] },
  { city: 'Albany', state: 'NY', zip3: '122', areaCodes: ['518'] },
  { city: 'Sacramento', state: 'CA', zip3: '958', areaCodes: ['916', '279'] },
  { city: 'Boise', state: 'ID', zip3: '837', areaCodes: ['208', '986'] },
  { city: 'Richmond', state: 'VA', zip3: '232', areaCodes: ['804'] },
  { city: 'Topeka', state: 'KS', zip3: '666', areaCodes: ['785'] },
];

export const SPECIALTIES: readonly string[] = [
  'Family Medicine', 'Internal Medicine', 'Cardiology', 'Endocrinology', 'Pulmonology', 'Orthopedics',
  'Gastroenterology', 'Psychiatry', 'Neurology', 'Pediatrics', 'Dermatology', 'Nephrology',
];

/** SSA rules: area 001–899 except 666, group 01–99, serial 0001–9999; never a famous sample. */
export function randomSsn(rng: Random): string {
  for (;;) {
    let area = rng.int(1, 898);
    if (area >= 666) area += 1;
    const ssn = `${pad(area, 3)}-${pad(rng.int(1, 99), 2)}-${pad(rng.int(1, 9999), 4)}`;
    if (!FAMOUS_SAMPLE_SSNS.includes(ssn)) return ssn;
  }
}

/** True for the structure randomSsn promises; tests and hard-negative fixtures share this one rule. */
export function isStructurallyValidSsn(ssn: string): boolean {
  const m = /^(\d{3})-(\d{2})-(\d{4})$/.exec(ssn);
  if (!m) return false;
  const area = Number(m[1]);
  return area !== 0 && area !== 666 && area < 900 && m[2] !== '00' && m[3] !== '0000'
    && !FAMOUS_SAMPLE_SSNS.includes(ssn);
}

/** NANP: NPA and NXX start with 2–9 and are not N11 service codes. */
export function randomNanpCode(rng: Random): string {
  for (;;) {
    const code = `${rng.int(2, 9)}${rng.digits(2)}`;
    if (code.slice(1) !== '11') return code;
  }
}

export function isValidNanpPhone(phone: string): boolean {
  const m = /^\((\d{3})\) (\d{3})-(\d{4})$/.exec(phone);
  if (!m) return false;
  return [m[1], m[2]].every((code) => code !== undefined && /^[2-9]\d\d$/.test(code) && code.slice(1) !== '11');
}

function randomPhone(rng: Random, areaCode?: string): string {
  return `(${areaCode ?? randomNanpCode(rng)}) ${randomNanpCode(rng)}-${rng.digits(4)}`;
}

/** Mostly bare digits, sometimes one letter of facility prefix: the shapes the MRN detector accepts. */
function randomMrn(rng: Random): string {
  const first = String(rng.int(1, 9));
  if (rng.chance(0.35)) return `${rng.pick(['A', 'E', 'K', 'M'])}${first}${rng.digits(6)}`;
  return first + rng.digits(rng.pick([6, 7]));
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
}

export function randomDate(rng: Random, fromYear: number, toYear: number): CivilDate {
  const year = rng.int(fromYear, toYear);
  const month = rng.int(1, 12);
  return { year, month, day: rng.int(1, daysInMonth(year, month)) };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * `count` patients with distinct SSNs, MRNs and full names, so that tests counting distinct patients
 * across files cannot be fooled by an accidental collision.
 */
export function makePatients(count: number, seed: Seed): Patient[] {
  const rng = new Random(seed);
  const seenSsn = new Set<string>();
  const seenMrn = new Set<string>();
  const seenName = new Set<string>();
  const patients: Patient[] = [];
  while (patients.length < count) {
    const sex: Sex = rng.chance(0.5) ? 'F' : 'M';
    const given = rng.pick(sex === 'F' ? FEMALE_GIVEN_NAMES : MALE_GIVEN_NAMES);
    const family = rng.pick(FAMILY_NAMES);
    const ssn = randomSsn(rng);
    const mrn = randomMrn(rng);
    const place = rng.pick(PLACES);
    const patient: Patient = {
      index: patients.length,
      given,
      middleInitial: String.fromCharCode(65 + rng.int(0, 25)),
      family,
      sex,
      dob: randomDate(rng, 1930, 2020),
      ssn,
      mrn,
      address: {
        street: `${rng.int(10, 9899)} ${rng.pick(STREET_NAMES)} ${rng.pick(STREET_SUFFIXES)}`,
        city: place.city,
        state: place.state,
        zip: place.zip3 + rng.digits(2),
      },
      phone: randomPhone(rng, rng.pick(place.areaCodes)),
      diagnoses: rng.sample(ICD10_CODES, rng.int(1, 3)),
      icd9: [],
    };
    patient.icd9 = patient.diagnoses
      .map((d) => ICD9_FOR_ICD10[d.code])
      .filter((c): c is string => c !== undefined)
      .map((c) => ICD9_CODES.find((d) => d.code === c) as DiagnosisCode);
    const nameKey = `${given} ${family}`;
    if (seenSsn.has(ssn) || seenMrn.has(mrn) || seenName.has(nameKey)) continue;
    seenSsn.add(ssn);
    seenMrn.add(mrn);
    seenName.add(nameKey);
    patients.push(patient);
  }
  return patients;
}

/** Clinicians: their names sit next to patients' in every document and must not be counted as patients. */
export function makeProviders(count: number, seed: Seed, avoid: readonly Patient[] = []): Provider[] {
  const rng = new Random(seed);
  // A provider who shares a patient's full name would make "is this the patient?" unanswerable in a fixture.
  const seen = new Set<string>(avoid.map((p) => `${p.given} ${p.family}`));
  const out: Provider[] = [];
  while (out.length < count) {
    const given = rng.pick(rng.chance(0.5) ? FEMALE_GIVEN_NAMES : MALE_GIVEN_NAMES);
    const family = rng.pick(FAMILY_NAMES);
    const provider: Provider = {
      given,
      family,
      credential: rng.chance(0.8) ? 'MD' : 'DO',
      specialty: rng.pick(SPECIALTIES),
      phone: randomPhone(rng),
      extension: String(rng.int(2000, 4999)),
    };
    if (seen.has(`${given} ${family}`)) continue;
    seen.add(`${given} ${family}`);
    out.push(provider);
  }
  return out;
}

export function providerDisplayName(p: Provider): string {
  return `Dr. ${p.given} ${p.family}, ${p.credential}`;
}
