import RE2 from 're2';
import type { DetectorDefinition, MatchInput, PatternSpec, Validation } from '../detector.js';
import { escapeRe2 } from '../text/keywords.js';
import { CONFIDENCE_ORDER, type Confidence, type HipaaCategory } from '../types.js';
import { compactId, deaValid, luhnValid, mbiValid, npiValid, vinValid } from '../validators/checksums.js';
import { classifySsn } from '../validators/ssn.js';

/** Built-in check-digit and range rules a custom detector may reuse, over the value's letters and digits. */
export const CUSTOM_VALIDATORS = ['none', 'luhn', 'npi', 'dea', 'mbi', 'vin', 'ssn'] as const;
export type CustomValidator = (typeof CUSTOM_VALIDATORS)[number];

/** A detector from the operator's configuration: data only, so it can come from a JSON file. */
export interface CustomDetectorConfig {
  /** Stable id, lower-case letters, digits and dashes; must not clash with a built-in. */
  id: string;
  name?: string;
  description?: string;
  /** RE2 sources; a named group `v` marks the value when the pattern also matches a label. */
  patterns: readonly string[];
  /** Words that raise a match one step when found within `window` characters before it. */
  keywords?: readonly string[];
  /** Characters before the match searched for keywords (default 40). */
  window?: number;
  /** Drop matches with no keyword nearby (default false). */
  requireKeyword?: boolean;
  validator?: CustomValidator;
  /** Base confidence (default medium). */
  confidence?: Confidence;
  hipaa?: HipaaCategory;
}

/** A value (compared case-insensitively with the match and its normalized form) or an RE2 pattern the whole value must match. */
export type ListEntry = string | { pattern: string; detectors?: readonly string[] };

function check(validator: CustomValidator, value: string): boolean {
  const compact = compactId(value);
  switch (validator) {
    case 'none':
      return true;
    case 'luhn':
      return luhnValid(compact);
    case 'npi':
      return npiValid(compact);
    case 'dea':
      return deaValid(compact);
    case 'mbi':
      return mbiValid(compact);
    case 'vin':
      return vinValid(compact);
    case 'ssn':
      return classifySsn(compact) === 'valid';
  }
}

function compileOrThrow(source: unknown, where: string): void {
  if (typeof source !== 'string' || source.length === 0) throw new Error(`${where}: a pattern must be a non-empty string`);
  let probe: InstanceType<typeof RE2>;
  try {
    probe = new RE2(source, 'u');
  } catch (error) {
    throw new Error(`${where}: not a valid RE2 pattern (${error instanceof Error ? error.message : String(error)})`);
  }
  if (probe.test('')) throw new Error(`${where}: the pattern matches the empty string`);
}

/** Turns configured detectors into definitions; every error names the detector and what is wrong with it. */
export function customDetectors(configs: readonly CustomDetectorConfig[], builtinIds: readonly string[]): DetectorDefinition[] {
  const seen = new Set<string>();
  return configs.map((config, index): DetectorDefinition => {
    const id = typeof config?.id === 'string' ? config.id : '';
    const label = id ? `Custom detector "${id}"` : `Custom detector #${index + 1}`;
    if (!/^[a-z][a-z0-9-]{0,39}$/.test(id)) throw new Error(`${label}: id must be lower-case letters, digits and dashes, starting with a letter`);
    if (builtinIds.includes(id) || id === 'deny-list') throw new Error(`${label}: the id is taken by a built-in detector`);
    if (seen.has(id)) throw new Error(`${label}: the id is defined twice`);
    seen.add(id);
    if (!Array.isArray(config.patterns) || config.patterns.length === 0) throw new Error(`${label}: needs at least one pattern`);
    config.patterns.forEach((source, i) => compileOrThrow(source, `${label}, pattern #${i + 1}`));
    const validator = config.validator ?? 'none';
    if (!CUSTOM_VALIDATORS.includes(validator)) throw new Error(`${label}: unknown validator "${String(validator)}" (one of ${CUSTOM_VALIDATORS.join(', ')})`);
    const confidence = config.confidence ?? 'medium';
    if (!(confidence in CONFIDENCE_ORDER)) throw new Error(`${label}: confidence must be low, medium or high`);
    const window = config.window ?? 40;
    if (!Number.isInteger(window) || window < 0 || window > 1000) throw new Error(`${label}: window must be an integer from 0 to 1000`);
    const keywords = (config.keywords ?? []).map((k) => String(k).toLowerCase());
    if (config.requireKeyword && keywords.length === 0) throw new Error(`${label}: requireKeyword needs keywords`);
    const patterns = config.patterns.map(
      (re2): PatternSpec => ({ re2, confidence, label: `custom pattern of ${id}`, ...(config.requireKeyword && { needsContext: true }) }),
    );
    return {
      id,
      name: config.name ?? id,
      description: config.description ?? `custom detector ${id}`,
      hipaa: config.hipaa ?? 'other-unique-identifiers',
      role: 'identifier',
      version: 1,
      keywords: [],
      columnHeaders: keywords,
      patterns,
      validate: ({ value }: MatchInput): Validation | null => (check(validator, value) ? { normalized: value.trim() } : null),
      context: { window, after: 8, raise: keywords, lower: [] },
      examples: { positive: [], negative: [] },
    };
  });
}

/** Values a site always wants reported (test-patient names, a VIP list) become one high-confidence detector. */
export function denyListDetector(entries: readonly ListEntry[]): DetectorDefinition | undefined {
  if (entries.length === 0) return undefined;
  const sources = entries.map((entry, i) => {
    const where = `Deny list entry #${i + 1}`;
    if (typeof entry === 'string') {
      if (entry.trim().length === 0) throw new Error(`${where}: an empty value`);
      return `(?i:\\b${escapeRe2(entry.trim())}\\b)`;
    }
    compileOrThrow(entry?.pattern, where);
    return entry.pattern;
  });
  return {
    id: 'deny-list',
    name: 'Deny list',
    description: "Values and patterns from the site's deny list",
    hipaa: 'other-unique-identifiers',
    role: 'identifier',
    version: 1,
    keywords: [],
    columnHeaders: [],
    patterns: sources.map((re2): PatternSpec => ({ re2, confidence: 'high', label: 'deny-list entry' })),
    validate: ({ value }) => ({ normalized: value.trim().toUpperCase() }),
    context: { window: 0, raise: [], lower: [] },
    examples: { positive: [], negative: [] },
  };
}

export interface AllowList {
  allows(detector: string, value: string, normalized: string): boolean;
}

/** Findings on these values are dropped: the clinic's own phone number, a published test MRN, … */
export function compileAllowList(entries: readonly ListEntry[]): AllowList | undefined {
  if (entries.length === 0) return undefined;
  const values = new Set<string>();
  const patterns: { regex: InstanceType<typeof RE2>; detectors?: readonly string[] }[] = [];
  entries.forEach((entry, i) => {
    const where = `Allow list entry #${i + 1}`;
    if (typeof entry === 'string') {
      if (entry.trim().length === 0) throw new Error(`${where}: an empty value`);
      values.add(entry.trim().toLowerCase());
      return;
    }
    compileOrThrow(entry?.pattern, where);
    patterns.push({ regex: new RE2(`^(?:${entry.pattern})$`, 'u'), ...(entry.detectors && { detectors: entry.detectors }) });
  });
  return {
    allows(detector, value, normalized) {
      if (values.has(value.trim().toLowerCase()) || values.has(normalized.toLowerCase())) return true;
      return patterns.some((p) => (!p.detectors || p.detectors.includes(detector)) && (p.regex.test(value) || p.regex.test(normalized)));
    },
  };
}
