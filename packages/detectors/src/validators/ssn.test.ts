import { describe, expect, it } from 'vitest';
import { classifySsn, ssnDigits } from './ssn.js';

describe('classifySsn', () => {
  it('accepts assignable numbers', () => {
    expect(classifySsn('234567891')).toBe('valid');
    expect(classifySsn('899121234')).toBe('valid');
  });
  it.each(['000123456', '666123456', '900123456', '987654321', '123004567', '123450000'])('rejects %s', (digits) => {
    expect(classifySsn(digits)).toBe('invalid');
  });
  it.each(['078051120', '219099999', '123456789', '111111111', '555555555'])('marks %s as a sample', (digits) => {
    expect(classifySsn(digits)).toBe('sample');
  });
  it('rejects wrong lengths and non-digits', () => {
    expect(classifySsn('23456789')).toBe('invalid');
    expect(classifySsn('2345678901')).toBe('invalid');
    expect(classifySsn('23456789a')).toBe('invalid');
  });
  it('keeps only digits', () => {
    expect(ssnDigits('234-56 7891')).toBe('234567891');
  });
});
