import type { PatientRecord } from '../types.js';

/**
 * Whether a record's keys may link it to records in other files.
 *
 * records.ts gives a record keys from its strong identifiers (SSN, MRN, MBI, HICN, name with date of birth) and, only when
 * it has none, from a name or a date of birth alone, so that a letter's repeated mentions merge within the
 * file. Across files a bare name or birth date would merge strangers ("Mary Johnson" in two unrelated letters),
 * so a record whose keys are of that weak kind counts as a patient of its own. The kind is not in the key (it is
 * an HMAC), but it follows from the identifiers: the weak fallback is used exactly when there is none of
 * STRONG_IDENTIFIERS and no name-with-DOB pair.
 *
 * An MRN alone links across files: on one organisation's share the MRN is the patient's number (an interface
 * log names patients by MRN only). Shares of organisations with overlapping MRN ranges should be scanned apart.
 */
export function linksAcrossFiles(record: Pick<PatientRecord, 'identifiers'>): boolean {
  const ids = record.identifiers;
  return ids.some((id) => STRONG_IDENTIFIERS.has(id)) || (ids.includes('name') && ids.includes('dob'));
}

const STRONG_IDENTIFIERS = new Set(['ssn', 'mrn', 'mbi', 'hicn']);

/** The identifiers that make a record identifying, e.g. `dob+icd10+mrn+name`: how a report groups records. */
export function identifierSet(record: Pick<PatientRecord, 'identifiers'>): string {
  // Records list their identifiers sorted already: a copy and a sort per record only when they are not.
  const ids = record.identifiers;
  for (let i = 1; i < ids.length; i++) if (ids[i - 1]! > ids[i]!) return [...ids].sort().join('+');
  return ids.join('+');
}
