import type { DetectorDefinition, MatchInput, Validation } from '../detector.js';
import { compactId, mbiValid } from '../validators/checksums.js';
import { classifySsn } from '../validators/ssn.js';

const L = '[AC-HJKMNP-RT-Y]';
const A = '[0-9AC-HJKMNP-RT-Y]';
const MEDICARE_KEYWORDS = ['mbi', 'medicare', 'beneficiary', 'medicare id', 'medicare number', 'cms'];

function validateMbi({ value }: MatchInput): Validation | null {
  const compact = compactId(value);
  return mbiValid(compact) ? { normalized: compact } : null;
}

export const mbiDetector: DetectorDefinition = {
  id: 'mbi',
  name: 'Medicare Beneficiary Identifier',
  description: 'Medicare Beneficiary Identifiers: 11 characters by position (no S, L, O, I, B, Z), with or without dashes',
  hipaa: 'health-plan-beneficiary-numbers',
  role: 'identifier',
  version: 1,
  keywords: MEDICARE_KEYWORDS,
  columnHeaders: ['mbi', 'medicare', 'medicare id', 'medicare number', 'beneficiary id'],
  patterns: [
    // The positional rules leave little room for chance: an ordinary word or number rarely fits all eleven.
    { re2: `\\b[1-9]${L}${A}[0-9]-?${L}${A}[0-9]-?${L}${L}[0-9]{2}\\b`, confidence: 'medium', label: 'MBI positional format' },
  ],
  validate: validateMbi,
  context: { window: 48, after: 8, raise: ['insurance', 'plan', 'member', 'coverage', 'part a', 'part b'], strong: MEDICARE_KEYWORDS, lower: ['serial', 'part no', 'sku', 'order', 'tracking', 'license key', 'key'] },
  examples: {
    positive: [
      { text: 'Medicare MBI: 1EG4-TE5-MK73', normalized: '1EG4TE5MK73', minConfidence: 'high' },
      { text: 'beneficiary 1EG4TE5MK73 enrolled', normalized: '1EG4TE5MK73', minConfidence: 'high' },
      { text: 'ID 9AA0AA0AA00 on file', normalized: '9AA0AA0AA00', minConfidence: 'medium' },
      { text: '1EG4TE5MK73', context: { columnHeader: 'Medicare ID' }, normalized: '1EG4TE5MK73', minConfidence: 'high' },
    ],
    negative: [
      { text: 'MBI 0EG4TE5MK73' },
      { text: 'MBI 1SG4TE5MK73' },
      { text: 'MBI 1EG4TE5MK7' },
      { text: 'MBI 1EGATE5MK73' },
    ],
  },
};

const HICN_KEYWORDS = ['hicn', 'hic', 'hic#', 'hic no', 'medicare claim number', 'health insurance claim', 'medicare', 'railroad'];

function validateHicn({ value }: MatchInput): Validation | null {
  const compact = compactId(value);
  const ssn = compact.slice(0, 9);
  return classifySsn(ssn) === 'valid' ? { normalized: compact } : null;
}

export const hicnDetector: DetectorDefinition = {
  id: 'hicn',
  name: 'Medicare health insurance claim number',
  description: 'Legacy Medicare HICNs: an SSN followed by a one- or two-character beneficiary code, with a Medicare/HICN keyword',
  hipaa: 'health-plan-beneficiary-numbers',
  role: 'identifier',
  version: 1,
  keywords: HICN_KEYWORDS,
  columnHeaders: ['hicn', 'hic', 'medicare claim number', 'hic number'],
  patterns: [
    {
      re2: '\\b[0-9]{3}-?[0-9]{2}-?[0-9]{4}[ -]?[A-Z][0-9A-Z]?\\b',
      confidence: 'medium',
      label: 'SSN with a beneficiary code',
      gated: true,
      needsContext: true,
    },
  ],
  validate: validateHicn,
  context: { window: 48, after: 8, raise: HICN_KEYWORDS, strong: ['hicn', 'hic', 'hic#', 'medicare claim number', 'health insurance claim'], lower: ['serial', 'part', 'order'] },
  examples: {
    positive: [
      { text: 'HICN: 234-56-7891A', normalized: '234567891A', minConfidence: 'high' },
      { text: 'Medicare number 234567891B1', normalized: '234567891B1', minConfidence: 'medium' },
      { text: '345678912D', context: { columnHeader: 'HICN' }, normalized: '345678912D', minConfidence: 'high' },
    ],
    negative: [
      { text: 'Part 234567891A in bin' },
      { text: 'HICN 000-12-3456A' },
      { text: 'Medicare 234-56-7891' },
    ],
  },
};
