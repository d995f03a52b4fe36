import {
  applyDocumentContext,
  createEngine,
  CONFIDENCE_ORDER,
  type Confidence,
  type DetectionEngine,
  type Finding,
} from '@phi-scan/detectors';
import { extractText } from './extract/index.js';
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
  fingerprintKey: string;
  limits: ExtractLimits;
}

export interface Analyzer {
  analyze(bytes: Uint8Array, path: string): Promise<FileResult>;
  analyzeSegments(segments: readonly TextSegment[], path: string, format: string, bytes: number): FileResult;
}

export function defaultAnalysisSettings(overrides: Partial<AnalysisSettings> & { fingerprintKey: string }): AnalysisSettings {
  return { minConfidence: 'medium', reveal: false, explain: false, limits: DEFAULT_EXTRACT_LIMITS, ...overrides };
}

/**
 * Bytes in, one file's result out: extract, detect per segment, apply document context, keep what reaches the
 * confidence floor, group into patient records, then mask. Raw values never leave this function unless the
 * scan reveals them.
 */
export function createAnalyzer(settings: AnalysisSettings): Analyzer {
  const engine: DetectionEngine = createEngine({ detectors: settings.detectors, mrnPatterns: settings.mrnPatterns });
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
    const extractStarted = performance.now();
    const extracted = await extractText(bytes, path, settings.limits);
    const extractMs = performance.now() - extractStarted;
    if (!extracted.ok) {
      const skipped = extracted.reason === 'encrypted' || extracted.reason === 'unsupported' || extracted.reason === 'no-text' || extracted.reason === 'too-large';
      return {
        type: 'file',
        path,
        status: skipped ? 'skipped' : 'error',
        reason: extracted.reason,
        message: extracted.message,
        format: extracted.format,
        bytes: bytes.length,
        findings: [],
        records: 0,
        timings: { readMs: 0, extractMs, detectMs: 0 },
      };
    }
    const detectStarted = performance.now();
    const result = analyzeSegments(extracted.segments, path, extracted.format, bytes.length);
    result.timings = { readMs: 0, extractMs, detectMs: performance.now() - detectStarted };
    if (extracted.degraded) result.degraded = extracted.degraded;
    if (extracted.encoding) result.encoding = extracted.encoding;
    return result;
  }

  return { analyze, analyzeSegments };
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
  if ('line' in location) return { line: location.line + finding.line - 1, column: finding.column };
  if ('page' in location) return { page: location.page, line: finding.line, column: finding.column };
  if ('part' in location && finding.line > 1) return { ...location, line: finding.line, column: finding.column };
  return { ...location };
}
