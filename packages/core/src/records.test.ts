import { describe, expect, it } from 'vitest';
import type { Finding } from '@phi-scan/detectors';
import { createFingerprinter } from './fingerprint.js';
import { groupRecords, type LocatedFinding } from './records.js';

const fingerprint = createFingerprinter('test-key');
let offset = 0;
function f(detector: string, normalized: string, recordKey?: string): LocatedFinding {
  const health = detector === 'icd10' || detector === 'icd9';
  const finding: Finding = {
    detector,
    hipaa: health ? 'health-information' : 'names',
    role: health ? 'health-information' : 'identifier',
    start: offset,
    end: offset + 5,
    line: 1,
    column: 1,
    value: normalized,
    normalized,
    confidence: 'high',
    reasons: [],
  };
  offset += 10;
  return { finding, recordKey };
}

describe('groupRecords', () => {
  it('counts a letter about one patient as one record, even when the name repeats in the body', () => {
    const items = [f('name', 'JOHN SMITH'), f('dob', '1962-03-14'), f('mrn', '1234567'), f('icd10', 'E11.9'), f('name', 'SMITH')];
    const { records, recordOf } = groupRecords(items, fingerprint);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ identifiers: ['dob', 'icd10', 'mrn', 'name'], phi: true });
    expect(recordOf.every((r) => r === 0)).toBe(true);
  });

  it('splits a pasted roster into one record per patient', () => {
    const items = [
      f('name', 'JOHN SMITH'), f('ssn', '123456780'),
      f('name', 'MARY JONES'), f('ssn', '223456780'),
      f('name', 'ANA LOPEZ'), f('ssn', '323456780'),
    ];
    expect(groupRecords(items, fingerprint).records).toHaveLength(3);
  });

  it('uses the rows a table declares and merges rows that are the same patient', () => {
    const items = [
      f('mrn', '1111111', 'row:1'), f('name', 'JOHN SMITH', 'row:1'),
      f('mrn', '2222222', 'row:2'), f('icd10', 'I10', 'row:2'),
      f('mrn', '1111111', 'row:3'), f('icd10', 'E11.9', 'row:3'),
    ];
    const { records, recordOf } = groupRecords(items, fingerprint);
    expect(records).toHaveLength(2);
    expect(recordOf[0]).toBe(recordOf[4]);
    expect(records[recordOf[0]!]!.phi).toBe(true);
  });

  it('does not make a record out of health information with no patient', () => {
    const items = [f('icd10', 'E11.9', 'row:1'), f('icd10', 'I10', 'row:2')];
    const { records, recordOf } = groupRecords(items, fingerprint);
    expect(records).toHaveLength(0);
    expect(recordOf).toEqual([undefined, undefined]);
  });

  it('does not make a record out of contact details or provider numbers alone', () => {
    const items = [f('phone', '2174823100'), f('address', '1200 OAK AVENUE'), f('npi', '1234567893')];
    const { records, recordOf } = groupRecords(items, fingerprint);
    expect(records).toHaveLength(0);
    expect(recordOf).toEqual([undefined, undefined, undefined]);
  });

  it('puts a letterhead phone into the record of the patient the letter is about', () => {
    const items = [f('phone', '2174823100'), f('name', 'JOHN SMITH'), f('dob', '1962-03-14'), f('email', 'js@example.com')];
    const { records } = groupRecords(items, fingerprint);
    expect(records).toHaveLength(1);
    expect(records[0]!.identifiers).toEqual(['dob', 'email', 'name', 'phone']);
  });

  it('splits on a second MBI and merges rows that share one', () => {
    const text = [f('mbi', '1EG4TE5MK73'), f('phone', '2174823100'), f('mbi', '2EG4TE5MK73')];
    expect(groupRecords(text, fingerprint).records).toHaveLength(2);
    const rows = [f('mbi', '1EG4TE5MK73', 'row:1'), f('icd10', 'E11.9', 'row:1'), f('mbi', '1EG4TE5MK73', 'row:2')];
    const { records } = groupRecords(rows, fingerprint);
    expect(records).toHaveLength(1);
    expect(records[0]!.phi).toBe(true);
  });

  it('links on name and date of birth together, not on a shared birth date alone', () => {
    const items = [
      f('name', 'JOHN SMITH', 'message:1'), f('dob', '1962-03-14', 'message:1'),
      f('name', 'MARY JONES', 'message:2'), f('dob', '1962-03-14', 'message:2'),
      f('name', 'JOHN SMITH', 'message:3'), f('dob', '1962-03-14', 'message:3'),
    ];
    expect(groupRecords(items, fingerprint).records).toHaveLength(2);
  });

  it('lists each key of a record merged from many rows once, in the order the rows first give it', () => {
    const items: LocatedFinding[] = [];
    for (let row = 0; row < 3000; row++) {
      const key = `row:${row}`;
      items.push(f('name', 'JOHN SMITH', key), f('dob', '1962-03-14', key), f('ssn', String(100_000_000 + (row % 1000)), key));
    }
    const { records } = groupRecords(items, fingerprint);
    expect(records).toHaveLength(1);
    const key = (text: string) => fingerprint('record-key', text);
    const expected = [key('ssn:100000000'), key('name+dob:JOHN SMITH|1962-03-14')];
    for (let ssn = 1; ssn < 1000; ssn++) expected.push(key(`ssn:${100_000_000 + ssn}`));
    expect(records[0]!.keys).toEqual(expected);
  });

  it('gives records keyed fingerprints, never raw values', () => {
    const { records } = groupRecords([f('ssn', '123456780')], fingerprint);
    expect(records[0]!.keys).toHaveLength(1);
    expect(records[0]!.keys[0]).not.toContain('123456780');
    expect(records[0]!.keys[0]).toMatch(/^[0-9a-f]{32}$/);
  });
});
