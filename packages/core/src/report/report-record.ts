import type { FileResult, ReportedFinding } from '../types.js';

/**
 * The file object of the machine formats (jsonl, json). Other tools parse these field names: add fields,
 * never rename or remove one. Built field by field rather than serialising FileResult as-is, so that an
 * internal field added to FileResult does not silently become part of the public format, and the field
 * order stays stable for people reading the lines. Absent fields stay `undefined`, which JSON.stringify leaves
 * out: `"reason"` appears only when there is one.
 */
export interface ReportFile {
  type: 'file';
  path: string;
  /** Base64 of the path's bytes, only when they are not UTF-8 (`path` then shows them as `\xNN`). */
  rawPath?: string;
  status: FileResult['status'];
  reason?: string;
  message?: string;
  format?: string;
  bytes: number;
  mtime?: string;
  findings: ReportFinding[];
  records: number;
  recordList?: FileResult['recordList'];
  degraded?: string;
  encoding?: string;
  durationMs?: number;
  /** Set on a file inside another (archive member, mail attachment): the path of the file holding it. */
  container?: string;
  /** Set on an archive or a mail: how many files inside it are reported, each as a file object of its own. */
  members?: number;
  access?: FileResult['access'];
  risk?: FileResult['risk'];
}

export interface ReportFinding {
  detector: string;
  value: string;
  confidence: ReportedFinding['confidence'];
  location: ReportedFinding['location'];
  fingerprint: string;
  hipaa: ReportedFinding['hipaa'];
  role: ReportedFinding['role'];
  record?: number;
  reasons?: ReportedFinding['reasons'];
}

export interface ReportFileOptions {
  /** Keep each finding's confidence reasons (`--explain`); they are verbose, so off by default. */
  explain?: boolean;
}

export function toReportFile(result: FileResult, options: ReportFileOptions = {}): ReportFile {
  return reportFileOf(
    result,
    result.findings.map((finding) => toReportFinding(finding, options)),
  );
}

/**
 * The file object around findings given apart, so a writer can put them in itself (file-json.ts). One object
 * literal on purpose: spreading a head and a tail made every small file's line five times slower to stringify.
 */
export function reportFileOf(result: FileResult, findings: ReportFinding[]): ReportFile {
  return {
    type: 'file',
    path: result.path,
    rawPath: result.rawPath,
    status: result.status,
    reason: result.reason,
    message: result.message,
    format: result.format,
    bytes: result.bytes,
    mtime: result.mtime,
    findings,
    records: result.records,
    recordList: result.recordList,
    degraded: result.degraded,
    encoding: result.encoding,
    durationMs: result.durationMs,
    container: result.container,
    members: result.members,
    access: result.access,
    risk: result.risk,
  };
}

function toReportFinding(finding: ReportedFinding, options: ReportFileOptions): ReportFinding {
  return {
    detector: finding.detector,
    value: finding.value,
    confidence: finding.confidence,
    location: finding.location,
    fingerprint: finding.fingerprint,
    hipaa: finding.hipaa,
    role: finding.role,
    record: finding.record,
    reasons: options.explain ? finding.reasons : undefined,
  };
}
