import {
  createEngine,
  CONFIDENCE_ORDER,
  hasPatientIdentifier,
  lengthOf,
  raiseForDocument,
  type Confidence,
  type ConfidenceReason,
  type DetectionEngine,
  type CustomDetectorConfig,
  type Finding,
  type ListEntry,
} from '@phi-scan/detectors';
import { newArchiveBudget } from './extract/archive-formats.js';
import { extractText, type ExtractContext } from './extract/index.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits, type SegmentSink, type TextSegment } from './extract/types.js';
import { createFingerprinter, type Fingerprinter } from './fingerprint.js';
import { maskValue } from './mask.js';
import { FindingPacker, PackedFindings } from './packed-findings.js';
import { groupRecordsOf } from './records.js';
import type { FileResult, ReportedLocation } from './types.js';

/** Everything a file's analysis depends on besides its bytes; fixed for a whole scan. */
export interface AnalysisSettings {
  minConfidence: Confidence;
  reveal: boolean;
  explain: boolean;
  detectors?: readonly string[];
  mrnPatterns?: readonly string[];
  customDetectors?: readonly CustomDetectorConfig[];
  allow?: readonly ListEntry[];
  deny?: readonly ListEntry[];
  fingerprintKey: string;
  limits: ExtractLimits;
}

export interface Analyzer {
  /** The file's own result; the files inside an archive or a mail are not opened (see analyzeAll). */
  analyze(bytes: Uint8Array, path: string): Promise<FileResult>;
  /**
   * The file's own result first, then one result per file inside it (archive members, mail attachments, and
   * theirs in turn), each with a path like `outer.zip!dir/inner.tar.gz!file.docx`.
   */
  analyzeAll(bytes: Uint8Array, path: string): Promise<FileResult[]>;
  analyzeSegments(segments: readonly TextSegment[], path: string, format: string, bytes: number): FileResult;
}

/** Extraction outcomes that are a decision not to read (reported as skipped), not a failure to read. */
const SKIP_REASONS = new Set<string>(['encrypted', 'unsupported', 'no-text', 'too-large']);

export function defaultAnalysisSettings(overrides: Partial<AnalysisSettings> & { fingerprintKey: string }): AnalysisSettings {
  return { minConfidence: 'medium', reveal: false, explain: false, limits: DEFAULT_EXTRACT_LIMITS, ...overrides };
}

/**
 * Bytes in, one file's result out: extract, detect per segment, apply document context, keep what reaches the
 * confidence floor, group into patient records, then mask. Raw values never leave this function unless the
 * scan reveals them.
 */
export interface AnalyzerOptions {
  /**
   * Results with at least `packMinFindings` findings carry them in columns (`packed`) for the trip to the main
   * thread, `findings` then empty; smaller ones travel as objects, which costs them less.
   */
  packed?: boolean;
  /** Default 1024: below it, columns cost a file more than they save (tens of µs per file on a docx set). */
  packMinFindings?: number;
}

const PACK_MIN_FINDINGS = 1024;

export function createAnalyzer(settings: AnalysisSettings, options: AnalyzerOptions = {}): Analyzer {
  const packFrom = options.packed === true ? (options.packMinFindings ?? PACK_MIN_FINDINGS) : Infinity;
  const engine: DetectionEngine = createEngine({
    detectors: settings.detectors,
    mrnPatterns: settings.mrnPatterns,
    custom: settings.customDetectors,
    allow: settings.allow,
    deny: settings.deny,
  });
  // Remembered across the worker's files too: small exports repeat the same codes, dates and names.
  const fingerprint = cachedFingerprinter(createFingerprinter(settings.fingerprintKey));
  const packers = new PackerPool();

  function analyzeSegments(segments: readonly TextSegment[], path: string, format: string, bytes: number): FileResult {
    const file = new FileFindings(engine, settings, fingerprint, packers);
    for (const segment of segments) file.add(segment);
    return file.result(path, format, bytes, packFrom);
  }

  async function analyze(bytes: Uint8Array, path: string): Promise<FileResult> {
    return (await analyzeExtracted(bytes, path, { depth: 0, budget: newArchiveBudget() })).result;
  }

  async function analyzeAll(bytes: Uint8Array, path: string): Promise<FileResult[]> {
    const out: FileResult[] = [];
    await analyzeInto(bytes, path, { depth: 0, budget: newArchiveBudget() }, out);
    return out;
  }

  /**
   * Depth first, in container order: a member's own members follow it. The container's result is pushed
   * before its members are read and completed after (member count, what was cut short), so the order of
   * results matches the order a person would list the archive in.
   */
  async function analyzeInto(bytes: Uint8Array, path: string, context: ExtractContext, out: FileResult[], mtimeMs?: number): Promise<void> {
    const { result, extracted } = await analyzeExtracted(bytes, path, context);
    if (mtimeMs !== undefined && Number.isFinite(mtimeMs)) result.mtime = new Date(mtimeMs).toISOString();
    out.push(result);
    const members = extracted?.ok ? extracted.members : undefined;
    if (!members) return;
    let count = 0;
    for await (const member of members) {
      count++;
      const memberPath = `${path}!${member.name}`;
      const base = { type: 'file' as const, path: memberPath, container: path, findings: [], records: 0 };
      const mtime = member.mtimeMs !== undefined && Number.isFinite(member.mtimeMs) ? { mtime: new Date(member.mtimeMs).toISOString() } : {};
      if (member.special) {
        const message = member.special === 'symlink' ? 'symbolic link inside an archive (not followed)' : 'not a regular file';
        out.push({ ...base, status: 'skipped', reason: member.special, message, bytes: 0, ...mtime });
      } else if (member.failure || !member.bytes) {
        const failed = member.failure ?? { reason: 'corrupt' as const, message: 'member could not be read', format: 'unknown' };
        const skipped = SKIP_REASONS.has(failed.reason);
        out.push({ ...base, status: skipped ? 'skipped' : 'error', reason: failed.reason, message: failed.message, bytes: 0, ...mtime });
      } else {
        const at = out.length;
        await analyzeInto(member.bytes, memberPath, { depth: context.depth + 1, budget: context.budget }, out, member.mtimeMs);
        out[at]!.container = path;
      }
    }
    result.members = count;
    if (members.failure && count === 0) {
      const skipped = SKIP_REASONS.has(members.failure.reason);
      Object.assign(result, { status: skipped ? 'skipped' : 'error', reason: members.failure.reason, message: members.failure.message });
    }
    const degraded = [result.degraded, ...members.notes].filter(Boolean).join('; ');
    if (degraded) result.degraded = degraded;
  }

  async function analyzeExtracted(
    bytes: Uint8Array,
    path: string,
    context: ExtractContext,
  ): Promise<{ result: FileResult; extracted?: Awaited<ReturnType<typeof extractText>> }> {
    const extractStarted = performance.now();
    // Table extractors hand cells to `file` as they read them, so detection runs inside extraction.
    const file = new FileFindings(engine, settings, fingerprint, packers);
    const extracted = await extractText(bytes, path, settings.limits, { ...context, sink: file, lazyAscii: true });
    const extractMs = performance.now() - extractStarted - file.detectMs;
    if (!extracted.ok) {
      const skipped = SKIP_REASONS.has(extracted.reason);
      const failed: FileResult = {
        type: 'file',
        path,
        status: skipped ? 'skipped' : 'error',
        reason: extracted.reason,
        message: extracted.message,
        format: extracted.format,
        bytes: bytes.length,
        findings: [],
        records: 0,
      };
      failed.timings = { readMs: 0, extractMs, detectMs: file.detectMs };
      return { result: failed };
    }
    for (const segment of extracted.segments) file.add(segment);
    // Flushes time themselves; what result() takes (the last flush, document context, records, columns) is
    // detection's too, so detectMs is read before it.
    const detectedBefore = file.detectMs;
    const resultStarted = performance.now();
    const result = file.result(path, extracted.format, bytes.length, packFrom);
    result.timings = { readMs: 0, extractMs, detectMs: detectedBefore + (performance.now() - resultStarted) };
    if (extracted.degraded) result.degraded = extracted.degraded;
    if (extracted.encoding) result.encoding = extracted.encoding;
    return { result, extracted };
  }

  return { analyze, analyzeAll, analyzeSegments };
}

/**
 * One file's findings, gathered segment by segment as the extractor produces them (a SegmentSink), so a large
 * table holds its findings and never all its cells. Kept findings go into columns (packed-findings.ts), not an
 * object each, with what only the end of the file decides kept beside them: whether the file holds a patient
 * identifier (document context raises contact identifiers), the patient records, and the fingerprints (keyed
 * by the normalized value, which the report never carries). Confidence reasons are kept only for --explain.
 */
/** Cells up to this length are remembered (see FileFindings.flush); longer text is rarely repeated. */
const MEMO_MAX_CHARS = 64;
const MEMO_MAX_ENTRIES = 16_384;
/** Segments are detected a few hundred at a time (see FileFindings.flush), so a flush holds a few KiB of text. */
const PENDING_MAX_SEGMENTS = 256;
const PENDING_MAX_CHARS = 64 * 1024;
const NO_FINDINGS: readonly Finding[] = [];

/** What a finding reports that depends on the finding alone, not where it sits: computed once per memoized cell. */
interface Prepared {
  kind: number;
  value: number;
  fingerprint: number;
  normalized: number;
  confidence: number;
  raised: number;
  raisedReasons?: ConfidenceReason[];
}

/** A cell's findings, and what they report, computed the first time the cell is met (see FileFindings.flush). */
interface Detected {
  /** Filled in when the flush that first met the cell has its answer. */
  findings: readonly Finding[];
  prepared?: Prepared[];
}

class FileFindings implements SegmentSink {
  /** Made on the first finding: most files of a share have none. */
  private packerOf: FindingPacker | undefined;
  /** The row's record key, as the last segment gave it: a row's cells follow each other. */
  private lastRecordKey: { key: string | undefined; id: number } = { key: undefined, id: -1 };
  private reasons: ConfidenceReason[][] = [];
  private raisedReasons: (ConfidenceReason[] | undefined)[] = [];
  private hasPatient = false;
  private readonly memo = new Map<string | undefined, Map<string, Detected>>();
  /** Segments given to add() and not yet detected, in order. */
  private pending: TextSegment[] = [];
  private pendingChars = 0;
  private memoSize = 0;
  private readonly floor: number;
  private readonly explain: boolean;
  /** Time spent in the engine, so the caller can tell extraction from detection. */
  detectMs = 0;

  /** `fingerprint` should remember what it computed (cachedFingerprinter): a table repeats its values. */
  constructor(
    private readonly engine: DetectionEngine,
    private readonly settings: AnalysisSettings,
    private readonly fingerprint: Fingerprinter,
    private readonly packers: PackerPool,
  ) {
    this.floor = CONFIDENCE_ORDER[settings.minConfidence];
    this.explain = settings.explain;
  }

  add(segment: TextSegment): void {
    this.pending.push(segment);
    // Not segment.text: a whole ASCII or UTF-8 file's text is made only if the detectors need it (TextSegment.ascii, .utf8).
    this.pendingChars += lengthOf(segment);
    if (this.pending.length >= PENDING_MAX_SEGMENTS || this.pendingChars >= PENDING_MAX_CHARS) this.flush();
  }

  /**
   * Detects the pending segments, in order, together (engine.detectEach): a cell alone costs a prefilter call
   * of ~1 µs, most cells hold nothing, and asked about 64 at a time they cost a fraction of that.
   *
   * A table repeats values down its columns (codes, dates, statuses, a patient on many rows), and the engine's
   * findings depend only on the text and its column header (offsets are within the cell): a short cell seen
   * before under the same header takes the findings of the first time, also within one flush. Findings are
   * read, never changed, so sharing them is safe. Per file and bounded, so it holds no more than a few
   * thousand cells.
   */
  private flush(): void {
    const { pending } = this;
    if (pending.length === 0) return;
    const started = performance.now();
    const detected = new Array<Detected>(pending.length);
    const asked: TextSegment[] = [];
    const answers: Detected[] = [];
    for (let k = 0; k < pending.length; k++) {
      const segment = pending[k]!;
      const memoized = lengthOf(segment) <= MEMO_MAX_CHARS;
      let known = memoized ? this.remembered(segment) : undefined;
      if (!known) {
        known = { findings: NO_FINDINGS };
        if (memoized) this.remember(segment, known);
        asked.push(segment);
        answers.push(known);
      }
      detected[k] = known;
    }
    const found = this.engine.detectEach(asked, { minConfidence: 'low' });
    for (let m = 0; m < answers.length; m++) answers[m]!.findings = found[m]!;
    for (let k = 0; k < pending.length; k++) if (detected[k]!.findings.length > 0) this.take(detected[k]!, pending[k]!);
    this.pending = [];
    this.pendingChars = 0;
    this.detectMs += performance.now() - started;
  }

  private remembered({ text, columnHeader }: TextSegment): Detected | undefined {
    return this.memo.get(columnHeader)?.get(text);
  }

  private remember({ text, columnHeader }: TextSegment, detected: Detected): void {
    if (this.memoSize >= MEMO_MAX_ENTRIES) {
      this.memo.clear();
      this.memoSize = 0;
    }
    let byText = this.memo.get(columnHeader);
    if (!byText) {
      byText = new Map();
      this.memo.set(columnHeader, byText);
    }
    byText.set(text, detected);
    this.memoSize++;
  }

  private get packer(): FindingPacker {
    return (this.packerOf ??= this.packers.take());
  }

  reset(): void {
    this.pending = [];
    this.pendingChars = 0;
    if (this.packerOf) this.packers.give(this.packerOf);
    this.packerOf = undefined;
    this.lastRecordKey = { key: undefined, id: -1 };
    this.reasons = [];
    this.raisedReasons = [];
    this.hasPatient = false;
    this.memo.clear();
    this.memoSize = 0;
  }

  /**
   * Masking, the fingerprint and document context depend on the finding only, and a memoized cell keeps what
   * they gave: a column of 100,000 repeated codes masks each distinct code once.
   */
  private prepare(finding: Finding): Prepared {
    const raised = raiseForDocument(finding);
    return {
      kind: this.packer.kindOf(finding.detector, finding.hipaa, finding.role),
      value: this.packer.intern(this.settings.reveal ? finding.value : maskValue(finding.detector, finding.value)),
      fingerprint: this.packer.intern(this.fingerprint(finding.detector, finding.normalized)),
      normalized: this.packer.local.intern(finding.normalized),
      confidence: CONFIDENCE_ORDER[finding.confidence],
      raised: raised === finding ? FindingPacker.NOT_RAISED : CONFIDENCE_ORDER[raised.confidence],
      ...(raised !== finding && this.explain ? { raisedReasons: raised.reasons } : {}),
    };
  }

  private take(detected: Detected, segment: TextSegment): void {
    const { findings } = detected;
    // Document context looks at every finding, those below the floor included, as applyDocumentContext does.
    if (!this.hasPatient && hasPatientIdentifier(findings)) this.hasPatient = true;
    const recordKey = this.recordKeyId(segment.recordKey);
    const prepared = (detected.prepared ??= findings.map((finding) => this.prepare(finding)));
    for (let j = 0; j < findings.length; j++) {
      const finding = findings[j]!;
      const { kind, value, fingerprint, confidence, raised, normalized, raisedReasons } = prepared[j]!;
      // Below the floor even if raised: it can never be reported.
      if ((raised === FindingPacker.NOT_RAISED ? confidence : raised) < this.floor) continue;
      this.packer.push(kind, value, fingerprint, confidence, raised, normalized, recordKey, locate(segment, finding));
      if (this.explain) {
        this.reasons.push(finding.reasons);
        this.raisedReasons.push(raisedReasons);
      }
    }
  }

  private recordKeyId(key: string | undefined): number {
    if (key === undefined) return -1;
    if (key !== this.lastRecordKey.key) this.lastRecordKey = { key, id: this.packer.recordKeyId(key) };
    return this.lastRecordKey.id;
  }

  /** From `packFrom` findings on, they stay in columns for the trip to the main thread (see packed-findings.ts). */
  result(path: string, format: string, bytes: number, packFrom = Infinity): FileResult {
    this.flush();
    const packer = this.packerOf;
    if (!packer) {
      this.reset();
      return { type: 'file', path, status: 'scanned', format, bytes, findings: [], records: 0, recordList: [] };
    }
    const { reasons } = this;
    // Document context is only known at the end of the file: it decides the confidence, then who stays.
    let kept = 0;
    for (let i = 0; i < packer.count; i++) {
      const raised = packer.raised[i]!;
      const confidence = this.hasPatient && raised !== FindingPacker.NOT_RAISED ? raised : packer.confidence[i]!;
      if (confidence < this.floor) continue;
      packer.move(i, kept, confidence);
      if (this.explain) reasons[kept] = (this.hasPatient ? this.raisedReasons[i] : undefined) ?? reasons[i]!;
      kept++;
    }
    packer.truncate(kept);
    if (this.explain) reasons.length = kept;
    const { kinds, kind, normalized, recordKey } = packer;
    const local = packer.local.strings;
    const { records, recordOf } = groupRecordsOf(
      {
        length: kept,
        detector: (i) => kinds[kind[i]!]!.detector,
        role: (i) => kinds[kind[i]!]!.role,
        normalized: (i) => local[normalized[i]!]!,
        recordKey: (i) => (recordKey[i]! < 0 ? undefined : recordKey[i]),
      },
      this.fingerprint,
    );
    const data = packer.pack(recordOf, this.explain ? reasons : undefined);
    const result: FileResult = { type: 'file', path, status: 'scanned', format, bytes, findings: [], records: records.length, recordList: records };
    if (kept >= packFrom) {
      result.packed = data;
      // Its columns move with the result: the packer is not handed back.
      this.packerOf = undefined;
    } else {
      result.findings = new PackedFindings(data).materialize();
    }
    this.reset();
    return result;
  }
}

/**
 * One packer per analyzer, reused file after file: a share's small files would otherwise each allocate a dozen
 * typed arrays for a handful of findings. Files are analyzed one at a time (a container's own result is done
 * before its members are read), so one spare is enough.
 */
class PackerPool {
  #spare: FindingPacker | undefined;

  take(): FindingPacker {
    const packer = this.#spare ?? new FindingPacker();
    this.#spare = undefined;
    return packer;
  }

  give(packer: FindingPacker): void {
    packer.clear();
    this.#spare = packer;
  }
}

/**
 * An HMAC per finding was a tenth of a large table's time, and a roster repeats the same names, dates and
 * codes row after row: equal values get the same fingerprint, so the ones computed are remembered (bounded).
 */
function cachedFingerprinter(fingerprint: Fingerprinter): Fingerprinter {
  // By detector, then value: a key string built per lookup (detector, NUL, value) cost more than the map.
  const byDetector = new Map<string, Map<string, string>>();
  let size = 0;
  return (detector, normalized) => {
    let cache = byDetector.get(detector);
    if (!cache) byDetector.set(detector, (cache = new Map()));
    let hash = cache.get(normalized);
    if (hash === undefined) {
      hash = fingerprint(detector, normalized);
      if (size >= 65_536) {
        for (const values of byDetector.values()) values.clear();
        size = 0;
      }
      cache.set(normalized, hash);
      size++;
    }
    return hash;
  };
}

/**
 * Text and page segments span lines: report the line within the file or page; other shapes are exact already
 * and come back as the segment's own object (the packer only reads it, and a million cells need no copies).
 */
function locate(segment: TextSegment, finding: Finding): ReportedLocation {
  const location = segment.location;
  if ('message' in location) return location;
  // A tree path names the value; where the parser gave its line, a long text value still gets the exact line.
  if ('path' in location) return location.line === undefined ? location : { ...location, line: location.line + finding.line - 1 };
  if ('email' in location) return { ...location, line: location.line + finding.line - 1, column: finding.column };
  if ('line' in location) return { line: location.line + finding.line - 1, column: finding.column };
  if ('page' in location) return { page: location.page, line: finding.line, column: finding.column };
  if ('part' in location && finding.line > 1) return { ...location, line: finding.line, column: finding.column };
  return location;
}
