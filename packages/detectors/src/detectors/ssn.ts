import type { DetectorDefinition, MatchInput, Validation } from '../detector.js';
import { classifySsn, ssnDigits } from '../validators/ssn.js';

const SSN_KEYWORDS = ['ssn', 'ss#', 'ss #', 'ssn#', 'social security', 'soc sec', 'ss no', 'social sec', 'ssa'];

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/** `\b` lets '123-45-6789' match inside '0123-45-6789-1'; a digit run across a separator is a longer number. */
function isPartOfLongerNumber({ text, start, end }: MatchInput): boolean {
  const before = text[start - 1];
  const after = text[end];
  if ((before === '-' || before === '.' || before === '/') && isDigit(text[start - 2])) return true;
  if ((after === '-' || after === '.' || after === '/') && isDigit(text[end + 1])) return true;
  return false;
}

function validateSsn(match: MatchInput): Validation | null {
  if (isPartOfLongerNumber(match)) return null;
  const digits = ssnDigits(match.value);
  const verdict = classifySsn(digits);
  if (verdict === 'invalid') return null;
  if (verdict === 'sample') {
    return {
      normalized: digits,
      adjustments: [{ rule: 'sample-value', effect: 'lower', cap: 'low', detail: 'a well-known sample or repeated-digit number' }],
    };
  }
  return { normalized: digits };
}

export const ssnDetector: DetectorDefinition = {
  id: 'ssn',
  name: 'Social Security number',
  description: 'US Social Security numbers (NNN-NN-NNNN, NNN NN NNNN; 9 bare digits only with an SSN keyword or column)',
  hipaa: 'social-security-numbers',
  role: 'identifier',
  version: 1,
  keywords: SSN_KEYWORDS,
  columnHeaders: ['ssn', 'social security', 'soc sec', 'ss#', 'ss no'],
  patterns: [
    { re2: '\\b[0-9]{3}-[0-9]{2}-[0-9]{4}\\b', confidence: 'medium', label: 'dashed SSN shape' },
    { re2: '\\b[0-9]{3} [0-9]{2} [0-9]{4}\\b', confidence: 'medium', label: 'spaced SSN shape' },
    { re2: '\\b[0-9]{9}\\b', confidence: 'medium', label: 'nine bare digits', gated: true, needsContext: true },
  ],
  validate: validateSsn,
  context: {
    window: 48,
    raise: SSN_KEYWORDS,
    lower: ['phone', 'tel', 'telephone', 'fax', 'zip', 'zipcode', 'postal', 'order', 'invoice', 'tracking', 'routing', 'aba', 'part', 'sku', 'serial', 'po'],
  },
  examples: {
    positive: [
      { text: 'SSN: 123-45-6780', normalized: '123456780', minConfidence: 'high' },
      { text: 'Employee 234-56-7891 enrolled', normalized: '234567891', minConfidence: 'medium' },
      { text: 'Social Security Number 345 67 8912', normalized: '345678912', minConfidence: 'high' },
      { text: 'ssn 456789123', normalized: '456789123', minConfidence: 'high' },
      { text: '456789123', context: { columnHeader: 'SSN' }, normalized: '456789123', minConfidence: 'high' },
    ],
    negative: [
      { text: 'SSN: 000-12-3456' },
      { text: 'SSN: 666-12-3456' },
      { text: 'ITIN 912-70-1234' },
      { text: 'SSN 123-00-4567 and 123-45-0000' },
      { text: 'Account 456789123 was closed' },
      { text: 'call 555-123-4567' },
      { text: 'ZIP 98101-1234' },
      { text: 'part 0123-45-6789-1' },
      { text: 'SSN 123-45 6789' },
    ],
  },
};
