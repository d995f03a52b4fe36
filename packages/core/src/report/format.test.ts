import { describe, expect, it } from 'vitest';
import { formatCount } from './format.js';

describe('formatCount', () => {
  it('writes every number as en-US Intl.NumberFormat would, grouped by hand or not', () => {
    const reference = new Intl.NumberFormat('en-US');
    const values = [0, -0, 1, 7, 12, 999, 1000, 1001, 99_999, 100_000, 123_456_789, -5, -1000, -987_654_321, 2 ** 31, 2 ** 53 - 1, -(2 ** 53 - 1)];
    values.push(2 ** 53, 1e21, 0.5, 1234.5678, -0.001, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    // Every digit count from 1 to 16, so each length of the leading group is met.
    for (let digits = 1; digits <= 16; digits++) values.push(Number('9'.repeat(digits)), 10 ** (digits - 1));
    for (const value of values) expect(formatCount(value), String(value)).toBe(reference.format(value));
  });
});
