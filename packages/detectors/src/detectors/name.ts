import type { Adjustment, DetectorDefinition, MatchInput, PatternSpec, Validation } from '../detector.js';
import { findKeyword, memoByHeader, normalizeHeader } from '../text/keywords.js';
import {
  PROVIDER_CREDENTIALS,
  PROVIDER_WORDS,
  isKnownGivenName,
  isKnownSurname,
  isNonNameWord,
  splitName,
} from '../validators/names.js';

// Case-sensitive on purpose: a name is capitalized, the words around it mostly are not.
const TOKEN = "[A-Z][A-Za-z'-]+";
const INITIAL = '[A-Z]\\.?';
const NAME_SEQUENCE = `${TOKEN}(?:,[ ]?${TOKEN})?(?:[ ](?:${TOKEN}|${INITIAL})){0,3}`;
const COLON_LABEL =
  "(?i:patient(?:'s)?(?:[ ]+(?:full[ ]+|legal[ ]+)?name)?|pt\\.?(?:[ ]+name)?|(?:full|first|last|given|family|middle|legal)[ ]+name|surname|name)";

/** Words before 'Name' that make it the name of something other than a person. */
const ENTITY_WORDS = [
  'file', 'user', 'username', 'company', 'product', 'facility', 'provider', 'physician', 'doctor', 'host',
  'business', 'vendor', 'brand', 'drug', 'medication', 'device', 'plan', 'employer', 'practice', 'hospital',
  'clinic', 'account', 'item', 'part', 'project', 'field', 'column', 'table', 'server', 'domain', 'test', 'lab',
  'organization', 'org', 'group', 'team', 'department', 'dept', 'school', 'street', 'city', 'insurance', 'payer',
  'attending', 'referring', 'ordering', 'nurse', 'staff', 'sheet', 'display', 'screen', 'app', 'application',
];

function wordBefore(text: string, index: number): string {
  let end = index;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  let start = end;
  while (start > 0 && !' \t\r\n:|'.includes(text[start - 1]!)) start--;
  return text.slice(start, end).toLowerCase();
}

/** Drops trailing words that are labels or filler ('John Smith DOB'); returns the kept length. */
function trimNonNameTail(value: string): number {
  const parts = value.split(' ');
  while (parts.length > 1 && isNonNameWord(parts[parts.length - 1]!.replace(',', ''))) parts.pop();
  return parts.join(' ').length;
}

const namesProvider = memoByHeader((header) => findKeyword(normalizeHeader(header), PROVIDER_WORDS) !== undefined);
const namesEntity = memoByHeader((header) => findKeyword(normalizeHeader(header), ENTITY_WORDS) !== undefined);

function isProvider({ text, matchStart, end, columnHeader }: MatchInput): boolean {
  const before = text.slice(Math.max(0, matchStart - 32), matchStart).toLowerCase();
  if (findKeyword(before, PROVIDER_WORDS)) return true;
  return hasCredentialAfter(text, end) || (columnHeader !== undefined && namesProvider(columnHeader));
}

/** 'Susan Clark, MD' / 'Mary Jones RN': a credential right after the name. */
function hasCredentialAfter(text: string, end: number): boolean {
  if (text[end] !== ',' && text[end] !== ' ') return false;
  let from = end + 1;
  while (text[from] === ' ') from++;
  let to = from;
  while (to < text.length && to - from < 6 && !' \t\r\n,;:)'.includes(text[to]!)) to++;
  return PROVIDER_CREDENTIALS.includes(text.slice(from, to).toLowerCase());
}

function dictionaryEvidence(given: string[], surname: string[]): Adjustment | undefined {
  const singleToken = given.length + surname.length === 1;
  const givenHit = given.some(isKnownGivenName);
  const surnameHit = surname.some(isKnownSurname);
  const anyHit = givenHit || surnameHit || (singleToken && [...given, ...surname].some((t) => isKnownGivenName(t) || isKnownSurname(t)));
  if ((givenHit && surnameHit) || (singleToken && anyHit)) {
    return { rule: 'name-dictionary', effect: 'raise', detail: 'given name and surname are in the US Census name lists' };
  }
  if (!anyHit) return { rule: 'name-dictionary', effect: 'lower', detail: 'no token is in the US Census name lists' };
  return undefined;
}

const CITY_STATE_ZIP_AFTER = /^,?[ ]+[A-Z]{2}[ ]+[0-9]{5}/;

function validateName(match: MatchInput): Validation | null {
  const { pattern, text, matchStart, start } = match;
  if (pattern.label === 'name after a label' && findKeyword(wordBefore(text, matchStart), ENTITY_WORDS)) return null;
  if (match.columnHeader !== undefined && pattern.scope === 'cell' && namesEntity(match.columnHeader)) return null;
  const length = pattern.scope === 'cell' || match.value.includes('^') ? match.value.length : trimNonNameTail(match.value);
  const value = match.value.slice(0, length);
  const lastWord = value.slice(value.lastIndexOf(' ') + 1).toLowerCase();
  if (PROVIDER_CREDENTIALS.includes(lastWord) || isProvider({ ...match, end: start + length })) return null;
  const parts = splitName(value);
  if (!parts || parts.tokens.some(isNonNameWord)) return null;
  const evidence = dictionaryEvidence(parts.given, parts.surname);
  // Structure alone ('Word, Word') is too common in prose: it needs the census lists to agree.
  if ((pattern.label === 'LAST, FIRST' || pattern.label === 'lower-case name after a label') && evidence?.effect !== 'raise') return null;
  // 'Lincoln Way, Columbus, OH 43268': a street and a city, not a surname and a given name.
  if (pattern.label === 'LAST, FIRST' && CITY_STATE_ZIP_AFTER.test(text.slice(start + length, start + length + 16))) return null;
  return { normalized: parts.tokens.join(' '), length, adjustments: evidence ? [evidence] : [] };
}

const NAME_CELL: PatternSpec = {
  re2: "^[ \\t]*(?P<v>[A-Za-z][A-Za-z'.-]*(?:,?[ ]+[A-Za-z][A-Za-z'.-]*){0,3})[ \\t]*$",
  confidence: 'medium',
  label: 'value in a name column',
  scope: 'cell',
};

export const nameDetector: DetectorDefinition = {
  id: 'name',
  name: 'Patient name',
  description: "Patients' names after a label, in a name column, as LAST, FIRST or HL7 LAST^FIRST; census lists only raise",
  hipaa: 'names',
  role: 'identifier',
  version: 1,
  keywords: ['patient', 'name'],
  columnHeaders: [
    'name', 'patient', 'patient name', 'first name', 'last name', 'given name', 'surname', 'family name',
    'full name', 'middle name', 'fname', 'lname', 'first nm', 'last nm',
  ],
  patterns: [
    { re2: `\\b${COLON_LABEL}[ \\t]*[:=][ \\t]*(?P<v>${NAME_SEQUENCE})`, confidence: 'medium', label: 'name after a label' },
    { re2: `\\b(?i:patient|pt\\.?)[ ]+(?P<v>${TOKEN}(?:[ ](?:${TOKEN}|${INITIAL})){1,3})`, confidence: 'low', label: "name after 'patient'" },
    {
      // The opening of a clinical narrative: 'Mary Smith is a 67-year-old woman'.
      re2: `\\b(?P<v>${TOKEN}(?:[ ]${INITIAL})?[ ]${TOKEN})[ ]+(?:is|was)[ ]+an?[ ]+[0-9]{1,3}[- ]?(?:year|yr|y/?o)`,
      confidence: 'low',
      label: 'name before an age phrase',
    },
    {
      re2: "\\b(?i:patient[ ]+name|pt[ ]+name|patient)[ \\t]*[:=][ \\t]*(?P<v>[a-z][a-z'-]+(?:[ ][a-z][a-z'-]+){1,2})\\b",
      confidence: 'low',
      label: 'lower-case name after a label',
    },
    { re2: `\\b(?:Mr|Mrs|Ms|Miss|Mx)\\.?[ ](?P<v>${TOKEN}(?:[ ](?:${TOKEN}|${INITIAL})){0,2})`, confidence: 'low', label: 'name after a title' },
    { re2: `\\b(?P<v>${TOKEN},[ ]?${TOKEN}(?:[ ]${INITIAL})?)`, confidence: 'low', label: 'LAST, FIRST' },
    {
      // At a line's start as well as the text's, as the PID patterns are: a bare `^` would find the name only
      // where a searched stretch happens to begin, so whether it was reported hung on where the text was cut.
      re2: "(?:^|[\\r\\n]|\\|)(?P<v>[A-Z][A-Z'-]+\\^[A-Z][A-Z'-]+(?:\\^[A-Z][A-Z'-]*)?)",
      confidence: 'medium',
      label: 'HL7 LAST^FIRST^M',
    },
    NAME_CELL,
  ],
  validate: validateName,
  context: { window: 0, raise: [], lower: [] },
  examples: {
    positive: [
      { text: 'Patient: John Smith', normalized: 'JOHN SMITH', minConfidence: 'high' },
      { text: 'Patient Name: SMITH, JOHN A.', normalized: 'JOHN A SMITH', minConfidence: 'high' },
      { text: 'Pt: Mary Johnson DOB: 01/02/1970', normalized: 'MARY JOHNSON', minConfidence: 'high' },
      { text: 'Seen today: GARCIA, MARIA', normalized: 'MARIA GARCIA', minConfidence: 'medium' },
      { text: 'PID|1||123456^^^HOSP^MR||DOE^JOHN^A||19620314|M', normalized: 'JOHN A DOE', minConfidence: 'high' },
      { text: 'Robert', context: { columnHeader: 'First Name' }, normalized: 'ROBERT', minConfidence: 'high' },
      { text: 'Williams', context: { columnHeader: 'Last Name' }, normalized: 'WILLIAMS', minConfidence: 'high' },
      { text: 'Mrs. Linda Brown called', normalized: 'LINDA BROWN', minConfidence: 'medium' },
      { text: 'Matthew White is a 83-year-old man', normalized: 'MATTHEW WHITE', minConfidence: 'medium' },
      { text: 'patient name: mary smith', normalized: 'MARY SMITH', minConfidence: 'medium' },
    ],
    negative: [
      { text: 'Attending: Dr. James Wilson' },
      { text: 'Patient: John Smith', context: { columnHeader: 'Provider' } },
      { text: 'Referring physician: Susan Clark, MD' },
      { text: 'File Name: Quarterly Report' },
      { text: 'However, Brown said the blue one' },
      { text: 'Widget Pro', context: { columnHeader: 'Product Name' } },
      { text: 'James Wilson', context: { columnHeader: 'Attending Physician' } },
      { text: 'Name: Zorblax Quintar', minConfidence: 'medium' },
      { text: 'patient name: see chart' },
      { text: 'The Parts Department is a 40-year-old business', minConfidence: 'medium' },
    ],
  },
};


const RELATIVE_LABEL =
  '(?i:emergency[ ]+contact|next[ ]+of[ ]+kin|nok|guarantor|spouse|husband|wife|mother|father|guardian|parent|responsible[ ]+party|caregiver)';

/**
 * Relatives' names are Safe Harbor identifiers too, but they are not the patient: a separate id keeps them
 * out of the record rules that split a text at a second patient name.
 */
export const relativeNameDetector: DetectorDefinition = {
  id: 'relative-name',
  name: "Relative's or contact's name",
  description: 'Names after an emergency-contact, next-of-kin, guarantor, spouse, parent or guardian label, or in such a column',
  hipaa: 'names',
  role: 'identifier',
  version: 1,
  keywords: ['emergency contact', 'next of kin', 'nok', 'guarantor', 'spouse', 'husband', 'wife', 'mother', 'father', 'guardian', 'parent', 'responsible party', 'caregiver'],
  columnHeaders: ['emergency contact', 'next of kin', 'guarantor', 'guarantor name', 'spouse', 'guardian', 'emergency contact name'],
  patterns: [
    { re2: `\\b${RELATIVE_LABEL}(?:[ ]+name)?[ \\t]*[:=][ \\t]*(?P<v>${NAME_SEQUENCE})`, confidence: 'medium', label: 'name after a label', gated: true },
    NAME_CELL,
  ],
  validate: validateName,
  context: { window: 0, raise: [], lower: [] },
  examples: {
    positive: [
      { text: 'Emergency contact: Linda Brown (daughter)', normalized: 'LINDA BROWN', minConfidence: 'high' },
      { text: 'Guarantor: SMITH, JOHN', normalized: 'JOHN SMITH', minConfidence: 'high' },
      { text: 'Maria Lopez', context: { columnHeader: 'Next of Kin' }, normalized: 'MARIA LOPEZ', minConfidence: 'high' },
    ],
    negative: [
      { text: 'Emergency contact: none' },
      { text: 'Mother: Dr. Jane Wilson' },
      { text: 'Parent company: Acme Holdings' },
    ],
  },
};
