import { BUILTIN_DETECTORS } from '../detectors/index.js';
import type { Finding } from '../types.js';
import { atLeast } from './confidence.js';

/**
 * Detector ids whose findings identify a patient. MBI and HICN are issued to one beneficiary each; phone,
 * email, address and the like identify somebody, but a clinic's own phone number is in every letter it sends.
 */
export const PATIENT_IDENTIFIER_DETECTORS: readonly string[] = ['ssn', 'mrn', 'name', 'dob', 'mbi', 'hicn'];

/**
 * Findings that a patient identifier elsewhere in the document makes credible: ICD-10 codes (icd9 needs its
 * own context) and the contact identifiers that stay low alone.
 */
const DOCUMENT_GATED_DETECTORS: ReadonlySet<string> = new Set(['icd10', ...BUILTIN_DETECTORS.filter((d) => d.documentGated).map((d) => d.id)]);

export function hasPatientIdentifier(findings: readonly Finding[]): boolean {
  return findings.some((f) => PATIENT_IDENTIFIER_DETECTORS.includes(f.detector) && atLeast(f.confidence, 'medium'));
}

/** Raises one low, context-gated finding to medium; a finding that its own context lowered stays low. */
export function raiseForDocument(finding: Finding): Finding {
  if (!DOCUMENT_GATED_DETECTORS.has(finding.detector) || finding.confidence !== 'low') return finding;
  if (finding.reasons.some((r) => r.effect === 'lower' && r.rule !== 'needs-patient-context')) return finding;
  return {
    ...finding,
    confidence: 'medium',
    reasons: [...finding.reasons, { rule: 'document-context', effect: 'raise', detail: 'the document also holds a patient identifier' }],
  };
}

/**
 * Document-level context: once a document holds a patient identifier at >= medium (ssn, mrn, name, dob, mbi,
 * hicn), raise context-gated findings (icd10, phone, email, address, dates, …) from low to medium. Pure:
 * returns a new array.
 */
export function applyDocumentContext(findings: Finding[]): Finding[] {
  return hasPatientIdentifier(findings) ? findings.map(raiseForDocument) : [...findings];
}
