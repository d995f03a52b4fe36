import RE2 from 're2';
import type { DetectorDefinition, PatternSpec } from '../detector.js';
import { escapeRe2 } from '../text/keywords.js';

export interface CompiledPattern {
  spec: PatternSpec;
  readonly regex: InstanceType<typeof RE2>;
  valueAt: ValueAt;
  /** The value group's number in `regex`, which captures it unnamed; undefined where `regex` keeps the name. */
  valueIndex?: number;
  /** The pattern with group offsets, for a 'search' value found twice in its match; compiled when first needed. */
  withIndices?: InstanceType<typeof RE2>;
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
  /**
   * The prefilter for short texts joined by newlines, entry for entry (see joinedSource): undefined when some
   * entry cannot be joined. Made the first time it is asked for.
   */
  readonly joinedPrefilter: InstanceType<typeof RE2.Set> | undefined;
}

/**
 * The parentheses, bars and text anchors (`^`, `$`, `\A`, `\z`) of an RE2 source that are syntax, not escaped
 * or inside a character class, from `from` on, with the group depth after each. Conservative readers below
 * build on it.
 */
function* structure(source: string, from: number): Generator<[index: number, char: string, depth: number]> {
  let depth = 0;
  let inClass = false;
  for (let i = from; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[++i];
      if (!inClass && (next === 'A' || next === 'z')) yield [i - 1, `\\${next}`, depth];
    } else if (inClass) inClass = c !== ']';
    else if (c === '^' || c === '$') yield [i, c, depth];
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

/**
 * The source as the prefilter for texts joined by newlines holds it (see CompiledDetectors.joinedPrefilter), or
 * undefined when it cannot take part. `^` and `$` outside a class match only at the ends of the text, so a
 * source with them is given multi-line mode, where they match at each line's ends too: every joined text is
 * a line of its own, so what matched alone still matches (and more may, which only costs a closer look).
 * `\A` and `\z` stay at the text's ends whatever the mode, and a flag turned off (`(?-m)`, `(?i-m)`) may undo it.
 * Conservative: an anchor-like character it cannot place (a POSIX class, a `\Q` quote) counts as an anchor.
 */
export function joinedSource(source: string): string | undefined {
  if (/\(\?[a-zA-Z]*-/.test(source)) return undefined;
  let anchored = false;
  for (const [, c] of structure(source, 0)) {
    if (c === '\\A' || c === '\\z') return undefined;
    if (c === '^' || c === '$') anchored = true;
  }
  return anchored ? `(?m)${source}` : source;
}

const VALUE_GROUP = '(?P<v>';

/**
 * Where a match's value lies, so the engine need not ask RE2 for group offsets ('d'), which with the groups
 * cost about as much again as finding the match: 'match' (no value group, or one that is the whole match
 * bar a `\b` either side, compiled without it), 'start' / 'end' (the group opens or closes the match, so
 * its length places it) or 'search' (elsewhere: found in the match, and only when it occurs there twice
 * are offsets asked for, from a twin compiled with 'd'). Where the group stays, readValueGroup also gives its
 * number (`valueIndex`) and unnames it.
 */
export type ValueAt = 'match' | 'start' | 'end' | 'search';

export function readValueGroup(source: string): { source: string; valueAt: ValueAt; valueIndex?: number } {
  const open = source.indexOf(VALUE_GROUP);
  if (open < 0) return { source, valueAt: 'match' };
  const search = { source, valueAt: 'search' as const };
  if (source.indexOf(VALUE_GROUP, open + 1) >= 0) return search;
  let close = -1;
  let inside = false;
  let opens = false;
  let captures = 0;
  for (const [index, c, depth] of structure(source, 0)) {
    if (c === ']') return search;
    if (index === open) {
      inside = depth === 1;
      opens = true;
    } else if (!opens && c === '(' && isCapture(source, index)) captures++;
    else if (inside && c === ')' && depth === 0) {
      close = index;
      break;
    }
  }
  if (!opens) return search;
  // The group by number: node-re2 builds a `groups` object for every match of a named group, ~1 µs of the
  // ~2.5 µs a short cell's match costs. Sources that `structure` may misread keep the name.
  const numbered = /\[:|\\Q/.test(source) ? undefined : { source: `${source.slice(0, open)}(${source.slice(open + VALUE_GROUP.length)}`, valueIndex: captures + 1 };
  const placed = (valueAt: ValueAt) => (numbered ? { ...numbered, valueAt } : { source, valueAt });
  // Not at the top level, or not read plainly: look for the value in the match.
  if (close < 0) return placed('search');
  const leads = open === 0 || (open === 2 && source.startsWith('\\b'));
  const rest = source.slice(close + 1);
  const ends = rest === '' || rest === '\\b';
  if (leads && ends) return { source: `${source.slice(0, open)}(?:${source.slice(open + VALUE_GROUP.length)}`, valueAt: 'match' };
  if (leads) return placed('start');
  return placed(ends ? 'end' : 'search');
}

/** Whether the group opening at `index` captures: plain, or named (`(?P<name>`, `(?<name>`). */
function isCapture(source: string, index: number): boolean {
  if (source[index + 1] !== '?') return true;
  return source.startsWith('?P<', index + 1) || (source[index + 2] === '<' && /[A-Za-z_]/.test(source[index + 3] ?? ''));
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
      const { source, valueAt, valueIndex } = readValueGroup(spec.re2);
      let regex: InstanceType<typeof RE2> | undefined;
      return {
        spec,
        // Compiled when first searched with: the prefilter decides most texts, and most workers never meet
        // some patterns' shapes (an HL7 segment, a VIN); ~16 ms of every worker's start-up for the built-ins.
        get regex() {
          return (regex ??= new RE2(source, 'g'));
        },
        valueAt,
        ...(valueIndex !== undefined && { valueIndex }),
        setIndex: inSet ? setSources.length - 1 : -1,
        once,
        lineLocal: inSet && !once && lineLocal.has(spec),
      };
    });
    let gateIndex = -1;
    if (definition.keywords.length > 0) {
      setSources.push(keywordGate(definition.keywords));
      gateIndex = setSources.length - 1;
    }
    return { definition, patterns, gateIndex };
  });
  const linePatterns = detectors.flatMap((d) => d.patterns.filter((p) => p.lineLocal));
  let joined: InstanceType<typeof RE2.Set> | undefined | null = null;
  return {
    detectors,
    prefilter: setSources.length > 0 ? new RE2.Set(setSources) : undefined,
    linePrefilter: linePatterns.length > 0 ? new RE2.Set(linePatterns.map((p) => p.spec.re2)) : undefined,
    lineSetIndex: linePatterns.map((p) => p.setIndex),
    get joinedPrefilter() {
      if (joined === null) {
        const sources = setSources.map(joinedSource);
        joined = setSources.length > 0 && sources.every((x) => x !== undefined) ? new RE2.Set(sources as string[]) : undefined;
      }
      return joined;
    },
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
