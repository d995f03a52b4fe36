import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DETECTORS } from '../../detectors/index.js';
import { keywordGate } from '../compile.js';
import { FOLD_HAZARDS, factorFrequency, type Factor } from './factor.js';
import { anyFactorOccurs, factorOccursAt, keywordFactors, parsePattern, requiredFactors, type PatternNode } from './extract.js';

/** Seeded PRNG (mulberry32): the same strings on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, pick: <T>(list: readonly T[]): T => list[int(0, list.length - 1)]! };
}
type Rng = ReturnType<typeof prng>;

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const occurs = (factors: readonly Factor[], text: string) => anyFactorOccurs(factors, utf8(text), 0, utf8(text).length);

/** A readable form of a factor: `\b` for context, a letter for a one-member set, classes otherwise. */
function show(factor: Factor): string {
  return factor.bytes
    .map((set, k) => {
      if ((k === 0 && factor.lead) || (k === factor.bytes.length - 1 && factor.trail)) return '\\b';
      const members = [...set.keys()].filter((b) => set[b]);
      if (members.length === 1) return String.fromCharCode(members[0]!);
      if (members.length === 2 && String.fromCharCode(members[0]!).toLowerCase() === String.fromCharCode(members[1]!)) return String.fromCharCode(members[1]!);
      let out = '';
      for (let i = 0; i < members.length; ) {
        let j = i;
        while (j + 1 < members.length && members[j + 1] === members[j]! + 1) j++;
        const ch = (b: number) => (b < 0x21 || b > 0x7e ? `\\x${b.toString(16)}` : String.fromCharCode(b));
        out += j - i >= 2 ? `${ch(members[i]!)}-${ch(members[j]!)}` : members.slice(i, j + 1).map(ch).join('');
        i = j + 1;
      }
      return `[${out}]`;
    })
    .join('');
}

const cost = (factors: readonly Factor[]) => factors.reduce((sum, f) => sum + factorFrequency(f), 0);

describe('requiredFactors: units', () => {
  it('keeps a literal whole, each byte its own position', () => {
    const factors = requiredFactors('abc')!;
    expect(factors.map(show)).toEqual(['abc']);
    expect(occurs(factors, 'xxabcxx')).toBe(true);
    expect(occurs(factors, 'xxabxcx')).toBe(false);
  });

  it('reads classes, ranges, escapes and Perl classes as byte sets', () => {
    expect(requiredFactors('[0-9]{2}\\.[a-c]')!.map(show)).toEqual(['[0-9][0-9].[a-c]']);
    expect(requiredFactors('\\d\\d/\\d\\d')!.map(show)).toEqual(['[0-9][0-9]/[0-9][0-9]']);
    expect(requiredFactors('\\w\\t\\-\\|')!.map(show)).toEqual(['[0-9A-Z_a-z]\t-|']);
  });

  it('folds ASCII case under (?i) and (?i:...) only', () => {
    const folded = requiredFactors('(?i)abc')!;
    expect(occurs(folded, 'xAbC')).toBe(true);
    const part = requiredFactors('ab(?i:cd)')!;
    expect(occurs(part, 'abCd')).toBe(true);
    expect(occurs(part, 'ABcd')).toBe(false);
  });

  it('unions the alternatives of an alternation', () => {
    const factors = requiredFactors('x(?:cat|dog)y')!;
    expect(factors.map(show).sort()).toEqual(['xcaty', 'xdogy']);
  });

  it('keeps what a repetition says: x{m,n} with m >= 1 keeps x, m = 0 says nothing', () => {
    expect(requiredFactors('ab{2,3}c')!.map(show).sort()).toEqual(['abbbc', 'abbc']);
    expect(['a', 'b']).toContain(requiredFactors('a[0-9]*b')!.map(show).join());
    expect(requiredFactors('a[0-9]+b')).toBeDefined();
    expect(occurs(requiredFactors('zq[0-9]{3,40}')!, 'zq123')).toBe(true);
  });

  it('gives up on patterns that can match the empty string', () => {
    for (const source of ['', 'a*', '(?:ab)?', '\\b', '^', 'a|', '(?:x|y?)', '[0-9]{0,3}']) expect(requiredFactors(source), source).toBeUndefined();
  });

  it('treats syntax it does not read as unknown, never throwing', () => {
    expect(requiredFactors('\\pL')).toBeUndefined();
    expect(requiredFactors('\\p{Greek}+')).toBeUndefined();
    expect(requiredFactors('(?m)^abc')).toBeUndefined();
    expect(requiredFactors('(?s)abc')).toBeUndefined();
    expect(requiredFactors('(?U)abc')).toBeUndefined();
    expect(requiredFactors('\\Qab\\E')).toBeUndefined();
    expect(requiredFactors('\\x{41}')).toBeUndefined();
    expect(requiredFactors('\\C')).toBeUndefined();
    for (const bad of ['(', ')', '[a', '\\', 'a{3,1}', '*a', '(?P<x', '[z-a]', '\\1', '(?P=n)']) expect(() => requiredFactors(bad)).not.toThrow();
    // An unread piece beside a selective one: the selective one still stands.
    expect(requiredFactors('\\p{Greek}+@@')!.map(show)).toEqual(['@@']);
    expect(requiredFactors('xyz\\x{41}')!.map(show)).toEqual(['xyz']);
  });

  it('never throws, on random syntax or nesting deeper than the stack', () => {
    const rng = prng(3);
    for (let n = 0; n < 3000; n++) {
      let source = '';
      for (let k = rng.int(0, 14); k > 0; k--) source += rng.pick([...'()[]{}|^$.*+?\\-,:=!<>Pa1iQEbBdDxp{}é']);
      expect(() => requiredFactors(source), source).not.toThrow();
    }
    expect(() => requiredFactors(`${'(?:'.repeat(50_000)}ab${')'.repeat(50_000)}`)).not.toThrow();
    expect(() => requiredFactors(`${'(?:x|'.repeat(20_000)}y${')'.repeat(20_000)}`)).not.toThrow();
  });

  it('does not let a character of unknown byte length into a factor', () => {
    expect(requiredFactors('ab.cd')!.map(show).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^(ab|cd)$/)]));
    expect(occurs(requiredFactors('ab[^x]cd')!, 'abécd')).toBe(true);
    expect(occurs(requiredFactors('abécd')!, 'abécd')).toBe(true);
    expect(requiredFactors('é')).toBeUndefined();
    expect(requiredFactors('\\D\\S\\W')).toBeUndefined();
    // Empty or one wide character: not empty, but no bytes to go on.
    expect(occurs(requiredFactors('(?:^|[^0-9A-Za-z])@')!, '@')).toBe(true);
  });

  it('turns a \\b beside a word byte into a NON_WORD context position', () => {
    const [factor, ...rest] = requiredFactors('(?i)\\bdl\\b')!;
    expect(rest).toEqual([]);
    expect(factor!.lead).toBe(1);
    expect(factor!.trail).toBe(1);
    expect(show(factor!)).toBe('\\bdl\\b');
    expect(occurs([factor!], 'DL 12')).toBe(true);
    expect(occurs([factor!], 'a dl.')).toBe(true);
    expect(occurs([factor!], 'handle')).toBe(false);
    expect(occurs([factor!], 'dls')).toBe(false);
    // No context beside a non-word byte.
    expect(requiredFactors('\\b#1')!.map((f) => [f.lead, f.trail])).toEqual([[0, 0]]);
  });

  it('finds a selective factor in the SSN pattern', () => {
    const factors = requiredFactors('\\b[0-9]{3}-[0-9]{2}-[0-9]{4}\\b')!;
    expect(factors).toHaveLength(1);
    expect(show(factors[0]!)).toMatch(/\[0-9\]\[0-9\]-\[0-9\]\[0-9\]-\[0-9\]/);
    expect(cost(factors)).toBeLessThan(1e-7);
  });

  it('merges identical sequences', () => {
    expect(requiredFactors('(?:ab|ab|[a]b)c')!.map(show)).toEqual(['abc']);
  });

  it('the reference matcher counts context outside the range as met, nothing else', () => {
    const [factor] = requiredFactors('\\bab\\b')!;
    const bytes = utf8('xab ab');
    expect(factorOccursAt(factor!, bytes, 0, 6, 0)).toBe(false);
    expect(factorOccursAt(factor!, bytes, 1, 3, 0)).toBe(true);
    expect(factorOccursAt(factor!, bytes, 0, 6, 3)).toBe(true);
    expect(anyFactorOccurs([factor!], bytes, 4, 6)).toBe(true);
    expect(anyFactorOccurs([factor!], bytes, 4, 5)).toBe(false);
    expect(anyFactorOccurs([factor!], bytes, 0, 3)).toBe(false);
  });
});

describe('FOLD_HAZARDS', () => {
  it('lists every non-ASCII character that RE2 folds to an ASCII letter', () => {
    const hazards = new Set(FOLD_HAZARDS.map((bytes) => Buffer.from(bytes).toString('utf8')));
    const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const sets = [...letters].map((letter) => new RE2(`(?i)${letter}`));
    const all = new RE2(`(?i)[${letters}]`);
    const found: string[] = [];
    for (let cp = 0x80; cp <= 0x2ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const char = String.fromCodePoint(cp);
      if (!all.test(char)) continue;
      expect(sets.some((re) => re.test(char))).toBe(true);
      found.push(char);
    }
    expect(new Set(found)).toEqual(hazards);
  });
});

// -----------------------------------------------------------------------------------------------------------
// Strings a pattern matches, from the syntax tree

const WIDE_POOL = [
  ...Array.from({ length: 0x7f - 0x20 }, (_, k) => 0x20 + k),
  0x09, 0x0a, 0x0d, 0xe9, 0xfc, 0x17f, 0x212a, 0x20ac, 0x4e2d, 0x1f600,
];

function generate(node: PatternNode, rng: Rng, out: string[]): void {
  switch (node.kind) {
    case 'set': {
      const members = [...node.set.keys()].filter((b) => node.set[b]);
      out.push(String.fromCharCode(rng.pick(members)));
      return;
    }
    case 'wide': {
      const members = WIDE_POOL.filter(node.accepts);
      if (members.length > 0) out.push(String.fromCodePoint(rng.pick(members)));
      return;
    }
    case 'unknown':
    case 'assert':
      return;
    case 'cat':
      for (const item of node.items) generate(item, rng, out);
      return;
    case 'alt':
      generate(rng.pick(node.items), rng, out);
      return;
    case 'rep': {
      const max = node.max === Infinity ? node.min + 4 : node.max;
      const count = rng.next() < 0.3 ? rng.pick([node.min, max]) : rng.int(node.min, max);
      for (let k = 0; k < count; k++) generate(node.item, rng, out);
      return;
    }
  }
}

const SURROUND = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789      \n\t.,;:-/#()\'"|_é';

/** Text around a generated string; mostly with a separator next to it, so a `\b` at its edge holds. */
function surround(rng: Rng, before: boolean): string {
  if (rng.next() < 0.25) return '';
  let s = '';
  for (let n = rng.int(1, 12); n > 0; n--) s += rng.pick([...SURROUND]);
  if (rng.next() < 0.35) return s;
  const separator = rng.pick([' ', '\n', '.', ',', '(', 'é']);
  return before ? s + separator : separator + s;
}

/** Every text-scope pattern that goes into the prefilter set, and every detector's keyword gate. */
function setSources(): { name: string; source: string }[] {
  const out: { name: string; source: string }[] = [];
  for (const detector of BUILTIN_DETECTORS) {
    detector.patterns.forEach((pattern, k) => {
      if ((pattern.scope ?? 'text') === 'text') out.push({ name: `${detector.id}#${k}`, source: pattern.re2 });
    });
    if (detector.keywords.length > 0) out.push({ name: `${detector.id} gate`, source: keywordGate(detector.keywords) });
  }
  return out;
}

/**
 * Asserts that every match RE2 finds in texts built around generated strings contains a factor, the match
 * range searched alone (its context bytes outside it counted as met, as the screen does at a range's edges).
 */
function checkSound(source: string, factors: readonly Factor[], seed: number, samples: number): { checked: number } {
  const node = parsePattern(source)!;
  const re = new RE2(source, 'g');
  const rng = prng(seed);
  let checked = 0;
  for (let n = 0; n < samples; n++) {
    const parts: string[] = [];
    generate(node, rng, parts);
    const text = surround(rng, true) + parts.join('') + surround(rng, false);
    const bytes = utf8(text);
    re.lastIndex = 0;
    let found = false;
    for (let m = re.exec(bytes); m; m = re.exec(bytes)) {
      found = true;
      const from = m.index;
      const to = from + (m[0] as unknown as Buffer).length;
      if (!anyFactorOccurs(factors, bytes, from, to)) throw new Error(`no factor in a match of ${source}: ${JSON.stringify(text)}`);
      // Context positions at the match's edges lie outside it: the text around must meet them.
      if (!anyFactorOccurs(factors, bytes, 0, bytes.length)) throw new Error(`no factor in a text matching ${source}: ${JSON.stringify(text)}`);
      if (to === from) re.lastIndex++;
    }
    if (found) checked++;
  }
  return { checked };
}

/** A random RE2 source over the syntax read here: literals, classes, \\b, groups, (?i:), alternation, quantifiers. */
function randomSource(rng: Rng, depth = 0): string {
  const atom = (): string => {
    const r = rng.next();
    if (depth < 3 && r < 0.2) return `(?:${randomSource(rng, depth + 1)})`;
    if (depth < 3 && r < 0.25) return `(?i:${randomSource(rng, depth + 1)})`;
    if (r < 0.35) return rng.pick(['[0-9]', '[a-c]', '[A-Z_]', '[ .-]', '\\d', '\\w', '\\s', '[^a]', '.', 'é', '[x-z#]']);
    if (r < 0.45) return rng.pick(['\\b', '\\b', '^', '$', '\\B']);
    if (r < 0.5) return rng.pick(['\\.', '\\-', '\\|', '\\(', ' ', '#', '/']);
    return rng.pick([...'abcksxyzABK019']);
  };
  const sequence = (): string => {
    let out = '';
    for (let n = rng.int(1, 5); n > 0; n--) {
      out += atom();
      const q = rng.next();
      if (q < 0.1) out += rng.pick(['?', '*', '+', '??', '+?']);
      else if (q < 0.2) {
        const min = rng.int(0, 10);
        out += rng.pick([`{${min}}`, `{${min},}`, `{${min},${min + rng.int(0, 6)}}`]);
      }
    }
    return out;
  };
  const alternatives = [sequence()];
  while (rng.next() < 0.3) alternatives.push(sequence());
  return alternatives.join('|');
}

const MANY_WORDS = ((rng) => Array.from({ length: 60 }, () => Array.from({ length: rng.int(3, 6) }, () => rng.pick([...'abcdefghijklmnopqrstuvwxyz'])).join('')))(prng(5));

describe('requiredFactors on crafted and random sources', () => {
  it.each([
    '(?:ab\\b\\.|cd)x',
    'x(?:\\.\\bab|cd)',
    '(?:a|b\\b)(?:\\bc|-)',
    '[a-z]+\\b[0-9. ]x',
    '(?:q[0-9]+w){9}e',
    'e(?:q[0-9]+w){9}',
    '(?:q[0-9]+w){2,}e',
    '(?:ab|c[0-9]*d){3,12}z',
    '\\b(?:st|rd)\\b\\.?(?:,| x)',
    '(?i)(?:\\bks\\b|\\bK#)',
    'zq#\\b',
    '\\b#zq',
    // Too many alternatives to keep: prefix and suffix sets get shortened.
    `(?:${MANY_WORDS.join('|')})[0-9]`,
    `[0-9](?:${MANY_WORDS.join('|')})`,
  ])('is sound on generated matches of %s', (source) => {
    const factors = requiredFactors(source);
    expect(factors).toBeDefined();
    const { checked } = checkSound(source, factors!, 7, 300);
    expect(checked).toBeGreaterThan(30);
  });

  it('is sound on random sources', () => {
    const rng = prng(99);
    let analyzed = 0;
    for (let n = 0; n < 600; n++) {
      const source = randomSource(rng);
      try {
        new RE2(source);
      } catch {
        continue;
      }
      const factors = requiredFactors(source);
      if (!factors) continue;
      analyzed++;
      checkSound(source, factors, n, 40);
    }
    expect(analyzed).toBeGreaterThan(200);
  });
});

describe('requiredFactors over the built-in set sources', () => {
  const sources = setSources();

  it('finds factors for every one, and reports them', () => {
    const lines: string[] = [];
    const missing: string[] = [];
    const started = performance.now();
    for (const { name, source } of sources) {
      const factors = name.endsWith(' gate') ? keywordFactors(BUILTIN_DETECTORS.find((d) => `${d.id} gate` === name)!.keywords) : requiredFactors(source);
      if (!factors) {
        missing.push(name);
        continue;
      }
      lines.push(`${name.padEnd(22)} ${cost(factors).toExponential(2).padStart(9)}  ${factors.length} ${factors.map(show).join(' | ')}`);
    }
    lines.push(`${sources.length} sources in ${(performance.now() - started).toFixed(0)} ms`);
    if (process.env.PHI_SCAN_PRINT_FACTORS) console.log(lines.join('\n'));
    expect(missing).toEqual([]);
  });

  it.each(sources)('is sound on generated matches: $name', ({ source }) => {
    const factors = requiredFactors(source)!;
    expect(factors).toBeDefined();
    const samples = 400;
    const { checked } = checkSound(source, factors, 0x5eed ^ source.length, samples);
    // The generator ignores \b and ^, and the text around a sample can break them: most samples still match.
    expect(checked).toBeGreaterThan(samples / 2);
  });

  it('is sound on prose mixed with PHI-like tokens', () => {
    const rng = prng(20261202);
    const words = 'the a of and to in for on with by report quarterly budget meeting invoice order shipment account plan date patient name phone fax cell tel ph ip dl cc f st rd ave member policy group card visa admit visit seen died age years old born birth medicare serial device'.split(' ');
    const digits = (n: number) => Array.from({ length: n }, () => String(rng.int(0, 9))).join('');
    const tokens: (() => string)[] = [
      () => `${digits(3)}-${digits(2)}-${digits(4)}`,
      () => `${digits(3)} ${digits(2)} ${digits(4)}`,
      () => digits(rng.int(1, 12)),
      () => `${rng.int(1, 12)}/${rng.int(1, 31)}/${rng.pick(['19', '20', ''])}${digits(2)}`,
      () => `(${rng.int(200, 999)}) ${rng.int(200, 999)}-${digits(4)}`,
      () => `${rng.int(200, 999)}.${rng.int(200, 999)}.${digits(4)}`,
      () => `${rng.pick(['MRN', 'mrn', 'Chart #', 'Patient ID', 'Acct', 'Member ID', 'DL', 'Serial No.', 'DOB', 'SSN', 'Policy #'])}${rng.pick([': ', ' ', '#', '='])}${rng.pick(['', 'AB', 'x-'])}${digits(rng.int(4, 10))}`,
      () => `${rng.pick(['Admitted', 'Seen on', 'Born', 'DOB:', 'Died'])} ${rng.pick(['Jan', 'March', 'sept', 'DEC'])} ${rng.int(1, 31)}${rng.pick(['', 'st', 'TH'])}, ${rng.int(1900, 2030)}`,
      () => `${rng.pick(['John', 'Mary', 'Lee'])} ${rng.pick(['Smith', "O'Neil", 'Ng-Lu'])} is a ${rng.int(1, 110)}-year`,
      () => `${rng.pick(['Smith', 'Doe'])}, ${rng.pick(['John', 'Ann'])}`,
      () => `${rng.int(1, 9999)} ${rng.pick(['N', 'West', ''])} ${rng.pick(['Main', 'Oak', '5th'])} ${rng.pick(['St', 'Ave.', 'road', 'Blvd'])}, ${rng.pick(['Apt 4', 'Suite 200', ''])}`,
      () => `${rng.pick(['a', 'jo.b', 'x_y'])}@${rng.pick(['ex', 'mail.ex'])}.${rng.pick(['com', 'org'])}`,
      () => `${rng.pick(['http://', 'https://', 'www.', 'WWW.'])}ex.com/${rng.pick(['a', 'b?c=1'])}`,
      () => `${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(0, 255)}`,
      () => `fe80::${rng.int(0, 9999)}:${rng.int(10, 99)}ab`,
      () => `${rng.pick(['A', 'E', 'Z', 'S'])}${rng.int(0, 99)}.${digits(rng.int(0, 3))}`,
      () => `${rng.int(90, 120)} ${rng.pick(['yo', 'y/o', 'years old', 'YRS OLD'])}`,
      () => `1${digits(9)}`,
      () => `${rng.pick(['4', '5', '37'])}${digits(3)} ${digits(4)} ${digits(4)} ${digits(4)}`,
      () => `PID|1||${digits(6)}|`,
      () => `|SMITH^JOHN^Q|`,
      () => `(01)${digits(14)}(10)AB12`,
      () => `1HG${digits(6)}ABCDEFGH`,
      () => `${rng.int(1, 9)}AB${digits(1)}-CD${digits(1)}-EF${digits(2)}`,
      () => `Mr. ${rng.pick(['Smith', 'Ng'])}`,
      () => `PO Box ${digits(4)}`,
    ];
    const compiled = sources.map(({ source }) => ({ source, re: new RE2(source), factors: requiredFactors(source)! }));
    let matched = 0;
    for (let n = 0; n < 3000; n++) {
      const parts: string[] = [];
      for (let k = rng.int(3, 30); k > 0; k--) {
        const word = rng.next() < 0.25 ? rng.pick(tokens)() : rng.pick(words);
        parts.push(rng.next() < 0.1 ? word.toUpperCase() : rng.next() < 0.1 ? word[0]!.toUpperCase() + word.slice(1) : word);
        parts.push(rng.pick([' ', ' ', ' ', ', ', '. ', '\n', ': ', '\t', '; ']));
      }
      const text = parts.join('');
      const bytes = utf8(text);
      for (const { source, re, factors } of compiled) {
        if (!re.test(bytes)) continue;
        matched++;
        expect(anyFactorOccurs(factors, bytes, 0, bytes.length), `${source} in ${JSON.stringify(text)}`).toBe(true);
      }
    }
    expect(matched).toBeGreaterThan(3000);
  });
});
