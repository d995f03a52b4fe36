import type { DetectorDefinition, MatchInput, Validation } from '../detector.js';
import { DATE_FORMS_RE2, isPlausibleBirthDate, parseDate, toIsoDate } from '../validators/date.js';

const BIRTH_LABEL = '(?i:dob|d\\.o\\.b\\.?|date[ ]+of[ ]+birth|birth[ ]?date|birth[ ]?day|b-?day)';
const SEPARATOR = '[ \\t]*[:=-]?[ \\t]*';

function validateDob({ value, referenceDate }: MatchInput): Validation | null {
  const date = parseDate(value, referenceDate);
  if (!date || !isPlausibleBirthDate(date, referenceDate)) return null;
  return { normalized: toIsoDate(date) };
}

export const dobDetector: DetectorDefinition = {
  id: 'dob',
  name: 'Date of birth',
  description: 'Dates of birth: a real, past date after a birth label (DOB, Date of Birth, Born) or in a DOB column',
  hipaa: 'dates',
  role: 'identifier',
  version: 1,
  keywords: ['dob', 'birth', 'born'],
  columnHeaders: ['dob', 'd.o.b.', 'date of birth', 'birth date', 'birthdate', 'birthday', 'birth dt', 'born', 'birth'],
  patterns: [
    { re2: `\\b${BIRTH_LABEL}${SEPARATOR}(?P<v>${DATE_FORMS_RE2})\\b`, confidence: 'high', label: 'date after a birth label' },
    { re2: `\\b(?i:born)(?:[ ]+(?i:on))?[ ]+(?P<v>${DATE_FORMS_RE2})\\b`, confidence: 'medium', label: "date after 'born'" },
    { re2: `^[ \\t]*(?P<v>${DATE_FORMS_RE2})[ \\t]*$`, confidence: 'high', label: 'date in a DOB column', scope: 'cell' },
    // HL7 v2 PID-7 is the date/time of birth; the time of day, if any, is not part of the date.
    { re2: '(?:^|[\\r\\n])PID(?:\\|[^|\\r\\n]*){6}\\|(?P<v>(?:19|20)[0-9]{6})', confidence: 'high', label: 'HL7 PID-7 birth date' },
  ],
  validate: validateDob,
  context: { window: 40, raise: [], lower: [] },
  examples: {
    positive: [
      { text: 'DOB: 03/14/1962', normalized: '1962-03-14', minConfidence: 'high' },
      { text: 'D.O.B. 3/14/62', normalized: '1962-03-14', minConfidence: 'high' },
      { text: 'Date of Birth: 1962-03-14', normalized: '1962-03-14', minConfidence: 'high' },
      { text: 'Birthdate March 14, 1962', normalized: '1962-03-14', minConfidence: 'high' },
      { text: 'DOB 14-Mar-1962', normalized: '1962-03-14', minConfidence: 'high' },
      { text: 'DOB: 19620314', normalized: '1962-03-14', minConfidence: 'high' },
      { text: 'The patient was born on July 4, 1950 in Ohio', normalized: '1950-07-04', minConfidence: 'medium' },
      { text: '03/14/1962', context: { columnHeader: 'Date of Birth' }, normalized: '1962-03-14', minConfidence: 'high' },
      { text: 'PID|1||12345^^^HOSP^MR||DOE^JOHN^A||19620314|M', normalized: '1962-03-14', minConfidence: 'high' },
    ],
    negative: [
      { text: 'Date of service: 03/14/2022' },
      { text: 'DOB: 02/30/1980' },
      { text: 'DOB: 01/01/2999' },
      { text: 'DOB: 01/01/1850' },
      { text: '03/14/1962', context: { columnHeader: 'Admit Date' } },
      { text: 'Invoice dated 1962-03-14' },
    ],
  },
};
