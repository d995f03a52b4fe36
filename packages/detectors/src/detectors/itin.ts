import type { DetectorDefinition, MatchInput, Validation } from '../detector.js';
import { ssnDigits } from '../validators/ssn.js';

const ITIN_KEYWORDS = ['itin', 'taxpayer identification', 'individual taxpayer', 'tax id', 'tin'];

/** IRS ITIN group (4th–5th digit) ranges: 50–65, 70–88, 90–92, 94–99. */
export function isItinGroup(group: number): boolean {
  return (group >= 50 && group <= 65) || (group >= 70 && group <= 88) || (group >= 90 && group <= 92) || (group >= 94 && group <= 99);
}

function validateItin({ value }: MatchInput): Validation | null {
  const digits = ssnDigits(value);
  if (digits.length !== 9 || digits[0] !== '9' || !isItinGroup(Number(digits.slice(3, 5)))) return null;
  return { normalized: digits };
}

export const itinDetector: DetectorDefinition = {
  id: 'itin',
  name: 'Individual Taxpayer Identification Number',
  description: 'ITINs: 9NN-NN-NNNN in the IRS group ranges; low without an ITIN / taxpayer keyword (they share the SSN shape)',
  hipaa: 'other-unique-identifiers',
  role: 'identifier',
  version: 1,
  keywords: ITIN_KEYWORDS,
  columnHeaders: ['itin', 'taxpayer id', 'tax id', 'tin'],
  patterns: [
    { re2: '\\b9[0-9]{2}[- ][0-9]{2}[- ][0-9]{4}\\b', confidence: 'low', label: 'ITIN shape' },
    { re2: '\\b9[0-9]{8}\\b', confidence: 'low', label: 'nine bare digits', gated: true, needsContext: true },
  ],
  validate: validateItin,
  context: { window: 48, strong: ITIN_KEYWORDS, raise: ['irs', 'w-7', 'w-9', 'tax'], lower: ['phone', 'fax', 'order', 'invoice', 'part', 'sku', 'ssn', 'social security'] },
  examples: {
    positive: [
      { text: 'ITIN: 912-70-1234', normalized: '912701234', minConfidence: 'high' },
      { text: 'Taxpayer identification 987 65 4320', normalized: '987654320', minConfidence: 'high' },
      { text: '999881234', context: { columnHeader: 'ITIN' }, normalized: '999881234', minConfidence: 'high' },
    ],
    negative: [
      { text: 'ITIN: 912-40-1234' },
      { text: 'ITIN: 812-70-1234' },
      { text: 'ITIN 912-93-1234' },
      { text: 'SSN: 987-65-4321', minConfidence: 'medium' },
    ],
  },
};
