/**
 * Synthetic identifiers with valid check digits, for the accuracy corpus. Values are drawn from the seeded
 * PRNG; documentation ranges are used where one exists (IP addresses, example.* domains).
 */
import type { Random } from '../random.js';

const MBI_LETTERS = 'ACDEFGHJKMNPQRTUVWXY';

function luhnCheckDigit(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let d = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export function randomMbi(rng: Random): string {
  const letter = () => rng.pick([...MBI_LETTERS]);
  const alnum = () => (rng.chance(0.5) ? letter() : String(rng.int(0, 9)));
  const digit = () => String(rng.int(0, 9));
  return `${rng.int(1, 9)}${letter()}${alnum()}${digit()}${letter()}${alnum()}${digit()}${letter()}${letter()}${digit()}${digit()}`;
}

export function formatMbi(mbi: string, dashed: boolean): string {
  return dashed ? `${mbi.slice(0, 4)}-${mbi.slice(4, 7)}-${mbi.slice(7)}` : mbi;
}

export function randomNpi(rng: Random): string {
  const body = `${rng.int(1, 2)}${rng.digits(8)}`;
  return body + luhnCheckDigit(`80840${body}`);
}

export function randomDea(rng: Random, surname: string): string {
  const digits = rng.digits(6);
  const d = [...digits].map(Number) as number[];
  const check = (d[0]! + d[2]! + d[4]! + 2 * (d[1]! + d[3]! + d[5]!)) % 10;
  return `${rng.pick(['A', 'B', 'F', 'G', 'M'])}${surname[0]!.toUpperCase()}${digits}${check}`;
}

export function randomCardNumber(rng: Random): string {
  const body = `4${rng.digits(14)}`;
  return body + luhnCheckDigit(body);
}

const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
const VIN_VALUES: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};

export function randomVin(rng: Random): string {
  for (;;) {
    const chars = Array.from({ length: 17 }, (_, i) => (i >= 11 ? String(rng.int(0, 9)) : rng.pick([...VIN_CHARS])));
    chars[8] = '0';
    const sum = chars.reduce((s, ch, i) => s + (/[0-9]/.test(ch) ? Number(ch) : VIN_VALUES[ch]!) * VIN_WEIGHTS[i]!, 0);
    chars[8] = sum % 11 === 10 ? 'X' : String(sum % 11);
    const vin = chars.join('');
    const digits = vin.replace(/[^0-9]/g, '').length;
    if (digits >= 4 && digits <= 14) return vin;
  }
}

export function randomUdi(rng: Random): string {
  const body = `0${rng.digits(12)}`;
  let sum = 0;
  for (let i = body.length - 1, w = 3; i >= 0; i--, w = w === 3 ? 1 : 3) sum += Number(body[i]) * w;
  return `(01)${body}${(10 - (sum % 10)) % 10}(21)${rng.pick(['A', 'K', 'S'])}${rng.digits(6)}`;
}

export function randomMemberId(rng: Random): string {
  return `${rng.pick(['XKW', 'ZGP', 'BCA', 'HMN'])}${rng.digits(9)}`;
}

export function randomAccountNumber(rng: Random): string {
  return `${rng.int(1, 9)}${rng.digits(rng.pick([7, 9]))}`;
}

export function randomDriversLicense(rng: Random): string {
  return `${String.fromCharCode(65 + rng.int(0, 25))}${rng.digits(3)}-${rng.digits(4)}-${rng.digits(4)}`;
}

export function documentationIp(rng: Random): string {
  return `${rng.pick(['192.0.2', '198.51.100', '203.0.113'])}.${rng.int(1, 254)}`;
}
