import { describe, expect, it } from 'vitest';
import { isKnownGivenName, isKnownSurname, isNonNameWord, splitName } from './names.js';

describe('census name evidence', () => {
  it('knows common names in any case', () => {
    expect(isKnownSurname('Smith')).toBe(true);
    expect(isKnownGivenName('mary')).toBe(true);
    expect(isKnownSurname('Zorblax')).toBe(false);
  });
  it('treats label words as not names', () => {
    expect(isNonNameWord('DOB')).toBe(true);
    expect(isNonNameWord('Smith')).toBe(false);
  });
});

describe('splitName', () => {
  it('reads LAST, FIRST M.', () => {
    expect(splitName('SMITH, JOHN A.')).toEqual({ tokens: ['JOHN', 'A', 'SMITH'], given: ['JOHN', 'A'], surname: ['SMITH'] });
  });
  it('reads HL7 LAST^FIRST^M', () => {
    expect(splitName('DOE^JANE^Q')?.tokens).toEqual(['JANE', 'Q', 'DOE']);
  });
  it('reads First Last', () => {
    expect(splitName('Mary Ann Jones')).toEqual({ tokens: ['MARY', 'ANN', 'JONES'], given: ['MARY', 'ANN'], surname: ['JONES'] });
  });
  it('returns null for nothing', () => {
    expect(splitName(' , ')).toBeNull();
  });
});
