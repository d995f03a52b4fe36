import type { Finding } from '@phi-scan/detectors';
import type { Fingerprinter } from './fingerprint.js';
import type { PatientRecord } from './types.js';

/** A finding with the record boundary its segment declares (a table row, an HL7 message), if any. */
export interface LocatedFinding {
  /** Only what grouping reads, so a caller can pass a compact finding. */
  finding: GroupedFinding;
  recordKey?: string;
}

export type GroupedFinding = Pick<Finding, 'detector' | 'role' | 'normalized'>;

export interface RecordGrouping {
  records: PatientRecord[];
  /** For each input finding, the index of its record in `records`, or undefined (health information with no patient). */
  recordOf: (number | undefined)[];
}

/** Identifiers that tell one patient from another; a second, different value of one of them starts a new record. */
const DISTINGUISHING = new Set(['ssn', 'mrn', 'dob', 'name', 'mbi', 'hicn']);

/**
 * Identifiers that do not make a record on their own: contact details and encounter dates (a clinic's phone
 * number and address head every letter it sends), provider numbers (NPI, DEA name the clinician) and relatives'
 * names. They join the record of the patient they sit with.
 */
const NOT_A_PATIENT_ON_THEIR_OWN = new Set(['phone', 'fax', 'email', 'url', 'ip', 'address', 'date', 'age-over-89', 'npi', 'dea', 'relative-name']);

function anchorsRecord(finding: GroupedFinding): boolean {
  return finding.role === 'identifier' && !NOT_A_PATIENT_ON_THEIR_OWN.has(finding.detector);
}

/**
 * Groups a file's findings into patient records and merges records that are the same patient.
 *
 * Tables and HL7 batches declare their records (row, message). Free text does not: a letter is one patient, a
 * pasted roster is many. Reading in document order, a record runs until an identifier appears that contradicts
 * it (a second SSN, a different name), which splits rosters line by line and keeps a letter's header, body and
 * repeated mentions together. Records that share a strong identifier (SSN, MRN, name with date of birth) are
 * then merged, so the same patient twice in one file counts once.
 */
export function groupRecords(items: readonly LocatedFinding[], fingerprint: Fingerprinter): RecordGrouping {
  const groups = splitIntoGroups(items);
  const candidates = groups.filter((g) => g.members.some((i) => anchorsRecord(items[i]!.finding)));
  const parent = candidates.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const ownerOfKey = new Map<string, number>();
  const keysOf = candidates.map((g) => linkKeys(g.members.map((i) => items[i]!.finding)));
  keysOf.forEach((keys, index) => {
    for (const key of keys) {
      const owner = ownerOfKey.get(key);
      if (owner === undefined) ownerOfKey.set(key, index);
      else parent[find(index)] = find(owner);
    }
  });

  const recordOfRoot = new Map<number, number>();
  const records: PatientRecord[] = [];
  const recordOf: (number | undefined)[] = new Array(items.length).fill(undefined);
  candidates.forEach((group, index) => {
    const root = find(index);
    let recordIndex = recordOfRoot.get(root);
    if (recordIndex === undefined) {
      recordIndex = records.length;
      recordOfRoot.set(root, recordIndex);
      records.push({ identifiers: [], phi: false, keys: [] });
    }
    const record = records[recordIndex]!;
    for (const i of group.members) {
      const finding = items[i]!.finding;
      recordOf[i] = recordIndex;
      if (!record.identifiers.includes(finding.detector)) record.identifiers.push(finding.detector);
      if (finding.role === 'health-information') record.phi = true;
    }
    for (const key of keysOf[index]!) {
      const hashed = fingerprint('record-key', key);
      if (!record.keys.includes(hashed)) record.keys.push(hashed);
    }
  });
  for (const record of records) {
    record.identifiers.sort();
    record.phi = record.phi && record.identifiers.some((id) => DISTINGUISHING.has(id));
  }
  return { records, recordOf };
}

interface Group {
  members: number[];
  /** normalized values seen per distinguishing detector */
  seen: Map<string, string[]>;
}

function splitIntoGroups(items: readonly LocatedFinding[]): Group[] {
  const byKey = new Map<string, Group>();
  const groups: Group[] = [];
  let current: Group | undefined;
  items.forEach((item, index) => {
    const { finding, recordKey } = item;
    if (recordKey !== undefined) {
      let group = byKey.get(recordKey);
      if (!group) {
        group = { members: [], seen: new Map() };
        byKey.set(recordKey, group);
        groups.push(group);
      }
      group.members.push(index);
      return;
    }
    if (!current || contradicts(current, finding)) {
      current = { members: [], seen: new Map() };
      groups.push(current);
    }
    current.members.push(index);
    if (DISTINGUISHING.has(finding.detector)) {
      const values = current.seen.get(finding.detector) ?? [];
      values.push(finding.normalized);
      current.seen.set(finding.detector, values);
    }
  });
  return groups;
}

function contradicts(group: Group, finding: GroupedFinding): boolean {
  if (!DISTINGUISHING.has(finding.detector)) return false;
  const values = group.seen.get(finding.detector);
  if (!values) return false;
  if (finding.detector === 'name') return !values.some((v) => namesAgree(v, finding.normalized));
  return !values.includes(finding.normalized);
}

/** 'SMITH' and 'JOHN SMITH' may be the same person; 'JOHN SMITH' and 'MARY JONES' are not. */
function namesAgree(a: string, b: string): boolean {
  const ta = a.split(/\s+/).filter(Boolean);
  const tb = new Set(b.split(/\s+/).filter(Boolean));
  const [small, large] = ta.length <= tb.size ? [ta, tb] : [[...tb], new Set(ta)];
  return small.length > 0 && small.every((t) => large.has(t));
}

/** Values that identify the same patient wherever they appear; names alone only link records with nothing stronger. */
function linkKeys(findings: readonly GroupedFinding[]): string[] {
  const values = (id: string) => [...new Set(findings.filter((f) => f.detector === id).map((f) => f.normalized))];
  const keys = ['ssn', 'mrn', 'mbi', 'hicn'].flatMap((id) => values(id).map((v) => `${id}:${v}`));
  const names = values('name');
  const dobs = values('dob');
  for (const name of names) for (const dob of dobs) keys.push(`name+dob:${name}|${dob}`);
  if (keys.length === 0) {
    // A record identified by a name alone: link on the full name (most tokens) so a repeated mention merges.
    const fullest = names.sort((a, b) => b.split(' ').length - a.split(' ').length)[0];
    if (fullest) keys.push(`name:${fullest}`);
    else for (const dob of dobs) keys.push(`dob:${dob}`);
  }
  return keys;
}
