import { describe, expect, it } from 'vitest';
import { expandTwoDigitYear, isPlausibleBirthDate, isRealDate, parseDate, toIsoDate } from './date.js';

const today = new Date('2025-06-01T00:00:00Z');
const iso = (value: string): string | null => {
  const date = parseDate(value, today);
  return date ? toIsoDate(date) : null;
};

describe('parseDate', () => {
  it.each([
    ['03/14/1962', '1962-03-14'],
    ['3/14/62', '1962-03-14'],
    ['1962-03-14', '1962-03-14'],
    ['March 14, 1962', '1962-03-14'],
    ['Mar. 14th 1962', '1962-03-14'],
    ['14-Mar-1962', '1962-03-14'],
    ['14 March 1962', '1962-03-14'],
    ['19620314', '1962-03-14'],
    ['14.03.1962', '1962-03-14'],
    ['1/2/05', '2005-01-02'],
  ])('reads %s', (value, expected) => {
    expect(iso(value)).toBe(expected);
  });
  it('rejects words that are not months', () => {
    expect(parseDate('14 Marx 1962', today)).toEqual(expect.objectContaining({ month: 3 }));
    expect(parseDate('14 Foo 1962', today)).toBeNull();
  });
});

describe('calendar rules', () => {
  it('knows month lengths and leap years', () => {
    expect(isRealDate({ year: 2024, month: 2, day: 29 })).toBe(true);
    expect(isRealDate({ year: 2023, month: 2, day: 29 })).toBe(false);
    expect(isRealDate({ year: 1980, month: 4, day: 31 })).toBe(false);
    expect(isRealDate({ year: 1980, month: 13, day: 1 })).toBe(false);
  });
  it('puts two-digit years in the past', () => {
    expect(expandTwoDigitYear(24, 1, 1, today)).toBe(2024);
    expect(expandTwoDigitYear(25, 12, 31, today)).toBe(1925);
    expect(expandTwoDigitYear(62, 3, 14, today)).toBe(1962);
  });
  it('accepts birth dates from today back to 120 years', () => {
    expect(isPlausibleBirthDate({ year: 2025, month: 6, day: 1 }, today)).toBe(true);
    expect(isPlausibleBirthDate({ year: 1905, month: 6, day: 1 }, today)).toBe(true);
    expect(isPlausibleBirthDate({ year: 1905, month: 5, day: 31 }, today)).toBe(false);
    expect(isPlausibleBirthDate({ year: 2025, month: 6, day: 2 }, today)).toBe(false);
  });
});
