import type { DetectorDefinition, MatchInput, Validation } from '../detector.js';
import { countDigits, vinValid } from '../validators/checksums.js';

function validateVin({ value }: MatchInput): Validation | null {
  const vin = value.toUpperCase();
  // Hex hashes and long part codes pass the check digit one time in eleven; a VIN mixes letters and digits.
  if (!vinValid(vin) || countDigits(vin) < 4 || countDigits(vin) > 14) return null;
  return { normalized: vin };
}

export const vinDetector: DetectorDefinition = {
  id: 'vin',
  name: 'Vehicle identification number',
  description: 'VINs: 17 characters without I, O, Q whose position-9 check digit holds; low without vehicle context',
  hipaa: 'vehicle-identifiers',
  role: 'identifier',
  version: 1,
  keywords: ['vin', 'vehicle', 'car', 'auto', 'plate'],
  columnHeaders: ['vin', 'vehicle id', 'vehicle identification number'],
  patterns: [{ re2: '\\b[A-HJ-NPR-Z0-9]{17}\\b', confidence: 'low', label: 'VIN shape with a valid check digit' }],
  validate: validateVin,
  context: { window: 48, after: 8, raise: ['vehicle', 'car', 'auto', 'truck', 'motor', 'insurance claim', 'accident', 'mva'], strong: ['vin', 'vehicle identification'], lower: ['hash', 'sha', 'md5', 'checksum', 'token'] },
  examples: {
    positive: [
      { text: 'VIN: 1M8GDM9AXKP042788', normalized: '1M8GDM9AXKP042788', minConfidence: 'high' },
      { text: 'car in the MVA: 1HGCM82633A004352', normalized: '1HGCM82633A004352', minConfidence: 'medium' },
      { text: '1HGCM82633A004352', context: { columnHeader: 'VIN' }, normalized: '1HGCM82633A004352', minConfidence: 'high' },
    ],
    negative: [
      { text: 'VIN: 1M8GDM9AYKP042788' },
      { text: 'VIN: 1M8GDM9AXKP04278' },
      { text: 'VIN: 1M8GDM9AXKP0427880' },
      { text: 'vehicle 11111111111111111 towed' },
    ],
  },
};
