import type { Confidence, CustomDetectorConfig, ListEntry } from '@phi-scan/detectors';
import type { FileAccess, FileEntry, FileResult, FileRisk } from './types.js';

export interface ScanOptions {
  /** Worker threads (default: available cores). */
  threads?: number;
  /** Globs relative to each root; default everything. */
  include?: readonly string[];
  exclude?: readonly string[];
  /**
   * Leaves paths out as `exclude` does, decided by code (e.g. gitignore rules): called with each path relative
   * to its root, `/`-separated, a folder with a trailing `/` (so a whole folder is never walked).
   */
  ignorePath?: (relativePath: string) => boolean;
  /** Files larger than this are skipped with reason `too-large` (default 256 MiB). */
  maxFileSize?: number;
  /** Findings below this confidence are dropped (default 'medium'). */
  minConfidence?: Confidence;
  /** Report raw matched values instead of masked ones (default false). */
  reveal?: boolean;
  /** Keep per-finding confidence reasons in results (for --explain). */
  explain?: boolean;
  /** Per-file deadline; a file still being read, extracted or scanned then is reported as `timeout` (default 60 s). */
  fileTimeoutMs?: number;
  /** Heap limit of one worker, 64 to 65536 MiB; a file that needs more is reported as `worker-crashed` (default 1024 MiB). */
  workerMaxOldGenerationMb?: number;
  followSymlinks?: boolean;
  /** Key for the findings' HMAC fingerprints; a random per-scan key when absent. */
  fingerprintKey?: string | Uint8Array;
  /** Detector ids to run (default all). */
  detectors?: readonly string[];
  /** Site-specific MRN formats (RE2 sources). */
  mrnPatterns?: readonly string[];
  /** Detectors from the operator's configuration; an invalid one fails the scan with an error naming it. */
  customDetectors?: readonly CustomDetectorConfig[];
  /** Values or RE2 patterns never reported (the clinic's own phone number, a published test MRN). */
  allow?: readonly ListEntry[];
  /** Values or RE2 patterns always reported, as detector `deny-list`. */
  deny?: readonly ListEntry[];
  /** Stops the scan: results already done are yielded, the rest are not started. */
  signal?: AbortSignal;
  /**
   * Called with each entry after the crawl listed it and before a worker reads it. A seam for tests, which
   * use it to delete or truncate a file in exactly that window.
   */
  onEntry?: (entry: FileEntry) => void | Promise<void>;
}

export interface ScanProgress {
  type: 'progress';
  filesSeen: number;
  filesDone: number;
  bytesDone: number;
  filesWithFindings: number;
  elapsedMs: number;
  /** Main-thread time spent waiting for the crawl to list entries so far (for --stats). */
  crawlMs?: number;
}

export type ScanEvent = FileResult | ScanProgress;

export interface ScanSummary {
  type: 'summary';
  /** False when the scan was interrupted (SIGINT, abort): the counts cover only what was reached. */
  complete: boolean;
  filesSeen: number;
  filesScanned: number;
  filesSkipped: number;
  filesFailed: number;
  filesWithFindings: number;
  bytesScanned: number;
  findings: number;
  findingsByDetector: Record<string, number>;
  /** Sum over files of the distinct patient records each exposes. */
  records: number;
  skippedByReason: Record<string, number>;
  failedByReason: Record<string, number>;
  /** The files exposing the most records (at most 10), most first. */
  topFiles: { path: string; records: number; findings: number }[];
  /**
   * Distinct patients across the whole scan: records linked across files by the keyed fingerprints of their
   * strong identifiers (SSN, MRN, name with date of birth). See exposure/link.ts for what links.
   */
  distinctPatients?: number;
  /** Distinct patients any of whose records pairs an identifier with health information. */
  distinctPhiPatients?: number;
  /** Files exposing at least one patient record. */
  filesExposingPatients?: number;
  /** Records pairing an identifier with health information (PHI), and records of identifiers only (PII). */
  phiRecords?: number;
  piiRecords?: number;
  /** Records by the identifiers that make them identifying, e.g. `{"dob+icd10+mrn+name": 12}`, most first. */
  recordsByIdentifiers?: Record<string, number>;
  /** Distinct patients per folder (at most 20 folders, most first). */
  patientsByFolder?: { folder: string; patients: number; records: number; files: number }[];
  /** The files with the highest risk score (at most 10), highest first. */
  riskiestFiles?: RiskiestFile[];
  /**
   * The first encrypted files met (at most 20; the count is skippedByReason.encrypted). A password-protected
   * file on a share cannot be checked for PHI, which is a finding for the audit in its own right.
   */
  encryptedFiles?: string[];
  minConfidence: Confidence;
  masked: boolean;
  startedAt: string;
  durationMs: number;
}

export interface RiskiestFile {
  path: string;
  records: number;
  findings: number;
  risk: FileRisk;
  access?: FileAccess;
}
