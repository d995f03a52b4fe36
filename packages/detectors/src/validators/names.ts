import { GIVEN_NAMES, SURNAMES } from '../data/names.js';

const surnames: ReadonlySet<string> = new Set(SURNAMES.split(' '));
const givenNames: ReadonlySet<string> = new Set(GIVEN_NAMES.split(' '));

/** Census evidence only: many surnames are common words, so a hit raises a candidate, never makes one. */
export function isKnownSurname(token: string): boolean {
  return surnames.has(token.toUpperCase());
}

export function isKnownGivenName(token: string): boolean {
  return givenNames.has(token.toUpperCase());
}

/** Words that follow a name in a label line and must not be read as part of it ('John Smith DOB …'). */
const NON_NAME_WORDS: ReadonlySet<string> = new Set([
  'DOB', 'MRN', 'SSN', 'DATE', 'AGE', 'SEX', 'GENDER', 'ID', 'ACCT', 'ACCOUNT', 'PHONE', 'TEL', 'ADDRESS',
  'DIAGNOSIS', 'DX', 'ICD', 'BORN', 'BIRTH', 'ROOM', 'BED', 'UNIT', 'WARD', 'PATIENT', 'PT', 'NAME', 'MR',
  'MRS', 'MS', 'MISS', 'THE', 'AND', 'OR', 'OF', 'IS', 'WAS', 'WITH', 'FOR', 'TO', 'IN', 'AT', 'ON', 'DR',
  'MALE', 'FEMALE', 'UNKNOWN', 'NONE', 'NA', 'TEST', 'SAMPLE', 'CARE', 'PORTAL', 'SERVICES',
  'INFORMATION', 'INFO', 'RECORD', 'RECORDS', 'NOTES', 'HISTORY', 'SUMMARY', 'REPORT', 'LIST', 'CODE',
]);

export function isNonNameWord(token: string): boolean {
  return NON_NAME_WORDS.has(token.toUpperCase());
}

/** Credentials and titles that mark a clinician, not a patient. */
export const PROVIDER_CREDENTIALS: readonly string[] = [
  'md', 'm.d.', 'do', 'd.o.', 'rn', 'np', 'pa-c', 'pa', 'dds', 'dmd', 'phd', 'lpn', 'cnm', 'crna', 'aprn', 'fnp', 'dpm', 'od',
];
export const PROVIDER_WORDS: readonly string[] = [
  'dr', 'dr.', 'doctor', 'attending', 'provider', 'physician', 'referring', 'ordering', 'pcp', 'surgeon',
  'nurse', 'signed by', 'electronically signed', 'dictated by', 'clinician', 'resident', 'consultant',
  'prescriber', 'practitioner', 'therapist', 'radiologist', 'pathologist',
];

export interface NameTokens {
  /** Upper case, in first-last order, punctuation stripped. */
  tokens: string[];
  given: string[];
  surname: string[];
}

function cleanToken(token: string): string {
  let out = '';
  for (const ch of token) if (ch !== '.' && ch !== ',') out += ch;
  return out.toUpperCase();
}

function words(value: string, separator: string): string[] {
  return value.split(separator).map((w) => w.trim()).filter((w) => w.length > 0);
}

/** Splits 'LAST, FIRST M.', 'LAST^FIRST^M' or 'First M Last' into given and family parts. */
export function splitName(value: string): NameTokens | null {
  let given: string[];
  let surname: string[];
  if (value.includes('^')) {
    const parts = value.split('^').map(cleanToken);
    surname = words(parts[0] ?? '', ' ');
    given = [...words(parts[1] ?? '', ' '), ...words(parts[2] ?? '', ' ')];
  } else if (value.includes(',')) {
    const comma = value.indexOf(',');
    surname = words(value.slice(0, comma), ' ').map(cleanToken);
    given = words(value.slice(comma + 1), ' ').map(cleanToken);
  } else {
    const all = words(value, ' ').map(cleanToken);
    surname = all.length > 1 ? all.slice(-1) : [];
    given = all.length > 1 ? all.slice(0, -1) : all;
  }
  given = given.filter((t) => t.length > 0);
  surname = surname.filter((t) => t.length > 0);
  const tokens = [...given, ...surname];
  return tokens.length > 0 ? { tokens, given, surname } : null;
}
