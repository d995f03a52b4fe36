import type { DetectorDefinition, MatchInput, Validation } from '../detector.js';
import { npiValid } from '../validators/checksums.js';

const NPI_KEYWORDS = ['npi', 'national provider', 'provider id', 'provider no', 'provider number'];
const PROVIDER_CONTEXT = ['provider', 'prescriber', 'physician', 'rendering', 'referring', 'billing', 'ordering', 'attending', 'dr', 'md', 'clinician', 'pharmacy'];

function validateNpi({ value }: MatchInput): Validation | null {
  return npiValid(value) ? { normalized: value } : null;
}

export const npiDetector: DetectorDefinition = {
  id: 'npi',
  name: 'National Provider Identifier',
  description: 'NPIs: 10 digits starting 1 or 2 whose Luhn check over 80840 + NPI holds; low unless NPI or provider context',
  hipaa: 'other-unique-identifiers',
  role: 'identifier',
  version: 1,
  keywords: NPI_KEYWORDS,
  columnHeaders: ['npi', 'national provider', 'provider npi', 'npi number'],
  patterns: [
    // One in ten random 10-digit numbers passes the check, so the shape alone is weak.
    { re2: '\\b[12][0-9]{9}\\b', confidence: 'low', label: 'NPI shape with a valid check digit' },
  ],
  validate: validateNpi,
  context: { window: 40, after: 8, raise: PROVIDER_CONTEXT, strong: NPI_KEYWORDS, lower: ['phone', 'tel', 'fax', 'order', 'invoice', 'account', 'acct', 'tracking', 'serial'] },
  examples: {
    positive: [
      { text: 'NPI: 1234567893', normalized: '1234567893', minConfidence: 'high' },
      { text: 'Referring provider 1245319599', normalized: '1245319599', minConfidence: 'medium' },
      { text: '1234567893', context: { columnHeader: 'NPI' }, normalized: '1234567893', minConfidence: 'high' },
      { text: 'number 1234567893 listed', normalized: '1234567893', minConfidence: 'low' },
    ],
    negative: [
      { text: 'NPI: 1234567890' },
      { text: 'NPI: 3234567893' },
      { text: 'Order 1234567893 shipped', minConfidence: 'medium' },
      { text: 'NPI: 12345678931' },
    ],
  },
};
