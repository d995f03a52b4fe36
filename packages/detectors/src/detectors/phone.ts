import type { DetectorDefinition, MatchInput, PatternSpec, Validation } from '../detector.js';
import { memoByHeader, normalizeHeader } from '../text/keywords.js';

// NANP: area code and exchange start 2–9 and are not N11 service codes; the pattern says so itself, so
// '555-123-4567' never even reaches the validator.
const CODE = '[2-9](?:[02-9][0-9]|1[02-9])';
const PREFIX = '(?:\\+?1[ .-]?)?';
const AFTER = '(?:[^0-9A-Za-z-]|$)';

const PHONE_WORDS = ['phone', 'telephone', 'tel', 'ph', 'cell', 'mobile', 'home', 'work', 'call', 'contact', 'daytime', 'evening', 'primary', 'emergency contact'];
const FAX_WORDS = ['fax', 'facsimile', 'efax'];
/** 'F: (217) …' in a letterhead; a lone F elsewhere ('F17.210', 'Sex: F') says nothing. */
const F_LABEL = /(?:^|[^A-Za-z0-9.])F[:.]?[ \t]*$/;

function shapes(gatedLabel: string): PatternSpec[] {
  return [
    { re2: `(?:^|[^0-9A-Za-z])(?P<v>${PREFIX}\\(${CODE}\\)[ ]?${CODE}[-. ][0-9]{4})${AFTER}`, confidence: 'medium', label: '(NPA) NXX-XXXX' },
    { re2: `\\b(?P<v>${PREFIX}${CODE}[-.]${CODE}[-.][0-9]{4})${AFTER}`, confidence: 'medium', label: 'NPA-NXX-XXXX' },
    { re2: `\\b(?P<v>${CODE} ${CODE} [0-9]{4})\\b`, confidence: 'low', label: 'NPA NXX XXXX', gated: true, needsContext: true },
    { re2: `\\b(?P<v>1?${CODE}${CODE}[0-9]{4})\\b`, confidence: 'low', label: gatedLabel, gated: true, needsContext: true },
    { re2: `^[ \\t]*(?P<v>(?:\\+?1[ .-]?)?(?:\\(${CODE}\\)[ ]?|${CODE}[-. ]?)${CODE}[-. ]?[0-9]{4})[ \\t]*$`, confidence: 'medium', label: 'number in a phone column', scope: 'cell' },
  ];
}

function digitsOf(value: string): string {
  let out = '';
  for (const ch of value) if (ch >= '0' && ch <= '9') out += ch;
  return out.length === 11 && out[0] === '1' ? out.slice(1) : out;
}

const headerSaysFax = memoByHeader((header) => / (?:fax|facsimile) /.test(normalizeHeader(header)));

/** Whether the label nearest before the number (same line, a few words back) or the column header says fax. */
export function saysFax({ text, matchStart, columnHeader }: MatchInput): boolean {
  if (columnHeader !== undefined && headerSaysFax(columnHeader)) return true;
  let lineStart = matchStart;
  while (lineStart > 0 && matchStart - lineStart < 40 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r') lineStart--;
  if (F_LABEL.test(text.slice(Math.max(lineStart, matchStart - 4), matchStart))) return true;
  const words = text.slice(lineStart, matchStart).toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 0);
  for (let i = words.length - 1; i >= 0; i--) {
    if (FAX_WORDS.includes(words[i]!)) return true;
    if (PHONE_WORDS.includes(words[i]!) || words[i] === 'p' || words[i] === 't') return false;
  }
  return false;
}

function validateNanp(match: MatchInput, wantFax: boolean): Validation | null {
  const { text, start, end, value } = match;
  if (isDigitRunAround(text, start, end)) return null;
  const digits = digitsOf(value);
  if (digits.length !== 10) return null;
  if (saysFax(match) !== wantFax) return null;
  // 555-0100 to 555-0199 are reserved for fiction and examples.
  if (digits.slice(3, 6) === '555' && digits.slice(6, 8) === '01') {
    return { normalized: digits, adjustments: [{ rule: 'sample-value', effect: 'lower', cap: 'low', detail: 'a 555-01XX number reserved for fiction' }] };
  }
  return { normalized: digits };
}

/** A phone shape glued to more digits by a separator ('1-217-482-3100-7') is a longer number. */
function isDigitRunAround(text: string, start: number, end: number): boolean {
  const isDigit = (ch: string | undefined) => ch !== undefined && ch >= '0' && ch <= '9';
  if ((text[start - 1] === '-' || text[start - 1] === '.') && isDigit(text[start - 2])) return true;
  if ((text[end] === '-' || text[end] === '.') && isDigit(text[end + 1])) return true;
  return false;
}

const LOWER = ['npi', 'order', 'invoice', 'account', 'acct', 'serial', 'tracking', 'mrn', 'ssn', 'routing'];

export const phoneDetector: DetectorDefinition = {
  id: 'phone',
  name: 'Telephone number',
  description: 'North American telephone numbers (NANP rules); low alone, medium in a file that identifies a patient',
  hipaa: 'telephone-numbers',
  role: 'identifier',
  version: 1,
  keywords: ['phone', 'telephone', 'tel', 'cell', 'mobile', 'ph'],
  columnHeaders: ['phone', 'telephone', 'tel', 'cell', 'mobile', 'home phone', 'work phone', 'contact number', 'phone number'],
  patterns: shapes('ten bare digits after a phone keyword'),
  validate: (match) => validateNanp(match, false),
  context: { window: 32, raise: ['phone', 'telephone', 'tel', 'ph', 'cell', 'mobile', 'home', 'contact', 'call'], lower: LOWER },
  documentGated: true,
  examples: {
    positive: [
      { text: 'Phone: (217) 482-3100', normalized: '2174823100', minConfidence: 'low' },
      { text: 'Home 217-555-2368', normalized: '2175552368', minConfidence: 'medium', context: { documentHasPatientIdentifier: true } },
      { text: 'Call +1 608.274.9981 after 5', normalized: '6082749981', minConfidence: 'low' },
      { text: 'cell 6082749981', normalized: '6082749981', minConfidence: 'low' },
      { text: '(804) 312-7788', context: { columnHeader: 'Home Phone' }, normalized: '8043127788', minConfidence: 'low' },
    ],
    negative: [
      { text: 'call 555-123-4567' },
      { text: 'Fax: (217) 482-3199' },
      { text: 'Order 217-482-3100-22 shipped' },
      { text: '(211) 482-3100 and (217) 911-3100' },
      { text: 'SSN 234-56-7891' },
      { text: 'Phone: (217) 555-0142', minConfidence: 'medium', context: { documentHasPatientIdentifier: true } },
      { text: 'Reference 6082749981 attached' },
    ],
  },
};

export const faxDetector: DetectorDefinition = {
  id: 'fax',
  name: 'Fax number',
  description: 'Fax numbers: NANP numbers whose nearest label (or column) says fax; Safe Harbor lists them apart from phones',
  hipaa: 'fax-numbers',
  role: 'identifier',
  version: 1,
  keywords: ['fax', 'facsimile', 'efax', 'f'],
  columnHeaders: ['fax', 'fax number', 'facsimile'],
  patterns: shapes('ten bare digits after a fax keyword').map((p) => (p.scope === 'cell' ? p : { ...p, gated: true, needsContext: true })),
  validate: (match) => validateNanp(match, true),
  context: { window: 32, raise: ['fax', 'facsimile', 'efax', 'f:', 'f'], lower: LOWER },
  documentGated: true,
  examples: {
    positive: [
      { text: 'Fax: (217) 482-3199', normalized: '2174823199', minConfidence: 'low' },
      { text: 'Tel (217) 482-3100   Fax (217) 482-3199', normalized: '2174823199', minConfidence: 'medium', context: { documentHasPatientIdentifier: true } },
      { text: '608-274-9982', context: { columnHeader: 'Fax' }, normalized: '6082749982', minConfidence: 'low' },
      { text: 'T: (217) 482-3100  F: (217) 482-3199', normalized: '2174823199', minConfidence: 'low' },
    ],
    negative: [
      { text: 'Phone: (217) 482-3100' },
      { text: 'Fax: (217) 111-3199' },
      { text: 'fax cover sheet, 3 pages, call 217-482-3100' },
      { text: 'uncomplicated (F17.210). Best number is 518-964-8639' },
    ],
  },
};
