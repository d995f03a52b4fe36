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
  /** Searched only in the lines the prefilter points at (see narrow.ts): a built-in pattern, not anchored. */
  lineLocal: boolean;
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
  /**
   * The line-local patterns alone, for asking about lines within a block (see narrow.ts): without the keyword
   * gates, whose case-blind alternations are most of the prefilter's states, it reads a line faster.
   */
  linePrefilter: InstanceType<typeof RE2.Set> | undefined;
  /** The prefilter index of each linePrefilter entry. */
  lineSetIndex: readonly number[];
}

/**
 * The parentheses and bars of an RE2 source that are syntax, not escaped or inside a character class, from
 * `from` on, with the group depth after each. Conservative readers below build on it.
 */
function* structure(source: string, from: number): Generator<[index: number, char: string, depth: number]> {
  let depth = 0;
  let inClass = false;
  for (let i = from; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') {
      inClass = true;
      // A ']' right after '[' or '[^' is a literal member of the class.
      if (source[i + 1] === '^') i++;
      if (source[i + 1] === ']') i++;
    } else if (c === '(' || c === ')' || c === '|') {
      if (c === '(') depth++;
      else if (c === ')') depth--;
      yield [i, c, depth];
    }
  }
  if (inClass) yield [source.length, ']', depth];
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
  for (const [, c, after] of structure(source, 1)) {
    if (c === ']' || (c === '|' && after === 0)) return false;
    depth = after;
  }
  return depth === 0;
}

const VALUE_GROUP = '(?P<v>';

/**
 * The source without its value group when that group is the whole match bar a `\b` either side
 * (`\b(?P<v>…)\b`): the value is then the match itself, and a match without groups or their offsets costs RE2
 * and the binding well under half as much. Code shapes match every number in a table line, so it adds up.
 */
export function withoutWholeValueGroup(source: string): string | undefined {
  const open = source.startsWith(VALUE_GROUP) ? 0 : source.startsWith(`\\b${VALUE_GROUP}`) ? 2 : -1;
  if (open < 0 || source.indexOf(VALUE_GROUP, open + 1) >= 0) return undefined;
  for (const [index, c, depth] of structure(source, open)) {
    if (c === ']') return undefined;
    if (c === ')' && depth === 0) {
      const rest = source.slice(index + 1);
      return rest === '' || rest === '\\b' ? `${source.slice(0, open)}(?:${source.slice(open + VALUE_GROUP.length)}` : undefined;
    }
  }
  return undefined;
}

function compilePattern(spec: PatternSpec): InstanceType<typeof RE2> {
  if (!spec.re2.includes(VALUE_GROUP)) return new RE2(spec.re2, 'g');
  const plain = withoutWholeValueGroup(spec.re2);
  return plain === undefined ? new RE2(spec.re2, 'gd') : new RE2(plain, 'g');
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

/** `lineLocal` names the patterns known to match within one line (see narrow.ts); others search whole blocks. */
export function compileDetectors(definitions: readonly DetectorDefinition[], lineLocal: ReadonlySet<PatternSpec> = new Set()): CompiledDetectors {
  const setSources: string[] = [];
  const detectors = definitions.map((definition): CompiledDetector => {
    const patterns = definition.patterns.map((spec): CompiledPattern => {
      // Gated patterns are in the set too: office prose opens many keyword gates ('account', 'plan', 'date'),
      // and a gate alone then cost a regex pass per block for patterns that the set says cannot match.
      const inSet = (spec.scope ?? 'text') === 'text';
      if (inSet) setSources.push(spec.re2);
      const once = anchoredAtStart(spec.re2);
      return { spec, regex: compilePattern(spec), setIndex: inSet ? setSources.length - 1 : -1, once, lineLocal: inSet && !once && lineLocal.has(spec) };
    });
    let gateIndex = -1;
    if (definition.keywords.length > 0) {
      setSources.push(keywordGate(definition.keywords));
      gateIndex = setSources.length - 1;
    }
    return { definition, patterns, gateIndex };
  });
  const linePatterns = detectors.flatMap((d) => d.patterns.filter((p) => p.lineLocal));
  return {
    detectors,
    prefilter: setSources.length > 0 ? new RE2.Set(setSources) : undefined,
    linePrefilter: linePatterns.length > 0 ? new RE2.Set(linePatterns.map((p) => p.spec.re2)) : undefined,
    lineSetIndex: linePatterns.map((p) => p.setIndex),
  };
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
