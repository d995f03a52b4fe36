import {
  applyDocumentContext,
  createEngine,
  CONFIDENCE_ORDER,
  type Confidence,
  type DetectionEngine,
  type CustomDetectorConfig,
  type Finding,
  type ListEntry,
} from '@phi-scan/detectors';
import { newArchiveBudget } from './extract/archive.js';
import { extractText, type ExtractContext } from './extract/index.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits, type TextSegment } from './extract/types.js';
import { createFingerprinter, type Fingerprinter } from './fingerprint.js';
import { maskValue } from './mask.js';
import { groupRecords, type LocatedFinding } from './records.js';
import type { FileResult, ReportedFinding, ReportedLocation } from './types.js';

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
export function createAnalyzer(settings: AnalysisSettings): Analyzer {
  const engine: DetectionEngine = createEngine({
    detectors: settings.detectors,
    mrnPatterns: settings.mrnPatterns,
    custom: settings.customDetectors,
    allow: settings.allow,
    deny: settings.deny,
  });
  const fingerprint = createFingerprinter(settings.fingerprintKey);

  function analyzeSegments(segments: readonly TextSegment[], path: string, format: string, bytes: number): FileResult {
    const located: { finding: Finding; segment: TextSegment }[] = [];
    for (const segment of segments) {
      const findings = engine.detect(segment.text, { columnHeader: segment.columnHeader, minConfidence: 'low' });
      for (const finding of findings) located.push({ finding, segment });
    }
    const withContext = applyDocumentContext(located.map((l) => l.finding));
    const floor = CONFIDENCE_ORDER[settings.minConfidence];
    const kept: LocatedFinding[] = [];
    const keptSegments: TextSegment[] = [];
    withContext.forEach((finding, i) => {
      if (CONFIDENCE_ORDER[finding.confidence] < floor) return;
      const segment = located[i]!.segment;
      kept.push({ finding, recordKey: segment.recordKey });
      keptSegments.push(segment);
    });
    const { records, recordOf } = groupRecords(kept, fingerprint);
    const findings = kept.map(({ finding }, i) =>
      reportFinding(finding, keptSegments[i]!, recordOf[i], settings, fingerprint),
    );
    return { type: 'file', path, status: 'scanned', format, bytes, findings, records: records.length, recordList: records };
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
    const extracted = await extractText(bytes, path, settings.limits, context);
    const extractMs = performance.now() - extractStarted;
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
      failed.timings = { readMs: 0, extractMs, detectMs: 0 };
      return { result: failed };
    }
    const detectStarted = performance.now();
    const result = analyzeSegments(extracted.segments, path, extracted.format, bytes.length);
    result.timings = { readMs: 0, extractMs, detectMs: performance.now() - detectStarted };
    if (extracted.degraded) result.degraded = extracted.degraded;
    if (extracted.encoding) result.encoding = extracted.encoding;
    return { result, extracted };
  }

  return { analyze, analyzeAll, analyzeSegments };
}

function reportFinding(
  finding: Finding,
  segment: TextSegment,
  record: number | undefined,
  settings: AnalysisSettings,
  fingerprint: Fingerprinter,
): ReportedFinding {
  const reported: ReportedFinding = {
    detector: finding.detector,
    hipaa: finding.hipaa,
    role: finding.role,
    value: settings.reveal ? finding.value : maskValue(finding.detector, finding.value),
    confidence: finding.confidence,
    location: locate(segment, finding),
    fingerprint: fingerprint(finding.detector, finding.normalized),
  };
  if (record !== undefined) reported.record = record;
  if (settings.explain) reported.reasons = finding.reasons;
  return reported;
}

/** Text and page segments span lines: report the line within the file or page; other shapes are exact already. */
function locate(segment: TextSegment, finding: Finding): ReportedLocation {
  const location = segment.location;
  if ('message' in location) return { ...location };
  // A tree path names the value; where the parser gave its line, a long text value still gets the exact line.
  if ('path' in location) return location.line === undefined ? { ...location } : { ...location, line: location.line + finding.line - 1 };
  if ('email' in location) return { ...location, line: location.line + finding.line - 1, column: finding.column };
  if ('line' in location) return { line: location.line + finding.line - 1, column: finding.column };
  if ('page' in location) return { page: location.page, line: finding.line, column: finding.column };
  if ('part' in location && finding.line > 1) return { ...location, line: finding.line, column: finding.column };
  return { ...location };
}
