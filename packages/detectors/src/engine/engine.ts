import { Buffer } from 'node:buffer';
import RE2 from 're2';
import type { DetectorDefinition, MatchInput, PatternSpec } from '../detector.js';
import { BUILTIN_DETECTORS } from '../detectors/index.js';
import { MRN_STRONG_KEYWORDS } from '../detectors/mrn.js';
import { findKeyword, memoByHeader, normalizeHeader } from '../text/keywords.js';
import type { Confidence, ConfidenceReason, DetectOptions, DetectorInfo, Finding } from '../types.js';
import { compileDetectors, siteMrnPatterns, type CompiledDetector, type CompiledDetectors, type CompiledPattern } from './compile.js';
import { atLeast, lowerOf, stepConfidence } from './confidence.js';
import { evaluateContext } from './context.js';
import { compileAllowList, customDetectors, denyListDetector, type CustomDetectorConfig, type ListEntry } from './custom.js';
import { raiseForDocument } from './document-context.js';
import { LineIndex } from './lines.js';
import { HitRanges, lineGroups, narrowing } from './narrow.js';
import { utf8BlocksOf } from './utf8-blocks.js';

export interface EngineOptions {
  /** Only these detector ids (default: all built-ins). */
  detectors?: readonly string[];
  /** A site's own MRN formats as RE2 sources; an invalid one throws an Error naming the pattern. */
  mrnPatterns?: readonly string[];
  /** Detectors from the operator's configuration; an invalid one throws an Error naming it. */
  custom?: readonly CustomDetectorConfig[];
  /** Values or RE2 patterns never reported (the clinic's own phone number, a published test MRN). */
  allow?: readonly ListEntry[];
  /** Values or RE2 patterns always reported, as detector `deny-list` at high confidence. */
  deny?: readonly ListEntry[];
}

export interface EngineDetectOptions extends DetectOptions {
  /** 'Today' for birth-date plausibility; defaults to the current date. */
  referenceDate?: Date;
}

/** One of many short texts detected together (see DetectionEngine.detectEach): a cell, a paragraph. */
export interface EngineText {
  text: string;
  columnHeader?: string;
  /**
   * The text's own bytes when every one is ASCII (so each is one character of `text`, at the same offset). The
   * engine then asks the prefilter about them directly and reads `text` only when some pattern may be due: a
   * file of clean prose is never decoded into a string, nor encoded back for RE2. `text` may be a getter that
   * decodes them on first use. A copy that changes `text` must leave `ascii` out.
   */
  ascii?: Uint8Array;
  /**
   * The text's bytes when it is a whole file's valid UTF-8 (no BOM), not all of it ASCII: `text` is their
   * decoding, and may be a getter that makes it on first use. The engine asks the prefilter about them, cut
   * where the text would be cut, and decodes them only at the first block where something may be due: a clean
   * file is never decoded. A copy that changes `text` must leave `utf8` out.
   */
  utf8?: Uint8Array;
}

/**
 * How long a text is, read from its bytes when it has them (reading `text` may decode them): for UTF-8 bytes
 * an upper bound, never less than the text's length.
 */
export const lengthOf = (item: EngineText): number => item.ascii?.length ?? item.utf8?.length ?? item.text.length;

/**
 * A text's string. A copy made by spreading a segment whose `text` is a getter on its class has the bytes and
 * no text: it is then made from them, wherever the engine reads the text.
 */
function textOf(item: EngineText): string {
  const { text, ascii, utf8 } = item;
  if (text !== undefined) return text;
  if (ascii) return bufferOf(ascii).toString('latin1');
  return utf8 ? bufferOf(utf8).toString('utf8') : text;
}

/** The bytes as a Buffer (RE2 reads a Buffer without a copy), the same memory. */
const bufferOf = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

export interface DetectionEngine {
  readonly detectors: readonly DetectorInfo[];
  /** Findings sorted by start; options.minConfidence filters. */
  detect(text: string, options?: EngineDetectOptions): Finding[];
  /**
   * What detect() gives for each text under its own column header, the same findings in the same order, for
   * less than one call each: a table's cells and a document's paragraphs come by the thousand and most hold
   * nothing, and the prefilter is then asked once about a group of them.
   */
  detectEach(texts: readonly EngineText[], options?: Omit<EngineDetectOptions, 'columnHeader'>): Finding[][];
}

export type Draft = Omit<Finding, 'line' | 'column'>;

function infoOf(d: DetectorDefinition): DetectorInfo {
  return { id: d.id, name: d.name, description: d.description, hipaa: d.hipaa, role: d.role, version: d.version };
}

function withSiteMrnPatterns(definitions: readonly DetectorDefinition[], sources: readonly string[]): DetectorDefinition[] {
  if (sources.length === 0) return [...definitions];
  const site = siteMrnPatterns(sources).map(
    (spec): PatternSpec => ({ ...spec, context: { window: 40, raise: [...MRN_STRONG_KEYWORDS, 'patient id', 'chart'], lower: [] } }),
  );
  return definitions.map((d) => (d.id === 'mrn' ? { ...d, patterns: [...d.patterns, ...site] } : d));
}

function selectDefinitions(ids: readonly string[] | undefined): readonly DetectorDefinition[] {
  if (!ids) return BUILTIN_DETECTORS;
  const unknown = ids.filter((id) => !BUILTIN_DETECTORS.some((d) => d.id === id));
  if (unknown.length > 0) throw new Error(`Unknown detector id(s): ${unknown.join(', ')}`);
  return BUILTIN_DETECTORS.filter((d) => ids.includes(d.id));
}

/**
 * Same detector, overlapping spans: keep the more confident, then the longer one. Drafts come by start, so a
 * kept span still open at a draft's start holds that point, and two such would overlap, which is never kept:
 * of one detector's kept spans only the one ending last can overlap a later draft. A roster of thousands of
 * findings then costs one comparison per draft, not one per kept span.
 */
export function dedupe(drafts: Draft[]): Draft[] {
  drafts.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Draft[] = [];
  /** Per detector, the index in `kept` of its span that ends last. */
  const furthest = new Map<string, number>();
  for (const draft of drafts) {
    const slot = furthest.get(draft.detector);
    const k = slot === undefined ? undefined : kept[slot]!;
    if (k !== undefined && draft.start < k.end && k.start < draft.end) {
      if (better(draft, k)) kept[slot!] = draft;
      continue;
    }
    if (k === undefined || draft.end >= k.end) furthest.set(draft.detector, kept.length);
    kept.push(draft);
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end);
}

function better(a: Draft, b: Draft): boolean {
  if (a.confidence !== b.confidence) return atLeast(a.confidence, b.confidence);
  return a.end - a.start > b.end - b.start;
}

/** One text's findings, and whether the prefilter left no pattern due in it when it is short (see detectEach). */
interface DetectedOne {
  findings: Finding[];
  nothingDue: boolean;
}

interface DetectRun {
  text: string;
  header: string | undefined;
  columnHeader: string | undefined;
  referenceDate: Date;
  drafts: Draft[];
}

/** The value of a match (group `v`, else the whole match) and where it starts in the text. */
function valueOf(m: RegExpExecArray, pattern: CompiledPattern, subject: string, offset: number): { start: number; value: string } {
  const group = pattern.valueIndex !== undefined ? m[pattern.valueIndex] : pattern.valueAt === 'match' ? undefined : m.groups?.['v'];
  if (group === undefined) return { start: offset + m.index, value: m[0] };
  if (pattern.valueAt === 'start') return { start: offset + m.index, value: group };
  if (pattern.valueAt === 'end') return { start: offset + m.index + m[0].length - group.length, value: group };
  const at = m[0].indexOf(group);
  if (at >= 0 && m[0].indexOf(group, at + 1) < 0) return { start: offset + m.index + at, value: group };
  // The value occurs twice in its match: only RE2 can say which one the group took. From the match's own
  // start it finds the same match again.
  pattern.withIndices ??= new RE2(pattern.spec.re2, 'gd');
  pattern.withIndices.lastIndex = m.index;
  const again = pattern.withIndices.exec(subject);
  const span = again?.indices?.groups?.['v'];
  return { start: offset + (span ? span[0] : m.index), value: group };
}

/** Runs one pattern over `block` (the text from `offset` on) and assesses each match against the whole text. */
function confirm(detector: CompiledDetector, pattern: CompiledPattern, run: DetectRun, block: string, offset: number): void {
  const { definition } = detector;
  const { regex, spec } = pattern;
  regex.lastIndex = 0;
  for (let m = regex.exec(block); m !== null; m = regex.exec(block)) {
    if (m[0].length === 0) regex.lastIndex++;
    const { start, value } = valueOf(m, pattern, block, offset);
    const input: MatchInput = {
      value,
      text: run.text,
      start,
      end: start + value.length,
      matchStart: offset + m.index,
      ...(run.columnHeader !== undefined && { columnHeader: run.columnHeader }),
      pattern: spec,
      referenceDate: run.referenceDate,
    };
    const draft = assess(definition, input, run.header);
    if (draft) run.drafts.push(draft);
    // An anchored pattern has no second match; looking for one costs as much as the first (most cells).
    if (pattern.once) break;
    // Nor has a match that ran to the end of the block, but an empty one, which assess() turns down: a cell that
    // is its value (a quarter of the searches on the XLSX set) is asked once, not twice (~1 µs each).
    if (regex.lastIndex >= block.length) break;
  }
}

function assess(definition: DetectorDefinition, input: MatchInput, header: string | undefined): Draft | null {
  if (input.value.length === 0) return null;
  const validation = definition.validate(input);
  if (!validation) return null;
  const { spec } = { spec: input.pattern };
  const end = input.start + (validation.length ?? input.value.length);
  const context = evaluateContext(spec.context ?? definition.context, { text: input.text, start: input.start, end, ...(header !== undefined && { header }) });
  if (spec.needsContext && !context.supported) return null;

  const reasons: ConfidenceReason[] = [{ rule: 'pattern', effect: 'base', detail: `matched ${spec.label}` }];
  reasons.push({ rule: 'validator', effect: 'base', detail: `passes ${definition.name} validation` });
  let confidence: Confidence = spec.confidence;
  let cap: Confidence = 'high';
  for (const adjustment of validation.adjustments ?? []) {
    reasons.push({ rule: adjustment.rule, effect: adjustment.effect, detail: adjustment.detail });
    if (adjustment.cap) cap = lowerOf(cap, adjustment.cap);
    else confidence = stepConfidence(confidence, adjustment.effect === 'raise' ? 1 : -1);
  }
  confidence = lowerOf(stepConfidence(confidence, context.steps), cap);
  reasons.push(...context.reasons);
  if (definition.documentGated && confidence !== 'low') {
    confidence = 'low';
    reasons.push({ rule: 'needs-patient-context', effect: 'lower', detail: 'alone it identifies someone, not necessarily a patient: low until the file identifies a patient' });
  }
  return {
    detector: definition.id,
    hipaa: definition.hipaa,
    role: definition.role,
    start: input.start,
    end,
    value: input.text.slice(input.start, end),
    normalized: validation.normalized,
    confidence,
    reasons,
  };
}

interface HeaderFacts {
  namesField: boolean;
  opensGate: boolean;
}

function headerFacts(definition: DetectorDefinition, header: string | undefined): HeaderFacts {
  const namesField = header !== undefined && findKeyword(header, definition.columnHeaders) !== undefined;
  return { namesField, opensGate: namesField || (header !== undefined && findKeyword(header, definition.keywords) !== undefined) };
}

/**
 * Large texts are searched in blocks cut at line ends, so a rare label line costs a pass over its block,
 * not over the whole text. Every pattern matches within one line, so no match is cut.
 */
const BLOCK_SIZE = 8 * 1024;
/**
 * A line longer than two blocks (a minified export, a log with no newlines, a 100 MB single line) is cut at
 * a space instead, and the next block starts this far back so a value on the cut is whole in one of them;
 * the duplicate a value in the overlap gives is removed by dedupe. Longer than any value a pattern matches.
 */
const LONG_LINE_OVERLAP = 256;

const NO_HITS: readonly number[] = [];

/**
 * Where a block's (or a cell's) UTF-8 is written for the prefilter. Handed a string, RE2 measures it, then
 * allocates and fills a buffer per call: for a table's cells that is a good part of the cost and of the
 * garbage, for a long text a second pass per block. The bytes are the same ones RE2 would have made (a lone
 * surrogate, also one a block cut leaves, becomes U+FFFD either way). A block is at most 2 * BLOCK_SIZE
 * UTF-16 units, three bytes each at most.
 */
const scratch = Buffer.allocUnsafe(3 * 2 * BLOCK_SIZE);

/** Views of the scratch's first n bytes for short lengths, made once: a cell then allocates nothing here. */
const scratchViews: Buffer[] = [];
const SCRATCH_VIEWS = 256;

function scratchUtf8(text: string): Buffer {
  // Blocks are cut to fit; anything longer would be cut short by write(), so it gets its own copy.
  if (text.length > 2 * BLOCK_SIZE) return Buffer.from(text, 'utf8');
  const length = scratch.write(text, 0, 'utf8');
  if (length >= SCRATCH_VIEWS) return scratch.subarray(0, length);
  return (scratchViews[length] ??= scratch.subarray(0, length));
}

/** How many whole blocks are asked about at once (see scanSpans); a test sets 1 to compare with block by block. */
export const blockSpans = { blocks: 4 };

/** The scratch of a span of blocks (at most 2 * BLOCK_SIZE characters each, three bytes a character at most). */
let spanScratch = Buffer.alloc(0);

function spanUtf8(text: string): Buffer {
  // Made for the longest span the tuning allows, and again should the tuning grow (a test's).
  if (3 * text.length > spanScratch.length) spanScratch = Buffer.allocUnsafe(3 * Math.max(text.length, 2 * BLOCK_SIZE * blockSpans.blocks));
  return spanScratch.subarray(0, spanScratch.write(text, 0, 'utf8'));
}

/** The built-in patterns, all line-local (see narrow.ts); a test holds their sources to that. */
const BUILTIN_PATTERNS: ReadonlySet<PatternSpec> = new Set(BUILTIN_DETECTORS.flatMap((d) => d.patterns));

interface PatternEntry {
  detector: CompiledDetector;
  /** Index of the detector, for its header facts. */
  facts: number;
  pattern: CompiledPattern;
}

/**
 * The prefilter asked about each group of lines of a block: which pattern can match where. Undefined when the
 * block is one group (no '\n' to cut at: HL7 segments, a long line): asking again would only repeat the block's answer.
 * `bytes`: the block's own ASCII bytes, when the text came with them (see BlockScan.bytes).
 */
function hitRanges({ linePrefilter, lineSetIndex }: CompiledDetectors, block: string, bytes?: Buffer): HitRanges | undefined {
  const cuts = lineGroups(block, narrowing.groupSize);
  if (cuts.length <= 2) return undefined;
  const ranges = new HitRanges();
  for (let i = 1; i < cuts.length; i++) {
    const start = cuts[i - 1]!;
    const end = cuts[i]!;
    const group = bytes ? bytes.subarray(start, end) : scratchUtf8(block.slice(start, end));
    for (const index of linePrefilter!.match(group)) ranges.add(lineSetIndex[index]!, start, end);
  }
  return ranges;
}

type Blocks = readonly (readonly [number, number])[];

/** ASCII's cuts: each byte is one character, so the bytes' blocks are the text's. */
const sameCuts = (blocks: Blocks): { chars: Blocks; bytes: Blocks } => ({ chars: blocks, bytes: blocks });

/** Where the span of blocks from `i` ends: up to blockSpans.blocks blocks that follow one another. */
function spanEnd(blocks: Blocks, i: number): number {
  let j = i + 1;
  while (j < blocks.length && j - i < blockSpans.blocks && blocks[j]![0] === blocks[j - 1]![1]) j++;
  return j;
}

/** The blocks of a text, or of its ASCII bytes: the same cuts either way, as each byte is one character. */
export function* blocksOf(text: string | Buffer): Generator<[start: number, end: number]> {
  let start = 0;
  while (start < text.length) {
    if (text.length - start <= 2 * BLOCK_SIZE) {
      yield [start, text.length];
      return;
    }
    // Only the window is searched: indexOf over the rest of a text with no newline would make this quadratic.
    const from = start + BLOCK_SIZE;
    const window = typeof text === 'string' ? text.slice(from, from + BLOCK_SIZE) : text.subarray(from, from + BLOCK_SIZE);
    const newline = window.indexOf('\n');
    if (newline >= 0) {
      const end = start + BLOCK_SIZE + newline + 1;
      yield [start, end];
      start = end;
      continue;
    }
    const space = window.lastIndexOf(' ');
    const end = start + BLOCK_SIZE + (space > LONG_LINE_OVERLAP ? space : window.length);
    yield [start, end];
    start = end - LONG_LINE_OVERLAP;
  }
}

export function createEngine(options: EngineOptions = {}): DetectionEngine {
  const builtins = withSiteMrnPatterns(selectDefinitions(options.detectors), options.mrnPatterns ?? []);
  const deny = denyListDetector(options.deny ?? []);
  const definitions = [
    ...builtins,
    ...customDetectors(options.custom ?? [], BUILTIN_DETECTORS.map((d) => d.id)),
    ...(deny ? [deny] : []),
  ];
  const allow = compileAllowList(options.allow ?? []);
  const compiled = compileDetectors(definitions, BUILTIN_PATTERNS);
  const detectors = definitions.map(infoOf);

  // Which pattern each prefilter entry stands for: a block then costs work per hit, not per pattern.
  const patternOfSetIndex = new Map<number, PatternEntry>();
  compiled.detectors.forEach((detector, facts) => {
    for (const pattern of detector.patterns) if (pattern.setIndex >= 0) patternOfSetIndex.set(pattern.setIndex, { detector, facts, pattern });
  });

  interface HeaderPlan {
    /** normalizeHeader() of the column header; undefined when there is none or it is blank. */
    header: string | undefined;
    facts: HeaderFacts[];
    /** The column patterns of the detectors whose field the header names. */
    cellPatterns: { detector: CompiledDetector; pattern: CompiledPattern }[];
  }
  function planOf(columnHeader: string | undefined): HeaderPlan {
    const header = columnHeader === undefined || columnHeader.trim() === '' ? undefined : normalizeHeader(columnHeader);
    const facts = compiled.detectors.map((d) => headerFacts(d.definition, header));
    const cellPatterns = compiled.detectors.flatMap((detector, i) =>
      facts[i]!.namesField ? detector.patterns.filter((p) => p.spec.scope === 'cell').map((pattern) => ({ detector, pattern })) : [],
    );
    return { header, facts, cellPatterns };
  }
  // A table repeats a handful of headers over millions of cells: what a header says (normalised form
  // included) is worked out once per header as the extractor gave it.
  const noHeaderPlan = planOf(undefined);
  const planOfHeader = memoByHeader(planOf);
  const planFor = (columnHeader: string | undefined): HeaderPlan => (columnHeader === undefined ? noHeaderPlan : planOfHeader(columnHeader));

  const { prefilter } = compiled;
  // Spans of blocks may stand for their blocks only when what matches in a block matches in a span holding it.
  const spansExact = compiled.detectors.every(
    (d) => d.patterns.every((p) => p.setIndex < 0 || p.lineLocal) && d.definition.keywords.every((k) => !/[\r\n]/.test(k)),
  );

  /** What decides whether a pattern the prefilter names is due: the text's header facts and the detectors asked for. */
  interface DueRule {
    facts: HeaderFacts[];
    isWanted: (detector: CompiledDetector) => boolean;
  }

  interface BlockScan extends DueRule {
    run: DetectRun;
    /**
     * The text's bytes when every one is ASCII (EngineText.ascii): the prefilter reads its spans, blocks and
     * line groups from them, the same bytes RE2 would make of the string, instead of a UTF-8 copy of each.
     */
    bytes: Buffer | undefined;
    /** The prefilter's answer for the block before the next one. */
    previousHits: readonly number[];
    due: PatternEntry[];
  }

  /** Whether the entry must be searched where the prefilter gave `hits`, `before` being its answer just before. */
  function isDue(scan: DueRule, entry: PatternEntry, hits: readonly number[], before: readonly number[]): boolean {
    if (!scan.isWanted(entry.detector)) return false;
    if (!entry.pattern.spec.gated) return true;
    // A keyword at the end of the previous block can still be in a match's context window.
    const { gateIndex } = entry.detector;
    return scan.facts[entry.facts]!.opensGate || hits.includes(gateIndex) || before.includes(gateIndex);
  }

  function anyDue(scan: DueRule, hits: readonly number[], before: readonly number[]): boolean {
    for (const index of hits) {
      const entry = patternOfSetIndex.get(index);
      if (entry && isDue(scan, entry, hits, before)) return true;
    }
    return false;
  }

  /** `asked`: the prefilter's answer for the block, when the caller has it already. */
  function scanBlock(scan: BlockScan, blockStart: number, blockEnd: number, asked?: number[]): void {
    const { run, due } = scan;
    const { text } = run;
    const block = blockStart === 0 && blockEnd === text.length ? text : text.slice(blockStart, blockEnd);
    // A handful of indices: an array's includes() beats building a Set per block or cell.
    const hits = asked ?? prefilter!.match(scan.bytes ? scan.bytes.subarray(blockStart, blockEnd) : scratchUtf8(block));
    due.length = 0;
    let lineLocal = 0;
    // Set indices follow detector and pattern order, so sorting keeps the order findings are drafted in.
    if (hits.length > 1) hits.sort((a, b) => a - b);
    for (const index of hits) {
      const entry = patternOfSetIndex.get(index);
      if (!entry || !isDue(scan, entry, hits, scan.previousHits)) continue;
      due.push(entry);
      if (entry.pattern.lineLocal) lineLocal++;
    }
    scan.previousHits = hits;
    if (due.length === 0) return;
    const narrow = lineLocal >= narrowing.minPatterns && block.length > 2 * narrowing.groupSize;
    const ranges = narrow ? hitRanges(compiled, block, scan.bytes?.subarray(blockStart, blockEnd)) : undefined;
    for (const { detector, pattern } of due) {
      if (!ranges || !pattern.lineLocal) {
        confirm(detector, pattern, run, block, blockStart);
        continue;
      }
      const stretches = ranges.of(pattern.setIndex);
      for (let i = 0; i < stretches.length; i += 2) {
        const from = stretches[i]!;
        confirm(detector, pattern, run, block.slice(from, stretches[i + 1]), blockStart + from);
      }
    }
  }

  /**
   * Most of a large text is prose with nothing to find: blocks that follow one another (cut at line ends) are
   * asked about a few at a time, one prefilter call for up to 32 KiB costing less than one per block (2.10
   * against 2.36 ms a MiB), and only a span where some pattern may be due is asked about block by block.
   * Exact: a block's matches are matches of the span of whole lines holding it (every entry is line-local),
   * so a span with no pattern that could be due holds no block with one. It starts at block `from` when the
   * blocks before it are known to need nothing (firstDueBlock), `passedBefore` being the answer for the span
   * just before.
   */
  function scanSpans(scan: BlockScan, blocks: Blocks, from = 0, passedBefore?: readonly number[]): void {
    const { text } = scan.run;
    const { bytes } = scan;
    /** When the block before the next one was passed over in a span: that span's answer, which holds its own. */
    let passed = passedBefore;
    let i = from;
    while (i < blocks.length) {
      const j = spanEnd(blocks, i);
      if (j - i > 1) {
        const spanStart = blocks[i]![0];
        const spanStop = blocks[j - 1]![1];
        const hits = prefilter!.match(bytes ? bytes.subarray(spanStart, spanStop) : spanUtf8(text.slice(spanStart, spanStop)));
        if (!anyDue(scan, hits, passed ?? scan.previousHits)) {
          passed = hits;
          i = j;
          continue;
        }
      }
      if (passed) {
        const [start, end] = blocks[i - 1]!;
        scan.previousHits = prefilter!.match(bytes ? bytes.subarray(start, end) : scratchUtf8(text.slice(start, end)));
        passed = undefined;
      }
      for (; i < j; i++) scanBlock(scan, blocks[i]![0], blocks[i]![1]);
    }
  }

  /**
   * Where the text path (scanSpans) would first have something to read in a text given as its ASCII bytes,
   * asking the prefilter about the same spans straight from the bytes: the index of that block (the number of
   * blocks when there is none) and the answer for the span before it, as scanSpans keeps it. A block alone in
   * its span is asked about too, as scanBlock would; judged against the whole span before it, which holds the
   * block before, it is due whenever scanBlock would find it due, so nothing the text path reads is passed over.
   */
  function firstDueBlock(rule: DueRule, blocks: Blocks, bytes: Buffer): { at: number; passed: readonly number[] | undefined } {
    let passed: readonly number[] | undefined;
    let i = 0;
    while (i < blocks.length) {
      const j = spanEnd(blocks, i);
      const hits = prefilter!.match(bytes.subarray(blocks[i]![0], blocks[j - 1]![1]));
      if (anyDue(rule, hits, passed ?? NO_HITS)) return { at: i, passed };
      passed = hits;
      i = j;
    }
    return { at: i, passed };
  }

  const wantedBy = (detectOptions: EngineDetectOptions) => {
    const wanted = detectOptions.detectors;
    return (detector: CompiledDetector) => !wanted || wanted.includes(detector.definition.id);
  };

  /** The run of one text with its column patterns searched; the prefilter's part is the caller's. */
  function startRun(text: string, plan: HeaderPlan, columnHeader: string | undefined, referenceDate: Date, isWanted: (d: CompiledDetector) => boolean): DetectRun {
    const run: DetectRun = { text, header: plan.header, columnHeader, referenceDate, drafts: [] };
    for (const { detector, pattern } of plan.cellPatterns) if (isWanted(detector)) confirm(detector, pattern, run, text, 0);
    return run;
  }

  /**
   * detectOne() for a text given as its bytes (EngineText.ascii or .utf8), when the text path's first step can be
   * taken on them: no column pattern reads the text first, and a long text is asked about in spans. Undefined
   * when it cannot. A short text is one prefilter call on the bytes, the one the text path makes on its UTF-8. A
   * long one is cut where blocksOf() cuts its text (for UTF-8, utf8BlocksOf finds those cuts in the bytes), so
   * each span's bytes are that span's UTF-8: until the first block with something due, this is the text path's
   * own prefilter calls on the same bytes (see firstDueBlock); from there on it is the text path itself, which
   * reads ASCII bytes in place of the text's UTF-8 (BlockScan.bytes).
   */
  function detectFromBytes(item: EngineText, plan: HeaderPlan, detectOptions: EngineDetectOptions, isWanted: (d: CompiledDetector) => boolean): DetectedOne | undefined {
    const given = item.ascii ?? item.utf8;
    if (!given || !prefilter || plan.cellPatterns.length > 0) return undefined;
    const bytes = bufferOf(given);
    // Only ASCII bytes are at the text's own offsets.
    const asText = item.ascii ? bytes : undefined;
    const rule: DueRule = { facts: plan.facts, isWanted };
    if (bytes.length <= 2 * BLOCK_SIZE) {
      const hits = prefilter.match(bytes);
      if (!anyDue(rule, hits, NO_HITS)) return { findings: [], nothingDue: true };
      // No longer than its bytes: one block on the text path too, whose prefilter answer these hits are.
      const text = textOf(item);
      const scan = startScan(text, plan, item.columnHeader, detectOptions, isWanted, asText);
      scanBlock(scan, 0, text.length, hits);
      return { findings: finish(scan.run, detectOptions), nothingDue: false };
    }
    if (!spansExact || blockSpans.blocks <= 1) return undefined;
    const cuts = asText ? sameCuts([...blocksOf(bytes)]) : utf8BlocksOf(bytes, BLOCK_SIZE);
    if (!cuts) return undefined;
    const { at, passed } = firstDueBlock(rule, cuts.bytes, bytes);
    if (at === cuts.bytes.length) return { findings: [], nothingDue: false };
    const scan = startScan(textOf(item), plan, item.columnHeader, detectOptions, isWanted, asText);
    scanSpans(scan, cuts.chars, at, passed);
    return { findings: finish(scan.run, detectOptions), nothingDue: false };
  }

  function startScan(
    text: string,
    plan: HeaderPlan,
    columnHeader: string | undefined,
    detectOptions: EngineDetectOptions,
    isWanted: (d: CompiledDetector) => boolean,
    bytes?: Buffer,
  ): BlockScan {
    const run = startRun(text, plan, columnHeader, detectOptions.referenceDate ?? new Date(), isWanted);
    return { run, bytes, facts: plan.facts, isWanted, previousHits: NO_HITS, due: [] };
  }

  /** detect(), and whether the prefilter left no pattern due in a short text (false for a long one). */
  function detectOne(item: EngineText, detectOptions: EngineDetectOptions, isWanted: (d: CompiledDetector) => boolean): DetectedOne {
    if (lengthOf(item) === 0) return { findings: [], nothingDue: true };
    const { columnHeader } = item;
    const plan = planFor(columnHeader);
    const fromBytes = detectFromBytes(item, plan, detectOptions, isWanted);
    if (fromBytes) return fromBytes;
    const text = textOf(item);
    const scan = startScan(text, plan, columnHeader, detectOptions, isWanted);
    const { run } = scan;
    if (!prefilter) return { findings: finish(run, detectOptions), nothingDue: true };
    let nothingDue = false;
    // A cell or a short text is one block: no generator for it.
    if (text.length <= 2 * BLOCK_SIZE) {
      scanBlock(scan, 0, text.length);
      nothingDue = scan.due.length === 0;
    } else if (spansExact && blockSpans.blocks > 1) scanSpans(scan, [...blocksOf(text)]);
    else for (const [blockStart, blockEnd] of blocksOf(text)) scanBlock(scan, blockStart, blockEnd);
    return { findings: finish(run, detectOptions), nothingDue };
  }

  function detect(text: string, detectOptions: EngineDetectOptions = {}): Finding[] {
    return detectOne({ text, columnHeader: detectOptions.columnHeader }, detectOptions, wantedBy(detectOptions)).findings;
  }

  // Texts joined by newlines may be asked about together only when what the prefilter finds in a text alone it
  // finds in the joined text too: every entry matches within a line, and the joined prefilter is made for it.
  const joinedPrefilter = () => (spansExact ? compiled.joinedPrefilter : undefined);

  /**
   * Whether no pattern can be due in any of texts[from, to) judged by the prefilter's answer for all of them
   * joined: as isDue() with the union of their header facts, so a pattern due in one text alone is due here.
   * `plans` holds each text's header plan, from `from` on.
   */
  function nothingDueIn(texts: readonly EngineText[], from: number, to: number, plans: readonly HeaderPlan[], isWanted: (d: CompiledDetector) => boolean): boolean {
    let joined = textOf(texts[from]!);
    for (let k = from + 1; k < to; k++) joined += '\n' + textOf(texts[k]!);
    const hits = joinedPrefilter()!.match(scratchUtf8(joined));
    for (const index of hits) {
      const entry = patternOfSetIndex.get(index);
      if (!entry || !isWanted(entry.detector)) continue;
      if (!entry.pattern.spec.gated || hits.includes(entry.detector.gateIndex)) return false;
      for (let k = 0; k < to - from; k++) if (plans[k]!.facts[entry.facts]!.opensGate) return false;
    }
    return true;
  }

  /** The header plans of the group being asked about, reused group after group. */
  const groupPlans: HeaderPlan[] = [];

  /**
   * How many texts the next group holds. It doubles after a group (or a text) with nothing due and drops to a
   * quarter after one with something, so a clean table is asked about 64 cells at a time and a roster with an
   * identifier on every row falls back to asking cell by cell at the cost of a few groups. It changes only
   * how many prefilter calls are made, never the findings.
   */
  let groupSize = 1;
  const GROUP_MAX = 64;

  function detectEach(texts: readonly EngineText[], detectOptions: Omit<EngineDetectOptions, 'columnHeader'> = {}): Finding[][] {
    const isWanted = wantedBy(detectOptions);
    const out: Finding[][] = new Array<Finding[]>(texts.length);
    const alone = (k: number): void => {
      const result = detectOne(texts[k]!, detectOptions, isWanted);
      out[k] = result.findings;
      // An empty text says nothing about the table, and a long one is never grouped.
      const length = lengthOf(texts[k]!);
      if (length === 0 || length > 2 * BLOCK_SIZE) return;
      groupSize = result.nothingDue ? Math.min(GROUP_MAX, groupSize * 2) : Math.max(1, groupSize >> 2);
    };
    if (!prefilter || !joinedPrefilter()) {
      for (let k = 0; k < texts.length; k++) out[k] = detectOne(texts[k]!, detectOptions, isWanted).findings;
      return out;
    }
    const referenceDate = detectOptions.referenceDate ?? new Date();
    let i = 0;
    while (i < texts.length) {
      // A group is one block at most, joined, so the scratch holds it.
      let j = i;
      let chars = -1;
      while (j < texts.length && j - i < groupSize && lengthOf(texts[j]!) > 0 && chars + 1 + lengthOf(texts[j]!) <= 2 * BLOCK_SIZE) {
        chars += 1 + lengthOf(texts[j]!);
        j++;
      }
      if (j - i <= 1) {
        alone(i);
        i++;
        continue;
      }
      for (let k = i; k < j; k++) groupPlans[k - i] = planFor(texts[k]!.columnHeader);
      if (nothingDueIn(texts, i, j, groupPlans, isWanted)) {
        // What detect() does once its prefilter call leaves nothing due: the column patterns alone.
        for (let k = i; k < j; k++) {
          out[k] = finish(startRun(textOf(texts[k]!), groupPlans[k - i]!, texts[k]!.columnHeader, referenceDate, isWanted), detectOptions);
        }
        groupSize = Math.min(GROUP_MAX, groupSize * 2);
      } else {
        for (let k = i; k < j; k++) out[k] = detectOne(texts[k]!, detectOptions, isWanted).findings;
        groupSize = Math.max(1, groupSize >> 2);
      }
      i = j;
    }
    return out;
  }

  /** Allow list, dedupe, line and column, document context and the confidence floor. */
  function finish(run: DetectRun, detectOptions: EngineDetectOptions): Finding[] {
    const { text } = run;
    const { minConfidence = 'low' } = detectOptions;
    if (allow) run.drafts = run.drafts.filter((d) => !allow.allows(d.detector, d.value, d.normalized));
    if (run.drafts.length === 0) return [];
    const lines = new LineIndex(text);
    // Field by field rather than spread: the same object, a fraction of the cost on a table's many findings.
    const findings = dedupe(run.drafts).map((draft): Finding => {
      const { line, column } = lines.locate(draft.start);
      return {
        detector: draft.detector,
        hipaa: draft.hipaa,
        role: draft.role,
        start: draft.start,
        end: draft.end,
        value: draft.value,
        normalized: draft.normalized,
        confidence: draft.confidence,
        reasons: draft.reasons,
        line,
        column,
      };
    });
    const raised = detectOptions.documentHasPatientIdentifier ? findings.map(raiseForDocument) : findings;
    return raised.filter((f) => atLeast(f.confidence, minConfidence));
  }

  return { detectors, detect, detectEach };
}
