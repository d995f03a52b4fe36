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

function anchorsRecord(source: GroupingSource, i: number): boolean {
  return source.role(i) === 'identifier' && !NOT_A_PATIENT_ON_THEIR_OWN.has(source.detector(i));
}

/**
 * The findings to group, read by index: a file with a million findings need not build an object per finding
 * to be grouped (analyze.ts keeps them in columns).
 */
export interface GroupingSource {
  readonly length: number;
  detector(i: number): string;
  role(i: number): GroupedFinding['role'];
  normalized(i: number): string;
  /** Equal for the findings of one declared record (a row, a message); a string or a dense id. */
  recordKey(i: number): string | number | undefined;
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
  const { records, recordOf } = groupRecordsOf(
    {
      length: items.length,
      detector: (i) => items[i]!.finding.detector,
      role: (i) => items[i]!.finding.role,
      normalized: (i) => items[i]!.finding.normalized,
      recordKey: (i) => items[i]!.recordKey,
    },
    fingerprint,
  );
  return { records, recordOf: Array.from(recordOf, (r) => (r < 0 ? undefined : r)) };
}

/**
 * As groupRecords; `recordOf` holds -1 for a finding in no record. Groups are numbered per finding and their
 * members listed in one typed array (a workbook's 100,000 rows are 100,000 groups): no object per group.
 */
export function groupRecordsOf(source: GroupingSource, fingerprint: Fingerprinter): { records: PatientRecord[]; recordOf: Int32Array } {
  const { groupCount, first, members } = splitIntoGroups(source);
  const membersOf = (group: number) => members.subarray(first[group]!, first[group + 1]!);
  const candidates: number[] = [];
  for (let group = 0; group < groupCount; group++) if (membersOf(group).some((i) => anchorsRecord(source, i))) candidates.push(group);
  const parent = candidates.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  // Keyed fingerprints of the link keys: equal keys give the same (remembered) string, so rows of one patient
  // share them instead of each holding its own copy.
  const ownerOfKey = new Map<string, number>();
  const hashed = new LinkKeyHashes(fingerprint);
  const keysOf = candidates.map((group) => linkKeys(source, membersOf(group), hashed));
  keysOf.forEach((keys, index) => {
    for (const key of keys) {
      const owner = ownerOfKey.get(key);
      if (owner === undefined) ownerOfKey.set(key, index);
      else parent[find(index)] = find(owner);
    }
  });

  const recordOfRoot = new Map<number, number>();
  const records: PatientRecord[] = [];
  const recordOf = new Int32Array(source.length).fill(-1);
  candidates.forEach((group, index) => {
    const root = find(index);
    let recordIndex = recordOfRoot.get(root);
    if (recordIndex === undefined) {
      recordIndex = records.length;
      recordOfRoot.set(root, recordIndex);
      records.push({ identifiers: [], phi: false, keys: [] });
    }
    const record = records[recordIndex]!;
    for (const i of membersOf(group)) {
      const detector = source.detector(i);
      recordOf[i] = recordIndex;
      if (!record.identifiers.includes(detector)) record.identifiers.push(detector);
      if (source.role(i) === 'health-information') record.phi = true;
    }
    // A key's candidates were all merged into one record, so the first time a key is placed is its first time in
    // its record: no search of the record's keys, which was quadratic for one patient over 100,000 rows.
    for (const hashed of keysOf[index]!) if (ownerOfKey.delete(hashed)) record.keys.push(hashed);
  });
  for (const record of records) {
    record.identifiers.sort();
    record.phi = record.phi && record.identifiers.some((id) => DISTINGUISHING.has(id));
  }
  return { records, recordOf };
}

/** Groups in order of first appearance; group g's members, in document order, are members[first[g] .. first[g+1]). */
function splitIntoGroups(source: GroupingSource): { groupCount: number; first: Int32Array; members: Int32Array } {
  const groupOf = new Int32Array(source.length);
  const byKey = new Map<string | number, number>();
  let groupCount = 0;
  let current = -1;
  /** Normalized values per distinguishing detector of the current free-text group: only it can be contradicted. */
  let seen = new Map<string, string[]>();
  for (let index = 0; index < source.length; index++) {
    const recordKey = source.recordKey(index);
    if (recordKey !== undefined) {
      let group = byKey.get(recordKey);
      if (group === undefined) byKey.set(recordKey, (group = groupCount++));
      groupOf[index] = group;
      continue;
    }
    const detector = source.detector(index);
    const normalized = source.normalized(index);
    if (current < 0 || contradicts(seen, detector, normalized)) {
      current = groupCount++;
      seen = new Map();
    }
    groupOf[index] = current;
    if (DISTINGUISHING.has(detector)) {
      const values = seen.get(detector) ?? [];
      values.push(normalized);
      seen.set(detector, values);
    }
  }
  const first = new Int32Array(groupCount + 1);
  for (const group of groupOf) first[group + 1]!++;
  for (let group = 0; group < groupCount; group++) first[group + 1]! += first[group]!;
  const next = first.slice(0, groupCount);
  const members = new Int32Array(source.length);
  groupOf.forEach((group, index) => (members[next[group]!++] = index));
  return { groupCount, first, members };
}

function contradicts(seen: Map<string, string[]>, detector: string, normalized: string): boolean {
  if (!DISTINGUISHING.has(detector)) return false;
  const values = seen.get(detector);
  if (!values) return false;
  if (detector === 'name') return !values.some((v) => namesAgree(v, normalized));
  return !values.includes(normalized);
}

/** 'SMITH' and 'JOHN SMITH' may be the same person; 'JOHN SMITH' and 'MARY JONES' are not. */
function namesAgree(a: string, b: string): boolean {
  const ta = a.split(/\s+/).filter(Boolean);
  const tb = new Set(b.split(/\s+/).filter(Boolean));
  const [small, large] = ta.length <= tb.size ? [ta, tb] : [[...tb], new Set(ta)];
  return small.length > 0 && small.every((t) => large.has(t));
}

/** Values that identify the same patient wherever they appear; names alone only link records with nothing stronger. */
const STRONG_LINKS = ['ssn', 'mrn', 'mbi', 'hicn'];

function linkKeys(source: GroupingSource, members: Int32Array, hashed: LinkKeyHashes): string[] {
  // One pass over the group: a table row is a group, and a workbook has a hundred thousand of them.
  const seen = new Map<string, Set<string>>();
  for (const i of members) {
    const detector = source.detector(i);
    if (detector !== 'name' && detector !== 'dob' && !STRONG_LINKS.includes(detector)) continue;
    let values = seen.get(detector);
    if (!values) seen.set(detector, (values = new Set()));
    values.add(source.normalized(i));
  }
  const keys: string[] = [];
  for (const id of STRONG_LINKS) for (const v of seen.get(id) ?? []) keys.push(hashed.of(id, v));
  const names = [...(seen.get('name') ?? [])];
  const dobs = [...(seen.get('dob') ?? [])];
  for (const name of names) for (const dob of dobs) keys.push(hashed.of('name+dob', name, dob));
  if (keys.length === 0) {
    // A record identified by a name alone: link on the full name (most tokens) so a repeated mention merges.
    const fullest = names.sort((a, b) => b.split(' ').length - a.split(' ').length)[0];
    if (fullest) keys.push(hashed.of('name', fullest));
    else for (const dob of dobs) keys.push(hashed.of('dob', dob));
  }
  return keys;
}

/**
 * The keyed fingerprint of each link key (`ssn:123456789`, `name+dob:JOHN SMITH|1962-03-14`), remembered by
 * its parts: rows of one patient repeat the same keys, and building each key's text only to look it up was
 * most of what grouping a workbook cost.
 */
class LinkKeyHashes {
  readonly #byKind = new Map<string, Map<string, string | Map<string, string>>>();

  constructor(private readonly fingerprint: Fingerprinter) {}

  of(kind: string, value: string, second?: string): string {
    let byValue = this.#byKind.get(kind);
    if (!byValue) this.#byKind.set(kind, (byValue = new Map()));
    if (second === undefined) {
      let hash = byValue.get(value) as string | undefined;
      if (hash === undefined) byValue.set(value, (hash = this.fingerprint('record-key', `${kind}:${value}`)));
      return hash;
    }
    let bySecond = byValue.get(value) as Map<string, string> | undefined;
    if (!bySecond) byValue.set(value, (bySecond = new Map()));
    let hash = bySecond.get(second);
    if (hash === undefined) bySecond.set(second, (hash = this.fingerprint('record-key', `${kind}:${value}|${second}`)));
    return hash;
  }
}
