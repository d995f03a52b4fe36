/** Check-digit rules of identifiers that carry one; each takes the compact value (no spaces or dashes). */

function digitsOnly(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** Luhn (mod 10) over a digit string whose last digit is the check digit. */
export function luhnValid(digits: string): boolean {
  if (!digitsOnly(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** NPI: 10 digits, first 1 or 2; the check digit is Luhn over the card-issuer prefix 80840 and the NPI. */
export function npiValid(npi: string): boolean {
  return npi.length === 10 && (npi[0] === '1' || npi[0] === '2') && luhnValid(`80840${npi}`);
}

/** Registrant-type letters DEA assigns as the first character (practitioners, mid-levels, distributors, …). */
export const DEA_REGISTRANT_LETTERS = 'ABCDEFGHJKLMPRSTUX';

/** DEA number: registrant letter, a letter (or 9), seven digits; check = last digit of (d1+d3+d5) + 2(d2+d4+d6). */
export function deaValid(value: string): boolean {
  if (value.length !== 9 || !DEA_REGISTRANT_LETTERS.includes(value[0]!)) return false;
  const second = value[1]!;
  if (!((second >= 'A' && second <= 'Z') || second === '9')) return false;
  const digits = value.slice(2);
  if (!digitsOnly(digits)) return false;
  const d = [...digits].map(Number) as number[];
  const check = (d[0]! + d[2]! + d[4]! + 2 * (d[1]! + d[3]! + d[5]!)) % 10;
  return check === d[6];
}

/** Letters an MBI may use: no S, L, O, I, B or Z (they read as digits). */
export const MBI_LETTERS = 'ACDEFGHJKMNPQRTUVWXY';

/** MBI positions: 1 digit 1–9; 2, 5, 8, 9 letter; 3, 6 letter or digit; 4, 7, 10, 11 digit. */
export function mbiValid(value: string): boolean {
  if (value.length !== 11) return false;
  const letter = (ch: string) => MBI_LETTERS.includes(ch);
  const digit = (ch: string) => ch >= '0' && ch <= '9';
  const rules: ((ch: string) => boolean)[] = [
    (ch) => ch >= '1' && ch <= '9', letter, (ch) => letter(ch) || digit(ch), digit, letter,
    (ch) => letter(ch) || digit(ch), digit, letter, letter, digit, digit,
  ];
  return rules.every((rule, i) => rule(value[i]!));
}

const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
const VIN_LETTER_VALUES: Readonly<Record<string, number>> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};

/** North American VIN: 17 characters without I, O, Q; position 9 is the mod-11 check digit (10 written X). */
export function vinValid(vin: string): boolean {
  if (vin.length !== 17) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const ch = vin[i]!;
    const value = ch >= '0' && ch <= '9' ? Number(ch) : VIN_LETTER_VALUES[ch];
    if (value === undefined) return false;
    sum += value * VIN_WEIGHTS[i]!;
  }
  const check = sum % 11;
  return vin[8] === (check === 10 ? 'X' : String(check));
}

/** GS1 check digit (GTIN-8/12/13/14): weights 3,1,3,… from the right, excluding the check digit. */
export function gtinValid(digits: string): boolean {
  if (!digitsOnly(digits) || digits.length < 8) return false;
  let sum = 0;
  for (let i = digits.length - 2, w = 3; i >= 0; i--, w = w === 3 ? 1 : 3) sum += (digits.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(digits.length - 1) - 48;
}

export type CardNetwork = 'visa' | 'mastercard' | 'amex' | 'discover' | 'jcb' | 'diners';

/** The network an issuer identification number (IIN) prefix and length belong to, or undefined. */
export function cardNetwork(digits: string): CardNetwork | undefined {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  if (digits[0] === '4' && (n === 13 || n === 16 || n === 19)) return 'visa';
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return 'mastercard';
  if ((p2 === 34 || p2 === 37) && n === 15) return 'amex';
  if ((p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649)) && n >= 16 && n <= 19) return 'discover';
  if (p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19) return 'jcb';
  if ((p2 === 36 || p2 === 38 || (p3 >= 300 && p3 <= 305)) && n >= 14 && n <= 19) return 'diners';
  return undefined;
}

/** Keeps letters and digits, upper-cased: the compact form identifiers are compared in. */
export function compactId(value: string): string {
  let out = '';
  for (const ch of value) {
    if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) out += ch;
  }
  return out.toUpperCase();
}

export function countDigits(value: string): number {
  let n = 0;
  for (const ch of value) if (ch >= '0' && ch <= '9') n++;
  return n;
}
