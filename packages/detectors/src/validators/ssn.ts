/** SSA assignment rules for Social Security numbers. */

/** Numbers printed on sample cards and in documentation; seen far more often than as anyone's SSN. */
export const SAMPLE_SSNS: ReadonlySet<string> = new Set(['078051120', '219099999', '123456789']);

export type SsnVerdict = 'valid' | 'sample' | 'invalid';

/** `digits` must be exactly 9 ASCII digits. */
export function classifySsn(digits: string): SsnVerdict {
  if (digits.length !== 9) return 'invalid';
  for (let i = 0; i < 9; i++) {
    const code = digits.charCodeAt(i);
    if (code < 48 || code > 57) return 'invalid';
  }
  const area = digits.slice(0, 3);
  // 9xx areas are ITINs (a separate identifier), 666 and 000 are never assigned.
  if (area === '000' || area === '666' || area[0] === '9') return 'invalid';
  if (digits.slice(3, 5) === '00' || digits.slice(5) === '0000') return 'invalid';
  if (SAMPLE_SSNS.has(digits) || isAllSameDigit(digits)) return 'sample';
  return 'valid';
}

function isAllSameDigit(digits: string): boolean {
  for (let i = 1; i < digits.length; i++) if (digits[i] !== digits[0]) return false;
  return true;
}

/** Keeps the digits of a formatted SSN. */
export function ssnDigits(value: string): string {
  let out = '';
  for (const ch of value) if (ch >= '0' && ch <= '9') out += ch;
  return out;
}
