/**
 * Masking policy for reported values. Separators stay so the shape is recognisable (`***-**-6789`); at most
 * the last four letters or digits are shown, fewer for short values, and none for names — the last letters
 * of a name narrow down who it is far more than the last digits of an SSN do.
 */
// Relatives' names are names; a deny-list entry is whatever the site fears most (often a name).
const FULLY_MASKED_DETECTORS = new Set(['name', 'relative-name', 'deny-list']);

export function maskValue(detector: string, value: string): string {
  let alnumCount = 0;
  for (const ch of value) if (isAlphanumeric(ch)) alnumCount++;
  const shown = FULLY_MASKED_DETECTORS.has(detector) ? 0 : alnumCount >= 8 ? 4 : alnumCount >= 6 ? 2 : 0;
  const hideUpTo = alnumCount - shown;
  let seen = 0;
  let out = '';
  for (const ch of value) {
    if (isAlphanumeric(ch)) {
      out += seen < hideUpTo ? '*' : ch;
      seen++;
    } else {
      out += ch;
    }
  }
  return out;
}

function isAlphanumeric(ch: string): boolean {
  return /[\p{L}\p{N}]/u.test(ch);
}
