import type { Confidence, DetectorExample, DetectorInfo } from './types.js';

/** Keyword lists that move a match's confidence; all matched case-insensitively on word boundaries. */
export interface ContextRules {
  /** Characters before the match searched for keywords. */
  window: number;
  /** Characters after the match searched for keywords (labels usually come first, so small). */
  after?: number;
  /** Any of these nearby (or in the column header) raises one step. */
  raise: readonly string[];
  /** Any of these raises two steps: an explicit name of the identifier (e.g. 'ICD-10'). */
  strong?: readonly string[];
  /** Any of these nearby or in the header lowers one step (phone, invoice, part number, …). */
  lower: readonly string[];
}

export interface PatternSpec {
  /** RE2 source. A named group `v` marks the value when the pattern also matches a label. */
  re2: string;
  confidence: Confidence;
  /** Names the shape in the finding's reasons, e.g. 'dashed SSN'. */
  label: string;
  /**
   * 'cell': tried only on a table cell whose column header names the detector's field; the pattern
   * should anchor on the whole cell. Default 'text'.
   */
  scope?: 'text' | 'cell';
  /** Tried only when one of the detector's keywords occurs in the text or its column header. */
  gated?: boolean;
  /** A match without a raise/strong keyword nearby or a matching column header is dropped. */
  needsContext?: boolean;
  /** Context rules for this pattern only, replacing the detector's. */
  context?: ContextRules;
}

export interface MatchInput {
  /** The value (group `v`, or the whole match). */
  value: string;
  text: string;
  start: number;
  end: number;
  /** Start of the whole match, label included. */
  matchStart: number;
  columnHeader?: string;
  pattern: PatternSpec;
  referenceDate: Date;
}

/** A confidence change a validator asks for, with the reason it gives. */
export interface Adjustment {
  rule: string;
  detail: string;
  effect: 'raise' | 'lower';
  /** Caps the final confidence at this level instead of moving one step (a sample SSN is at most low). */
  cap?: Confidence;
}

export interface Validation {
  normalized: string;
  /** Keeps only this many characters of the value (a label line's trailing words are not the name). */
  length?: number;
  adjustments?: readonly Adjustment[];
}

export interface DetectorDefinition extends DetectorInfo {
  /** Prefilter for gated patterns, and what makes a text worth a closer look. */
  keywords: readonly string[];
  /** Column-header phrases saying a column holds this field: they enable the 'cell' patterns. */
  columnHeaders: readonly string[];
  patterns: readonly PatternSpec[];
  /** Checksums and range rules; null rejects the match. */
  validate(match: MatchInput): Validation | null;
  context: ContextRules;
  /**
   * Contact identifiers (phone, email, address, …) identify somebody, not necessarily a patient: alone they stay
   * low, and a file that already holds a patient identifier raises them to medium.
   */
  documentGated?: boolean;
  examples: { positive: readonly DetectorExample[]; negative: readonly DetectorExample[] };
}
