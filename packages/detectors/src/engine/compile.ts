import RE2 from 're2';
import type { DetectorDefinition, PatternSpec } from '../detector.js';
import { escapeRe2 } from '../text/keywords.js';

export interface CompiledPattern {
  spec: PatternSpec;
  regex: InstanceType<typeof RE2>;
  /** Index of this pattern in the prefilter set; -1 for cell patterns, which it does not decide. */
  setIndex: number;
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
      return { spec, regex: compilePattern(spec), setIndex: inSet ? setSources.length - 1 : -1 };
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
