import type { DetectorDefinition, MatchInput, Validation } from '../detector.js';
import { normalizeIcd9 } from '../validators/icd.js';
import { CLINICAL_KEYWORDS, INVENTORY_KEYWORDS, continuesPastCode } from './icd10.js';

const ICD9_KEYWORDS = ['icd-9', 'icd9', 'icd 9', 'icd-9-cm', 'icd9cm'];

function validateIcd9({ value, text, start, end }: MatchInput): Validation | null {
  if (continuesPastCode(text, end) || text[start - 1] === '.' || text[start - 1] === '$') return null;
  const normalized = normalizeIcd9(value);
  return normalized ? { normalized } : null;
}

export const icd9Detector: DetectorDefinition = {
  id: 'icd9',
  name: 'ICD-9-CM diagnosis code',
  description: "ICD-9-CM v32 diagnosis codes (V and E codes included), only near an explicit 'ICD-9' keyword or in an ICD-9 column",
  hipaa: 'health-information',
  role: 'health-information',
  version: 1,
  keywords: ICD9_KEYWORDS,
  columnHeaders: ICD9_KEYWORDS,
  patterns: [
    {
      // Numeric codes collide with every other number: without ICD-9 context there is no finding at all.
      re2: '\\b(?P<v>(?:[0-9]{3}|V[0-9]{2}|E[0-9]{3})(?:\\.?[0-9]{1,2})?)\\b',
      confidence: 'low',
      label: 'ICD-9-CM code shape',
      gated: true,
      needsContext: true,
    },
  ],
  validate: validateIcd9,
  context: { window: 80, after: 24, raise: CLINICAL_KEYWORDS, strong: ICD9_KEYWORDS, lower: INVENTORY_KEYWORDS },
  examples: {
    positive: [
      { text: 'ICD-9: 250.00 diabetes', normalized: '250.00', minConfidence: 'medium' },
      { text: 'ICD9 dx V45.81', normalized: 'V45.81', minConfidence: 'high' },
      { text: 'ICD-9-CM E880.9', normalized: 'E880.9', minConfidence: 'medium' },
      { text: '4019', context: { columnHeader: 'ICD-9 Code' }, normalized: '401.9', minConfidence: 'medium' },
    ],
    negative: [
      { text: 'Diagnosis 250.00' },
      { text: 'Room 401 at 250.00 per night' },
      { text: 'ICD-9: 999.99' },
      { text: 'ICD-9: 25.000' },
    ],
  },
};
