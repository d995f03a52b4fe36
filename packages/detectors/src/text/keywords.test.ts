import { describe, expect, it } from 'vitest';
import { containsKeyword, escapeRe2, findKeyword, normalizeHeader } from './keywords.js';

describe('containsKeyword', () => {
  it('matches on word boundaries only', () => {
    expect(containsKeyword('patient ssn: ', 'ssn')).toBe(true);
    expect(containsKeyword('classnames', 'ssn')).toBe(false);
    expect(containsKeyword('zipper', 'zip')).toBe(false);
    expect(containsKeyword('zip: ', 'zip')).toBe(true);
  });
  it('lets punctuation in a keyword be its own boundary', () => {
    expect(containsKeyword('mr#123', 'mr#')).toBe(true);
  });
  it('finds the first keyword present', () => {
    expect(findKeyword('fax number', ['phone', 'fax'])).toBe('fax');
    expect(findKeyword('nothing here', ['phone', 'fax'])).toBeUndefined();
  });
});

describe('normalizeHeader', () => {
  it('lower-cases and spaces out punctuation', () => {
    expect(normalizeHeader('Patient_Name')).toBe(' patient name ');
    expect(normalizeHeader('ICD-10 Code')).toBe(' icd-10 code ');
  });
});

describe('escapeRe2', () => {
  it('escapes metacharacters', () => {
    expect(escapeRe2('d.o.b.')).toBe('d\\.o\\.b\\.');
    expect(escapeRe2('mr#')).toBe('mr\\#');
  });
});
