import type { DetectorDefinition, MatchInput, Validation } from '../detector.js';
import { DATE_FORMS_RE2, isRealDate, parseDate, toIsoDate } from '../validators/date.js';

const EVENT_LABEL =
  '(?i:admission|admitted|admit|discharge|discharged|date[ ]of[ ](?:service|admission|discharge|death|visit|surgery|procedure|injury|encounter)|service[ ]date|dos|visit[ ]date|encounter[ ]date|procedure[ ]date|surgery[ ]date|seen[ ]on|date[ ]seen|deceased|expired|died|death|dod|collected|specimen[ ]date|appointment)';
const SEP = '(?:[ ]+(?i:date|on|dt))?[ \\t]*[:=-]?[ \\t]*(?:(?i:on)[ ]+)?';

function validateDate({ value, referenceDate }: MatchInput): Validation | null {
  const date = parseDate(value, referenceDate);
  if (!date || !isRealDate(date) || date.year < 1900) return null;
  // An appointment may lie ahead; a date decades away is something else.
  if (date.year > referenceDate.getUTCFullYear() + 2) return null;
  return { normalized: toIsoDate(date) };
}

export const dateDetector: DetectorDefinition = {
  id: 'date',
  name: 'Date tied to a patient',
  description: 'Admission, discharge, service, visit, procedure and death dates after their label or in such a column; low alone, medium in a file that identifies a patient',
  hipaa: 'dates',
  role: 'identifier',
  version: 1,
  keywords: ['admission', 'admitted', 'admit', 'discharge', 'discharged', 'service', 'dos', 'visit', 'encounter', 'procedure', 'surgery', 'seen', 'death', 'deceased', 'expired', 'died', 'dod', 'collected', 'appointment'],
  columnHeaders: ['admit date', 'admission date', 'discharge date', 'service date', 'date of service', 'dos', 'visit date', 'encounter date', 'date of death', 'procedure date', 'appointment date', 'recorded date', 'onset date', 'collection date'],
  patterns: [
    { re2: `\\b${EVENT_LABEL}${SEP}(?P<v>${DATE_FORMS_RE2})\\b`, confidence: 'medium', label: 'date after an encounter or death label', gated: true },
    { re2: `^[ \\t]*(?P<v>${DATE_FORMS_RE2})[ \\t]*$`, confidence: 'medium', label: 'date in an encounter-date column', scope: 'cell' },
  ],
  validate: validateDate,
  context: { window: 32, raise: [], lower: ['invoice', 'order', 'shipped', 'delivery', 'due', 'po'] },
  documentGated: true,
  examples: {
    positive: [
      { text: 'Admitted 03/14/2024, discharged 03/20/2024', normalized: '2024-03-14', minConfidence: 'low' },
      { text: 'Date of service: 2024-10-09', normalized: '2024-10-09', minConfidence: 'medium', context: { documentHasPatientIdentifier: true } },
      { text: 'Date of death: March 2, 2023', normalized: '2023-03-02', minConfidence: 'low' },
      { text: '10/09/2024', context: { columnHeader: 'Service Date' }, normalized: '2024-10-09', minConfidence: 'low' },
    ],
    negative: [
      { text: 'Invoice date 2024-03-14' },
      { text: 'Admitted 13/45/2024' },
      { text: '10/09/2024', context: { columnHeader: 'Ship Date' } },
      { text: 'Visit date: 2099-01-01' },
    ],
  },
};

/** '95 days', '92 %': the number counts something other than years. */
const OTHER_UNIT = /^[ \t]*(?:days?|weeks?|wks?|months?|mos?|hours?|hrs?|min(?:utes?)?|seconds?|%|percent|mg|ml|kg|lbs?|units?)\b/i;

function validateAge({ value, text, end }: MatchInput): Validation | null {
  if (OTHER_UNIT.test(text.slice(end, end + 12))) return null;
  const age = Number(value);
  return age >= 90 && age <= 120 ? { normalized: String(age) } : null;
}

const AGE = '(?:9[0-9]|1[01][0-9]|120)';

export const ageOver89Detector: DetectorDefinition = {
  id: 'age-over-89',
  name: 'Age over 89',
  description: 'Ages of 90 and over (Safe Harbor aggregates them into one category): "Age: 92", "92-year-old", "94 y/o"',
  hipaa: 'dates',
  role: 'identifier',
  version: 1,
  keywords: ['age', 'aged', 'year', 'years', 'yo', 'y/o', 'yrs'],
  columnHeaders: ['age', 'age (years)', 'pt age'],
  patterns: [
    { re2: `\\b(?P<v>${AGE})[ -]?(?i:y/o|yo|y\\.o\\.|yrs?[ ]old|years?[ -]old|year-old)\\b`, confidence: 'medium', label: 'NN-year-old', gated: true },
    { re2: `\\b(?i:age|aged)[ \\t]*[:=]?[ \\t]*(?P<v>${AGE})\\b`, confidence: 'medium', label: 'age after a label', gated: true },
    { re2: `^[ \\t]*(?P<v>${AGE})[ \\t]*$`, confidence: 'medium', label: 'value in an age column', scope: 'cell' },
  ],
  validate: validateAge,
  context: { window: 24, raise: ['patient', 'pt', 'female', 'male', 'woman', 'man'], lower: ['days', 'minutes', 'percent', '%', 'item', 'qty'] },
  examples: {
    positive: [
      { text: 'Age: 92   Sex: F', normalized: '92', minConfidence: 'medium' },
      { text: 'a 97-year-old woman with dyspnea', normalized: '97', minConfidence: 'medium' },
      { text: '101 y/o male', normalized: '101', minConfidence: 'medium' },
      { text: '90', context: { columnHeader: 'Age' }, normalized: '90', minConfidence: 'medium' },
    ],
    negative: [
      { text: 'Age: 89' },
      { text: 'a 45-year-old man' },
      { text: 'aged 95 days in barrels' },
      { text: '95', context: { columnHeader: 'Qty' } },
    ],
  },
};
