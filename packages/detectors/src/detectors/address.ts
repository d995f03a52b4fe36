import type { DetectorDefinition, MatchInput, Validation } from '../detector.js';

const SUFFIX =
  '(?i:street|st|avenue|ave|road|rd|drive|dr|lane|ln|court|ct|boulevard|blvd|way|place|pl|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|trail|trl|square|sq|loop|pike|alley|aly|plaza|plz|crossing|xing)';
const DIRECTION = '(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West|NORTH|SOUTH|EAST|WEST)';
const STREET_WORD = "(?:[A-Z][A-Za-z'-]*|[0-9]{1,3}(?i:st|nd|rd|th))";
const UNIT = '(?:,?[ ]+(?i:apt|apartment|suite|ste|unit|bldg|building|floor|fl|rm|room|#)\\.?[ ]*#?[ ]*[0-9A-Za-z-]{1,6})';
const STATES =
  'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI';
const CITY_STATE_ZIP = `(?:,?[ ]+[A-Z][A-Za-z.'-]*(?:[ ][A-Z][A-Za-z.'-]*){0,2},?[ ]+(?:${STATES})\\.?[ ]+[0-9]{5}(?:-[0-9]{4})?)`;

const STREET = `[0-9]{1,6}(?:-?[A-Z])?[ ]+(?:${DIRECTION}\\.?[ ]+)?(?:${STREET_WORD}[ ]+){1,3}${SUFFIX}\\b\\.?(?:[ ]+${DIRECTION}\\b)?${UNIT}?${CITY_STATE_ZIP}?`;
const PO_BOX = `(?i:p\\.?[ ]?o\\.?[ ]?box|post[ ]office[ ]box)[ ]+[0-9]{1,6}${CITY_STATE_ZIP}?`;

/** Upper case, one space between words, no commas or periods: '1200 Oak Ave., Suite 300' → '1200 OAK AVE SUITE 300'. */
export function normalizeAddress(value: string): string {
  return value.toUpperCase().replace(/[.,]/g, ' ').split(/\s+/).filter(Boolean).join(' ');
}

function validateAddress({ value, pattern }: MatchInput): Validation | null {
  if (pattern.label === 'ZIP code in a ZIP column') return value.trim().startsWith('00000') ? null : { normalized: value.trim() };
  // Trailing punctuation of the sentence is not part of the address.
  const trimmed = value.replace(/[ ,.]+$/, '');
  return { normalized: normalizeAddress(trimmed), length: trimmed.length };
}

export const addressDetector: DetectorDefinition = {
  id: 'address',
  name: 'Street address',
  description: 'US street addresses (number, street, suffix, unit, city, state, ZIP), PO boxes, and ZIP codes in a ZIP column; low alone, medium in a file that identifies a patient',
  hipaa: 'geographic-subdivisions',
  role: 'identifier',
  version: 1,
  keywords: ['address', 'addr', 'street', 'residence', 'home', 'lives'],
  columnHeaders: ['zip', 'zip code', 'zipcode', 'postal code', 'postcode'],
  patterns: [
    { re2: `\\b(?P<v>${STREET})`, confidence: 'medium', label: 'street address' },
    { re2: `\\b(?P<v>${PO_BOX})\\b`, confidence: 'medium', label: 'PO box' },
    { re2: '^[ \\t]*(?P<v>[0-9]{5}(?:-[0-9]{4})?)[ \\t]*$', confidence: 'medium', label: 'ZIP code in a ZIP column', scope: 'cell' },
  ],
  validate: validateAddress,
  context: { window: 32, raise: ['address', 'addr', 'street', 'residence', 'home', 'lives at', 'mailing'], lower: ['suite', 'office', 'clinic', 'hospital', 'warehouse'] },
  documentGated: true,
  examples: {
    positive: [
      { text: 'Address: 742 Maple Ave, Springfield, IL 62704', normalized: '742 MAPLE AVE SPRINGFIELD IL 62704', minConfidence: 'low' },
      { text: 'lives at 18 N. Cedar Street Apt 4B', normalized: '18 N CEDAR STREET APT 4B', minConfidence: 'medium', context: { documentHasPatientIdentifier: true } },
      { text: 'Mail to PO Box 1123, Boise, ID 83702', normalized: 'PO BOX 1123 BOISE ID 83702', minConfidence: 'low' },
      { text: '4410 Highland Blvd', normalized: '4410 HIGHLAND BLVD', minConfidence: 'low' },
      { text: '62704-1234', context: { columnHeader: 'ZIP' }, normalized: '62704-1234', minConfidence: 'low' },
    ],
    negative: [
      { text: 'take 2 tablets daily' },
      { text: 'Order 55123 shipped on 3/14/2024' },
      { text: '62704', context: { columnHeader: 'Qty' } },
      { text: 'Room 12 is free' },
      { text: 'Problems: 10 Post-traumatic stress disorder; 4 Long term use of insulin' },
    ],
  },
};
