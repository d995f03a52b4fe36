import RE2 from 're2';
import type { DetectorDefinition, PatternSpec } from '../detector.js';
import { escapeRe2 } from '../text/keywords.js';

export interface CompiledPattern {
  spec: PatternSpec;
  regex: InstanceType<typeof RE2>;
  /** Index of this pattern in the prefilter set; -1 for cell patterns, which it does not decide. */
  setIndex: number;
  /**
   * Matches only at the start of the text (`^…` without multi-line mode or a top-level alternative), so at
   * most once: the search for a second match, which costs as much as the first, is left out.
   */
  once: boolean;
}

export interface CompiledDetector {
  definition: DetectorDefinition;
  patterns: CompiledPattern[];
  /** Index of the detector's keyword entry in the prefilter set; -1 without keywords. */
  gateIndex: number;
}

export interface CompiledDetectors {
  detectors: CompiledDetector[];
  /** One pass over the text says which patterns can match and which keyword gates are open. */
  prefilter: InstanceType<typeof RE2.Set> | undefined;
}

/**
 * Whether an RE2 source can match only at offset 0: it starts with `^`, turns on no multi-line flag (where
 * `^` also matches after each newline) and has no `|` outside groups and classes (`^a|b` matches `b` anywhere).
 * Conservative: a source it cannot read plainly counts as not anchored.
 */
export function anchoredAtStart(source: string): boolean {
  if (!source.startsWith('^')) return false;
  if (/\(\?[a-zA-Z]*m/.test(source)) return false;
  let depth = 0;
  let inClass = false;
  for (let i = 1; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') {
      inClass = true;
      // A ']' right after '[' or '[^' is a literal member of the class.
      if (source[i + 1] === '^') i++;
      if (source[i + 1] === ']') i++;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return false;
  }
  return depth === 0 && !inClass;
}

function compilePattern(spec: PatternSpec): InstanceType<typeof RE2> {
  return new RE2(spec.re2, spec.re2.includes('(?P<v>') ? 'gd' : 'g');
}

/**
 * One set entry per detector, on word boundaries like the context search, so 'ip' does not open the IP
 * detector's gate in every 'shipment' nor 'age' in every 'page'.
 */
function keywordGate(keywords: readonly string[]): string {
  const wordChar = (ch: string) => /[A-Za-z0-9]/.test(ch);
  const alternatives = keywords.map((k) => `${wordChar(k[0]!) ? '\\b' : ''}${escapeRe2(k)}${wordChar(k[k.length - 1]!) ? '\\b' : ''}`);
  return `(?i)(?:${alternatives.join('|')})`;
}

export function compileDetectors(definitions: readonly DetectorDefinition[]): CompiledDetectors {
  const setSources: string[] = [];
  const detectors = definitions.map((definition): CompiledDetector => {
    const patterns = definition.patterns.map((spec): CompiledPattern => {
      // Gated patterns are in the set too: office prose opens many keyword gates ('account', 'plan', 'date'),
      // and a gate alone then cost a regex pass per block for patterns that the set says cannot match.
      const inSet = (spec.scope ?? 'text') === 'text';
      if (inSet) setSources.push(spec.re2);
      return { spec, regex: compilePattern(spec), setIndex: inSet ? setSources.length - 1 : -1, once: anchoredAtStart(spec.re2) };
    });
    let gateIndex = -1;
    if (definition.keywords.length > 0) {
      setSources.push(keywordGate(definition.keywords));
      gateIndex = setSources.length - 1;
    }
    return { definition, patterns, gateIndex };
  });
  return { detectors, prefilter: setSources.length > 0 ? new RE2.Set(setSources) : undefined };
}

/** Compiles a site's MRN formats, naming the pattern (never a scanned value) when one is not valid RE2. */
export function siteMrnPatterns(sources: readonly string[]): PatternSpec[] {
  return sources.map((source, index) => {
    try {
      const probe = new RE2(source, 'g');
      if (probe.test('')) throw new Error('it matches the empty string');
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new Error(`Invalid MRN pattern #${index + 1} ${JSON.stringify(source)}: ${why}`);
    }
    return { re2: source, confidence: 'medium', label: 'site MRN format' };
  });
}
