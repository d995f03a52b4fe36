import type { ContextRules, DetectorDefinition, MatchInput, Validation } from '../detector.js';

const MRN_VALUE = '[A-Za-z]{0,3}-?[0-9][0-9-]{3,13}[0-9A-Za-z]?';
const STRONG_LABEL = '(?i:mrn|mr#|mr[ ]?no\\.?|medical[ ]+record(?:[ ]+(?:number|num|no\\.?|#))?|med\\.?[ ]?rec\\.?(?:[ ]?(?:no\\.?|number|#))?)';
const WEAK_LABEL = '(?i:chart(?:[ ]?(?:#|no\\.?|number))?|patient[ ]?(?:id|#|no\\.?|number)|pt\\.?[ ]?(?:id|#))';
// Account numbers are the account-number detector's; an encounter number is medical only in clinical text.
const ENCOUNTER_LABEL = '(?i:encounter[ ]?(?:#|no\\.?|number|id)?|visit[ ]?(?:#|no\\.?|id))';
const SEPARATOR = '[ \\t]*[:#=]?[ \\t]*';

/** Encounter numbers are medical only where the text is clinical. */
const CLINICAL_CONTEXT: ContextRules = {
  window: 80,
  after: 40,
  raise: ['patient', 'pt', 'clinic', 'hospital', 'admission', 'admit', 'discharge', 'mrn', 'diagnosis', 'medical', 'inpatient', 'outpatient', 'ed visit', 'emergency'],
  lower: ['invoice', 'order', 'tracking', 'shipping', 'customer', 'vendor', 'bank', 'routing'],
};

const MRN_LOWER = ['invoice', 'order', 'tracking', 'shipping', 'routing', 'phone', 'fax', 'part', 'sku', 'serial'];

function isDashedDate(value: string): boolean {
  const parts = value.split('-');
  return parts.length === 3 && parts.every((p) => p.length > 0 && [...p].every((ch) => ch >= '0' && ch <= '9')) && (parts[0]!.length === 4 || parts[2]!.length === 4);
}

/** 5–12 characters once spaces and dashes go, mostly digits, letters only as a prefix. */
export function normalizeMrn(value: string): string | null {
  // 'MRN: 2024-01-15' is a date in the MRN field, not the number.
  if (isDashedDate(value)) return null;
  let compact = '';
  for (const ch of value) if (ch !== '-' && ch !== ' ') compact += ch;
  compact = compact.toUpperCase();
  if (compact.length < 5 || compact.length > 12) return null;
  let digits = 0;
  for (const ch of compact) if (ch >= '0' && ch <= '9') digits++;
  if (digits * 2 <= compact.length || digits < 4) return null;
  return compact;
}

function validateMrn({ value, pattern }: MatchInput): Validation | null {
  // A site's own format is authoritative: it only has to be a plausible identifier length.
  if (pattern.label === 'site MRN format') {
    const compact = value.replaceAll(' ', '').toUpperCase();
    return compact.length > 0 ? { normalized: compact } : null;
  }
  const normalized = normalizeMrn(value);
  return normalized ? { normalized } : null;
}

export const MRN_STRONG_KEYWORDS = ['mrn', 'mr#', 'medical record', 'med rec', 'mr no'];

export const mrnDetector: DetectorDefinition = {
  id: 'mrn',
  name: 'Medical record number',
  description: 'Medical record numbers after a label (MRN, Medical Record Number, Chart #, Patient ID, clinical Encounter #) or in an MRN column',
  hipaa: 'medical-record-numbers',
  role: 'identifier',
  version: 1,
  keywords: MRN_STRONG_KEYWORDS,
  columnHeaders: ['mrn', 'medical record', 'med rec', 'mr#', 'chart', 'chart#', 'patient id', 'patient number', 'pt id', 'patient#'],
  patterns: [
    { re2: `\\b${STRONG_LABEL}${SEPARATOR}(?P<v>${MRN_VALUE})\\b`, confidence: 'high', label: 'medical record number label' },
    { re2: `\\b${WEAK_LABEL}${SEPARATOR}(?P<v>${MRN_VALUE})\\b`, confidence: 'medium', label: 'chart or patient ID label' },
    {
      re2: `\\b${ENCOUNTER_LABEL}${SEPARATOR}(?P<v>${MRN_VALUE})\\b`,
      confidence: 'low',
      label: 'encounter label',
      context: CLINICAL_CONTEXT,
    },
    { re2: `^[ \\t]*(?P<v>${MRN_VALUE})[ \\t]*$`, confidence: 'medium', label: 'value in an MRN column', scope: 'cell' },
    // HL7 v2 PID-3: the first identifier of the patient identifier list.
    { re2: `(?:^|[\\r\\n])PID\\|[^|\\r\\n]*\\|[^|\\r\\n]*\\|(?P<v>[A-Za-z0-9-]{4,20})`, confidence: 'high', label: 'HL7 PID-3 patient identifier' },
  ],
  validate: validateMrn,
  context: { window: 40, raise: MRN_STRONG_KEYWORDS, lower: MRN_LOWER },
  examples: {
    positive: [
      { text: 'MRN: 00123456', normalized: '00123456', minConfidence: 'high' },
      { text: 'Medical Record Number 4455667', normalized: '4455667', minConfidence: 'high' },
      { text: 'Chart #: A-1029384', normalized: 'A1029384', minConfidence: 'medium' },
      { text: 'Patient ID: 7788990', normalized: '7788990', minConfidence: 'medium' },
      { text: 'Admission for patient, Encounter # 55512345', normalized: '55512345', minConfidence: 'medium' },
      { text: '00991122', context: { columnHeader: 'MRN' }, normalized: '00991122', minConfidence: 'high' },
      { text: 'MSH|^~\\&|EPIC\rPID|1||889900^^^HOSP^MR||DOE^JANE', normalized: '889900', minConfidence: 'high' },
    ],
    negative: [
      { text: 'Invoice 12345678 due' },
      { text: 'MRN: 1234' },
      { text: 'Order #: 5551234' },
      { text: '00991122', context: { columnHeader: 'Invoice' } },
      { text: 'MRN: ABCDEF12' },
    ],
  },
};
