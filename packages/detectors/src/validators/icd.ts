import { ICD10CM_CODES } from '../data/icd10cm-codes.js';
import { ICD9CM_CODES } from '../data/icd9cm-codes.js';
import { CodeTable } from './code-table.js';

const icd10 = new CodeTable(ICD10CM_CODES);
const icd9 = new CodeTable(ICD9CM_CODES);

/** The dotted ICD-10-CM form ('E11.9') of a code valid in any shipped release (FY2024–FY2026), else null. */
export function normalizeIcd10(value: string): string | null {
  const code = value.replace('.', '').toUpperCase();
  if (code.length < 3 || code.length > 7 || !icd10.has(code)) return null;
  // A dot in the wrong place ('E1.19') is not how anyone writes the code.
  const dot = value.indexOf('.');
  if (dot >= 0 && (dot !== 3 || dot === value.length - 1)) return null;
  return code.length > 3 ? `${code.slice(0, 3)}.${code.slice(3)}` : code;
}

/** The dotted ICD-9-CM form ('250.00', 'E880.9', 'V45.81') of a v32 diagnosis code or category, else null. */
export function normalizeIcd9(value: string): string | null {
  const code = value.replace('.', '').toUpperCase();
  const categoryLength = code.startsWith('E') ? 4 : 3;
  if (code.length < categoryLength || code.length > categoryLength + 2 || !icd9.has(code)) return null;
  const dot = value.indexOf('.');
  if (dot >= 0 && dot !== categoryLength) return null;
  return code.length > categoryLength ? `${code.slice(0, categoryLength)}.${code.slice(categoryLength)}` : code;
}

/**
 * RE2 source matching exactly the valid 3-character ICD-10-CM categories ('A0[0-9]|A1[5-9]|…'): the pattern then
 * skips most code-shaped tokens (A10, B99X) before any validation runs, which keeps numeric sheets fast.
 */
export function icd10CategoryRe2(): string {
  const thirdByPrefix = new Map<string, string[]>();
  for (const category of icd10.categories) {
    const third = thirdByPrefix.get(category.slice(0, 2)) ?? [];
    third.push(category[2]!);
    thirdByPrefix.set(category.slice(0, 2), third);
  }
  return [...thirdByPrefix].map(([prefix, third]) => `${prefix}[${third.sort().join('')}]`).join('|');
}
