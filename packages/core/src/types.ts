import type { Confidence, ConfidenceReason, HipaaCategory, FindingRole } from '@phi-scan/detectors';
import type {
  DicomTagLocation,
  Hl7FieldLocation,
  MailLocation,
  X12ElementLocation,
  PageLocation,
  PartLocation,
  PathLocation,
  SheetCellLocation,
  TableCellLocation,
  TextLocation,
} from './extract/types.js';
import type { StageTimings } from './stats.js';
import type { PackedFindingsData } from './packed-findings.js';

/** A file the crawl saw. Streams out of the crawl one at a time; never collected into a list. */
export interface FileEntry {
  path: string;
  size: number;
  mtimeMs: number;
  mode: number;
  uid: number;
  gid: number;
  /** Set when the crawl itself decides not to scan the entry (symlink, FIFO, over the size limit, unreadable). */
  skip?: { status: 'skipped' | 'error'; reason: SkipReason | ErrorReason; message: string };
  /** Base64 of the path's bytes when they are not UTF-8; `path` then spells them as `\xNN` escapes. */
  rawPath?: string;
  /**
   * Set when the crawl listed a regular file without an lstat (CrawlOptions.deferStat): `size`, `mtimeMs` and
   * ownership are then zero, and whoever reads the file takes them from its own fstat.
   */
  statDeferred?: true;
}

export type SkipReason = 'too-large' | 'symlink' | 'not-regular-file' | 'encrypted' | 'unsupported' | 'no-text';

export type ErrorReason = 'corrupt' | 'timeout' | 'worker-crashed' | 'permission-denied' | 'vanished' | 'not-found' | 'read-error' | 'interrupted' | 'internal-error';

export type FileStatus = 'scanned' | 'skipped' | 'error';

/**
 * Where a finding sits: the segment's location, made exact with the line and column (1-based) where the
 * segment spans lines — a text file, a PDF page, a multi-line DOCX paragraph. Table cells are exact already.
 */
export type ReportedLocation =
  | (TextLocation & { column: number })
  | (PageLocation & { line: number; column: number })
  | (PartLocation & { line?: number; column?: number })
  | SheetCellLocation
  | TableCellLocation
  | Hl7FieldLocation
  | PathLocation
  | X12ElementLocation
  | DicomTagLocation
  | (MailLocation & { column: number });

/** A finding as it leaves the worker: the value is already masked unless the scan was asked to reveal. */
export interface ReportedFinding {
  detector: string;
  hipaa: HipaaCategory;
  role: FindingRole;
  /** Masked (e.g. `***-**-6789`) unless `reveal` was set. */
  value: string;
  confidence: Confidence;
  location: ReportedLocation;
  /** Keyed HMAC-SHA-256 (hex, truncated) of the normalized value: links equal values without holding them. */
  fingerprint: string;
  /** Index into the file's `recordList` of the patient record this finding belongs to, if any. */
  record?: number;
  reasons?: ConfidenceReason[];
}

/** One patient record inside a file: what identifies it and whether it carries health information. */
export interface PatientRecord {
  /** Detector ids present in the record, sorted, e.g. ['dob', 'icd10', 'name']. */
  identifiers: string[];
  /** The record pairs an identifier with health information (ICD code, …): PHI, not only PII. */
  phi: boolean;
  /** Fingerprints of the record's strong identifiers, for linking across files. */
  keys: string[];
}

/** Who can read a file, in the terms of its mode bits and its owner's account. */
export interface FileAccess {
  uid: number;
  /** The account name, where the scanning machine's /etc/passwd knows the uid. */
  user?: string;
  gid: number;
  group?: string;
  /** Permission bits in octal, e.g. `0644`. */
  mode: string;
  groupReadable: boolean;
  worldReadable: boolean;
  worldWritable: boolean;
}

export interface FileRisk {
  /** 0–100: sensitivity (patients, identifier kinds, health information) scaled by accessibility. */
  score: number;
  level: 'high' | 'medium' | 'low';
  /** The parts of the score, so a reader can see why one file outranks another. */
  sensitivity: number;
  accessibility: number;
}

export interface FileResult {
  type: 'file';
  path: string;
  /** As FileEntry.rawPath: the exact bytes of a path that is not UTF-8, so a report loses no name. */
  rawPath?: string;
  status: FileStatus;
  /** Why skipped or failed; absent for a clean scan. */
  reason?: SkipReason | ErrorReason;
  /** One line a person understands; never file content. */
  message?: string;
  format?: string;
  bytes: number;
  mtime?: string;
  findings: ReportedFinding[];
  /** Distinct patient records the file exposes. */
  records: number;
  recordList?: PatientRecord[];
  /** Extraction worked but may have missed text. */
  degraded?: string;
  encoding?: string;
  durationMs?: number;
  /** Per-stage worker time, for --stats; never part of the machine formats. */
  timings?: StageTimings;
  /** Who can read the file (owner, group, mode bits); set for files with findings, on the main thread (exposure/access.ts). */
  access?: FileAccess;
  /**
   * Owner and mode bits as the reader's fstat saw them (for a file inside an archive or a mail: the outermost
   * file's), so access needs no second stat and no parsing of `!` out of a path. Never part of the machine formats.
   */
  ownership?: { uid: number; gid: number; mode: number };
  /** How sensitive and how exposed the file is, 0–100; set for files with findings (exposure/risk.ts). */
  risk?: FileRisk;
  /**
   * Set on a file found inside another (archive member, mail attachment): the path of the file that holds it.
   * Its own `path` reads `outer.zip!dir/inner.tar.gz!file.docx`.
   */
  container?: string;
  /** Set on an archive or a mail: how many files inside it were reported (each as a result of its own). */
  members?: number;
  /**
   * Only between a worker and the main thread: the findings in columns, `findings` then empty. scan() turns it
   * back into `findings` (file-findings.ts) before a caller sees the result.
   */
  packed?: PackedFindingsData;
}
