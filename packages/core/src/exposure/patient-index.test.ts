import { describe, expect, it } from 'vitest';
import { PatientIndex, keyBits } from './patient-index.js';

const hex = (n: number) => n.toString(16).padStart(8, '0').repeat(4);

describe('PatientIndex', () => {
  it('counts records that share any key as one patient, transitively', () => {
    const index = new PatientIndex();
    index.addRecord(['ssn-a', 'mrn-1'], false);
    index.addRecord(['mrn-1', 'namedob-x'], true);
    index.addRecord(['namedob-x'], false);
    index.addRecord(['ssn-b'], false);
    expect(index.distinctPatients).toBe(2);
    expect(index.distinctPhiPatients()).toBe(1);
  });

  it('counts a record without keys as a patient of its own', () => {
    const index = new PatientIndex();
    expect(index.addRecord([], true)).toBe(-1);
    index.addRecord([], false);
    expect(index.distinctPatients).toBe(2);
    expect(index.distinctPhiPatients()).toBe(1);
  });

  it('merges late: two patients joined by a third record become one', () => {
    const index = new PatientIndex();
    const a = index.addRecord(['k1'], false);
    const b = index.addRecord(['k2'], true);
    expect(index.distinctPatients).toBe(2);
    index.addRecord(['k1', 'k2'], false);
    expect(index.distinctPatients).toBe(1);
    expect(index.find(a)).toBe(index.find(b));
    expect(index.distinctPhiPatients()).toBe(1);
  });

  it('grows past its first tables without losing a key', () => {
    const index = new PatientIndex();
    for (let i = 0; i < 50_000; i++) index.addRecord([hex(i), hex(i + 1_000_000)], false);
    for (let i = 0; i < 50_000; i++) index.addRecord([hex(i + 1_000_000)], false);
    expect(index.keyCount).toBe(100_000);
    expect(index.distinctPatients).toBe(50_000);
    expect(index.byteLength).toBeLessThan(100_000 * 32);
  });

  it('takes 64 bits of a hex fingerprint and folds any other key', () => {
    expect(keyBits('00000001000000020000000300000004')).toEqual([1, 2]);
    expect(keyBits('ssn-a')).not.toEqual(keyBits('ssn-b'));
  });
});
