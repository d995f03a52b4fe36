import { describe, expect, it } from 'vitest';
import { maskValue } from './mask.js';

describe('maskValue', () => {
  it('keeps separators and the last four digits of an SSN', () => {
    expect(maskValue('ssn', '123-45-6789')).toBe('***-**-6789');
    expect(maskValue('ssn', '123456789')).toBe('*****6789');
  });

  it('never shows any letter of a name', () => {
    expect(maskValue('name', 'Smith, John A.')).toBe('*****, **** *.');
  });

  it('masks relatives\' names and deny-list values as fully as patients\' names', () => {
    expect(maskValue('relative-name', 'Linda Brown')).toBe('***** *****');
    expect(maskValue('deny-list', 'Test Patient')).toBe('**** *******');
  });

  it('shows fewer characters of short values, none of very short ones', () => {
    expect(maskValue('mrn', 'A12345')).toBe('****45');
    expect(maskValue('icd10', 'E11.9')).toBe('***.*');
  });

  it('never reveals more than the last four letters or digits', () => {
    for (const value of ['1962-03-14', 'MRN00123456789', 'DOE^JANE^Q', 'x']) {
      const masked = maskValue('mrn', value);
      const shown = [...masked].filter((ch, i) => ch !== '*' && /[\p{L}\p{N}]/u.test(value[i]!)).length;
      expect(shown).toBeLessThanOrEqual(4);
      expect(masked).toHaveLength(value.length);
    }
  });
});
