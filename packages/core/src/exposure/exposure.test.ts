import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileResult, PatientRecord, ReportedFinding } from '../types.js';
import { AccountNames, accessWords, describeAccess, statAccess } from './access.js';
import { identifierSet, linksAcrossFiles } from './link.js';
import { assessRisk } from './risk.js';
import { ExposureTally } from './tally.js';
import { createFingerprinter } from '../fingerprint.js';
import { groupRecords } from '../records.js';

function file(path: string, records: PatientRecord[]): FileResult {
  return { type: 'file', path, status: 'scanned', bytes: 1, findings: [], records: records.length, recordList: records };
}
const record = (identifiers: string[], keys: string[], phi = true): PatientRecord => ({ identifiers, keys, phi });

describe('linking across files', () => {
  it('links by SSN, MRN or name + DOB, never by a name or a birth date alone', () => {
    expect(linksAcrossFiles({ identifiers: ['icd10', 'ssn'] })).toBe(true);
    expect(linksAcrossFiles({ identifiers: ['mrn'] })).toBe(true);
    expect(linksAcrossFiles({ identifiers: ['mbi', 'name'] })).toBe(true);
    expect(linksAcrossFiles({ identifiers: ['dob', 'name'] })).toBe(true);
    expect(linksAcrossFiles({ identifiers: ['icd10', 'name'] })).toBe(false);
    expect(linksAcrossFiles({ identifiers: ['dob', 'phone'] })).toBe(false);
  });

  it('agrees with the keys records.ts makes: a name-only record gets a key that must not link', () => {
    const fingerprint = createFingerprinter('k');
    const finding = (detector: string, normalized: string) => ({
      finding: { detector, normalized, value: normalized, role: 'identifier', confidence: 'high', line: 1, column: 1, hipaa: 'names' } as never,
    });
    const nameOnly = groupRecords([finding('name', 'MARY JOHNSON')], fingerprint).records[0]!;
    expect(nameOnly.keys).toHaveLength(1);
    expect(linksAcrossFiles(nameOnly)).toBe(false);
    const strong = groupRecords([finding('name', 'MARY JOHNSON'), finding('dob', '1946-04-04')], fingerprint).records[0]!;
    expect(linksAcrossFiles(strong)).toBe(true);
    const medicare = groupRecords([finding('name', 'MARY JOHNSON'), finding('mbi', '1EG4TE5MK73')], fingerprint).records[0]!;
    expect(medicare.keys).toHaveLength(1);
    expect(linksAcrossFiles(medicare)).toBe(true);
  });

  it('names a record\'s identifier set in sorted order, however its identifiers are listed', () => {
    expect(identifierSet({ identifiers: ['dob', 'icd10', 'mrn', 'name'] })).toBe('dob+icd10+mrn+name');
    expect(identifierSet({ identifiers: ['name', 'dob', 'ssn', 'dob'] })).toBe('dob+dob+name+ssn');
    expect(identifierSet({ identifiers: ['ssn'] })).toBe('ssn');
    expect(identifierSet({ identifiers: [] })).toBe('');
  });

  it('counts distinct patients, PHI and PII records, identifier sets and patients per folder', () => {
    const tally = new ExposureTally();
    tally.add(file('share/a/roster.csv', [record(['name', 'ssn'], ['s1']), record(['name', 'ssn'], ['s2'], false)]));
    tally.add(file('share/b/feed.hl7', [record(['mrn', 'ssn'], ['s1', 'm1'])]));
    tally.add(file('share/b/log.txt', [record(['mrn'], ['m1'])]));
    tally.add(file('share/c/letter.txt', [record(['icd10', 'name'], ['n1'])]));
    tally.add(file('share/c/other.txt', [record(['icd10', 'name'], ['n1'])]));
    tally.add({ type: 'file', path: 'share/d/old.txt', status: 'scanned', bytes: 1, findings: [], records: 2 });
    const figures = tally.figures();
    // s1/m1 one patient, s2, two name-only letters apart, two records without a list.
    expect(figures.distinctPatients).toBe(6);
    expect(figures.filesExposingPatients).toBe(6);
    expect(figures.phiRecords).toBe(5);
    expect(figures.piiRecords).toBe(3);
    expect(figures.recordsByIdentifiers).toMatchObject({ 'name+ssn': 2, 'icd10+name': 2, mrn: 1, 'mrn+ssn': 1 });
    expect(figures.patientsByFolder.find((f) => f.folder === 'share/b')).toEqual({ folder: 'share/b', patients: 1, records: 2, files: 2 });
    expect(figures.patientsByFolder[0]!.patients).toBe(2);
  });
});

describe('access', () => {
  const names = new AccountNames('root:x:0:0::/root:/bin/sh\nclinic:x:1001:1001::/home/clinic:/bin/sh\n', 'root:x:0:\nbilling:x:2000:\n');

  it('names the owner and group and reads the mode bits', () => {
    const access = describeAccess({ uid: 1001, gid: 2000, mode: 0o100644 }, names);
    expect(access).toEqual({ uid: 1001, user: 'clinic', gid: 2000, group: 'billing', mode: '0644', groupReadable: true, worldReadable: true, worldWritable: false });
    expect(accessWords(access)).toBe('world-readable');
    const unknown = describeAccess({ uid: 4242, gid: 4242, mode: 0o100600 }, names);
    expect(unknown.user).toBeUndefined();
    expect(accessWords(unknown)).toBe('owner only');
    expect(accessWords(describeAccess({ uid: 0, gid: 0, mode: 0o640 }, names))).toBe('group-readable');
  });

  it('stats the outermost file of an archive member', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'phi-access-'));
    try {
      const zip = join(dir, 'a.zip');
      await writeFile(zip, 'x');
      await chmod(zip, 0o640);
      expect((await statAccess(`${zip}!inner/roster.csv`, names))?.mode).toBe('0640');
      expect(await statAccess(join(dir, 'gone.txt'), names)).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('risk', () => {
  const finding = (detector: string): ReportedFinding =>
    ({ detector, role: detector === 'icd10' ? 'health-information' : 'identifier' }) as ReportedFinding;
  const open = describeAccess({ uid: 0, gid: 0, mode: 0o644 }, new AccountNames());
  const closed = describeAccess({ uid: 0, gid: 0, mode: 0o600 }, new AccountNames());
  const roster = {
    records: 200,
    recordList: [record(['icd10', 'ssn'], ['k'])],
    findings: [finding('ssn'), finding('name'), finding('icd10')],
  };
  const letter = { records: 1, recordList: [record(['icd10', 'name'], ['k'])], findings: [finding('name'), finding('icd10')] };

  it('ranks more patients, stronger identifiers and wider access higher', () => {
    expect(assessRisk(roster, open).score).toBeGreaterThan(assessRisk(letter, open).score);
    expect(assessRisk(roster, open).score).toBeGreaterThan(assessRisk(roster, closed).score);
    expect(assessRisk(roster, open).level).toBe('high');
    expect(assessRisk({ ...letter, recordList: [record(['name'], ['k'], false)] }, closed).level).toBe('low');
  });
});
