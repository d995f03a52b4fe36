import type { DetectorDefinition, MatchInput, Validation } from '../detector.js';
import { icd10CategoryRe2, normalizeIcd10 } from '../validators/icd.js';

export const CLINICAL_KEYWORDS = [
  'dx', 'ddx', 'diagnosis', 'diagnoses', 'diag', 'assessment', 'problem list', 'problems', 'impression',
  'principal', 'secondary', 'admitting', 'condition', 'conditions', 'hcc', 'claim', 'icd', 'dg1',
];
export const INVENTORY_KEYWORDS = [
  'part', 'part no', 'p/n', 'pn', 'sku', 'item', 'model', 'serial', 'catalog', 'cat no', 'inventory', 'stock',
  'qty', 'quantity', 'lot', 'version', 'rev', 'bin', 'shelf', 'warehouse', 'product', 'vin', 'flight', 'room',
];

function isAlphanumeric(ch: string | undefined): boolean {
  return ch !== undefined && ((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'));
}

/** `\b` stops 'E11.99999' at 'E11': a code followed by more dotted characters is some other identifier. */
export function continuesPastCode(text: string, end: number): boolean {
  return (text[end] === '.' || text[end] === '-') && isAlphanumeric(text[end + 1]);
}

function segmentStart(text: string, index: number): number {
  // Segments are short; the bound keeps a long unbroken text from costing a scan per match.
  const limit = Math.max(0, index - 4096);
  let i = index;
  while (i > limit && text[i - 1] !== '\r' && text[i - 1] !== '\n') i--;
  return i;
}

/**
 * In HL7 v2 only DG1-3 holds the diagnosis code: 'ADT^A01' in MSH is a message type and the 'I10' in DG1-2
 * or after the code names the coding system.
 */
export function isHl7NonDiagnosisField(text: string, start: number): boolean {
  // Only a field or component separator right before the code can make it an HL7 field value.
  if (text[start - 1] !== '|' && text[start - 1] !== '^') return false;
  const segment = segmentStart(text, start);
  const type = text.slice(segment, segment + 4);
  if (type === 'MSH|') return true;
  if (type !== 'DG1|') return false;
  let fields = 0;
  for (let i = segment; i < start; i++) if (text[i] === '|') fields++;
  return fields !== 3 || text[start - 1] !== '|';
}

/** An HL7 field the extractor could not name ('EVN-1'): DG1-3 always has a name, so this is not the diagnosis. */
const UNNAMED_HL7_FIELD = /^[A-Z][A-Z0-9]{2}-[0-9]+$/;

function validateIcd10({ value, text, start, end, columnHeader }: MatchInput): Validation | null {
  if (continuesPastCode(text, end) || isHl7NonDiagnosisField(text, start)) return null;
  // After a component separator a code is a message type ('ADT^A04') or a coding system ('…^I10'), never
  // the diagnosis, which is the first component of its field.
  if (text[start - 1] === '^') return null;
  if (columnHeader !== undefined && UNNAMED_HL7_FIELD.test(columnHeader.trim())) return null;
  const normalized = normalizeIcd10(value);
  return normalized ? { normalized } : null;
}

export const icd10Detector: DetectorDefinition = {
  id: 'icd10',
  name: 'ICD-10-CM diagnosis code',
  description: 'ICD-10-CM codes valid in FY2024–FY2026; low unless in clinical context (Dx, Diagnosis, ICD-10, an ICD column)',
  hipaa: 'health-information',
  role: 'health-information',
  version: 1,
  keywords: CLINICAL_KEYWORDS,
  columnHeaders: ['icd', 'icd-10', 'icd10', 'icd-10-cm', 'dx', 'dx code', 'diagnosis', 'diagnosis code', 'diag code'],
  patterns: [{ re2: `\\b(?P<v>(?:${icd10CategoryRe2()})(?:\\.?[0-9A-Z]{1,4})?)\\b`, confidence: 'low', label: 'ICD-10-CM code shape' }],
  validate: validateIcd10,
  context: {
    window: 60,
    after: 24,
    raise: CLINICAL_KEYWORDS,
    strong: ['icd-10', 'icd10', 'icd-10-cm', 'icd 10'],
    lower: INVENTORY_KEYWORDS,
  },
  examples: {
    positive: [
      { text: 'Diagnosis: E11.9 Type 2 diabetes', normalized: 'E11.9', minConfidence: 'medium' },
      { text: 'ICD-10: J45.909', normalized: 'J45.909', minConfidence: 'high' },
      { text: 'Dx E119', normalized: 'E11.9', minConfidence: 'medium' },
      { text: 'U07.1', context: { columnHeader: 'ICD-10 Code' }, normalized: 'U07.1', minConfidence: 'high' },
      { text: 'Assessment: S72.001A fall at home', normalized: 'S72.001A', minConfidence: 'medium' },
      { text: 'code E11.9 appears', normalized: 'E11.9', minConfidence: 'low' },
      { text: 'PID|1||123\rDG1|1|I10|E11.9^Type 2 diabetes^I10||', normalized: 'E11.9', minConfidence: 'medium' },
    ],
    negative: [
      { text: 'Diagnosis: Z99.99X' },
      { text: 'Dx: E11.99999' },
      { text: 'Part number E11.9 in bin 4', minConfidence: 'medium' },
      { text: 'E11.9', context: { columnHeader: 'SKU' }, minConfidence: 'medium' },
      { text: 'Model A10 shipped', minConfidence: 'medium' },
      { text: 'Dx: e11.9' },
      { text: 'MSH|^~\\&|EPIC|HOSP|||202401011200||ADT^A01|123|P|2.5' },
    ],
  },
};
