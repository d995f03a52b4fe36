/** How sure a detector is that a match is the identifier it names. */
export type Confidence = 'low' | 'medium' | 'high';

export const CONFIDENCE_ORDER: Readonly<Record<Confidence, number>> = { low: 0, medium: 1, high: 2 };

/**
 * The HIPAA Safe Harbor identifier (45 CFR 164.514(b)(2)) or health-information class a detector finds.
 * Health information is not an identifier by itself; a record that pairs it with one is PHI.
 */
export type HipaaCategory =
  | 'names'
  | 'geographic-subdivisions'
  | 'dates'
  | 'telephone-numbers'
  | 'fax-numbers'
  | 'email-addresses'
  | 'social-security-numbers'
  | 'medical-record-numbers'
  | 'health-plan-beneficiary-numbers'
  | 'account-numbers'
  | 'certificate-license-numbers'
  | 'vehicle-identifiers'
  | 'device-identifiers'
  | 'urls'
  | 'ip-addresses'
  | 'biometric-identifiers'
  | 'photographs'
  | 'other-unique-identifiers'
  | 'health-information';

/** What a detector's finding is, for grouping findings into patient records. */
export type FindingRole = 'identifier' | 'health-information';

/** Why a finding has the confidence it has: one line per rule that fired, readable by a person. */
export interface ConfidenceReason {
  /** e.g. 'pattern', 'validator', 'keyword', 'negative-keyword', 'column-header', 'document-context', 'sample-value' */
  rule: string;
  effect: 'raise' | 'lower' | 'base';
  /** Human-readable, never contains the matched value (it may name the keyword that fired). */
  detail: string;
}

export interface Finding {
  /** Stable detector id, e.g. 'ssn'. */
  detector: string;
  hipaa: HipaaCategory;
  role: FindingRole;
  /** Offsets into the input as given: UTF-16 code units for a string input. `end` is exclusive. */
  start: number;
  end: number;
  /** 1-based line and column (column in UTF-16 code units) of `start` within the input. */
  line: number;
  column: number;
  /** The matched text exactly as it appears in the input. Raw PHI: callers mask it before it leaves. */
  value: string;
  /** A canonical form for comparing values: digits only for SSN, ISO date for DOB, dotted upper-case ICD code, upper-case name tokens. */
  normalized: string;
  confidence: Confidence;
  /** The context that set, raised or lowered the confidence. */
  reasons: ConfidenceReason[];
}

/** Facts the caller knows about where the text sits; all of them count as context. */
export interface DetectContext {
  /** Column header of the table cell the text came from (CSV, XLSX), if any. */
  columnHeader?: string;
  /** The whole document already holds a patient identifier (raises weak, context-gated detectors such as ICD codes). */
  documentHasPatientIdentifier?: boolean;
}

export interface DetectOptions extends DetectContext {
  /** Drop findings below this confidence. Default 'low' (keep everything) at the library level. */
  minConfidence?: Confidence;
  /** Only run these detector ids (default: all built-ins). */
  detectors?: readonly string[];
}

/** A detector's own worked examples; one generic test runs every detector's examples. */
export interface DetectorExample {
  text: string;
  context?: DetectContext;
  /** For positives: the normalized value expected, and the minimum confidence expected. */
  normalized?: string;
  minConfidence?: Confidence;
}

export interface DetectorInfo {
  id: string;
  name: string;
  description: string;
  hipaa: HipaaCategory;
  role: FindingRole;
  version: number;
}
