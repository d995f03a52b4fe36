import { describe, expect, it } from 'vitest';
import { CodeTable } from './code-table.js';
import { icd10CategoryRe2, normalizeIcd10, normalizeIcd9 } from './icd.js';

describe('normalizeIcd10', () => {
  it.each([
    ['E11.9', 'E11.9'],
    ['e11.9', 'E11.9'],
    ['E119', 'E11.9'],
    ['E11', 'E11'],
    ['U07.1', 'U07.1'],
    ['S72.001A', 'S72.001A'],
    ['J45.909', 'J45.909'],
  ])('accepts %s', (value, expected) => {
    expect(normalizeIcd10(value)).toBe(expected);
  });
  it.each(['Z99.99X', 'E11.99999', 'A10', 'E1.19', 'E11.', 'Q', 'E11.9Z'])('rejects %s', (value) => {
    expect(normalizeIcd10(value)).toBeNull();
  });
  it('keeps codes that left the newest release', () => {
    // U07.0 (vaping) entered in FY2021 and is still listed; the union covers FY2024-FY2026 either way.
    expect(normalizeIcd10('U07.0')).toBe('U07.0');
  });
});

describe('normalizeIcd9', () => {
  it.each([
    ['250.00', '250.00'],
    ['25000', '250.00'],
    ['401.9', '401.9'],
    ['V45.81', 'V45.81'],
    ['E880.9', 'E880.9'],
    ['250', '250'],
  ])('accepts %s', (value, expected) => {
    expect(normalizeIcd9(value)).toBe(expected);
  });
  it.each(['999.99', '25.000', 'E88.09', '250.000', 'V99.99'])('rejects %s', (value) => {
    expect(normalizeIcd9(value)).toBeNull();
  });
});

describe('CodeTable', () => {
  it('looks codes up by category and suffix', () => {
    const table = new CodeTable('A00:,0,1;B20:');
    expect(table.has('A00')).toBe(true);
    expect(table.has('A001')).toBe(true);
    expect(table.has('A002')).toBe(false);
    expect(table.has('B20')).toBe(true);
    expect(table.has('B201')).toBe(false);
    expect([...table.categories]).toEqual(['A00', 'B20']);
  });
  it('turns categories into an RE2 class per prefix', () => {
    expect(icd10CategoryRe2().split('|')).toContain('E1[01356]');
  });
});
