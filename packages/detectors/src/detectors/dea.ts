import type { DetectorDefinition, MatchInput, Validation } from '../detector.js';
import { deaValid } from '../validators/checksums.js';

const DEA_KEYWORDS = ['dea', 'dea#', 'dea no', 'dea number', 'dea registration'];

function validateDea({ value }: MatchInput): Validation | null {
  return deaValid(value) ? { normalized: value } : null;
}

export const deaDetector: DetectorDefinition = {
  id: 'dea',
  name: 'DEA registration number',
  description: 'DEA registration numbers: registrant letter, letter, seven digits with the DEA check digit; a DEA keyword raises',
  hipaa: 'certificate-license-numbers',
  role: 'identifier',
  version: 1,
  keywords: DEA_KEYWORDS,
  columnHeaders: ['dea', 'dea number', 'dea no', 'dea #'],
  patterns: [{ re2: '\\b[ABCDEFGHJKLMPRSTUX][A-Z9][0-9]{7}\\b', confidence: 'low', label: 'DEA number shape with a valid check digit' }],
  validate: validateDea,
  context: {
    window: 40,
    after: 8,
    raise: ['prescriber', 'provider', 'physician', 'controlled', 'schedule', 'rx', 'prescription', 'dr', 'md'],
    strong: DEA_KEYWORDS,
    lower: ['part', 'sku', 'item', 'order', 'invoice', 'serial', 'model'],
  },
  examples: {
    positive: [
      { text: 'DEA# AB1234563', normalized: 'AB1234563', minConfidence: 'high' },
      { text: 'Prescriber FS9876547 signed', normalized: 'FS9876547', minConfidence: 'medium' },
      { text: 'BJ4567890', context: { columnHeader: 'DEA Number' }, normalized: 'BJ4567890', minConfidence: 'high' },
    ],
    negative: [
      { text: 'DEA# AB1234564' },
      { text: 'DEA# ZB1234563' },
      { text: 'Part AB1234563 in stock', minConfidence: 'medium' },
      { text: 'DEA AB12345630' },
    ],
  },
};
