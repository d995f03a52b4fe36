/**
 * Where a piece of extracted text sits in its file. Exactly one shape per format family, serialised as-is
 * into the report's `location` (plus `line`/`column` within the segment where the segment spans lines).
 */
/** Plain text: 1-based line of the segment's first character. */
export interface TextLocation { line: number }
/** PDF: 1-based page. */
export interface PageLocation { page: number }
/** DOCX: zip part (word/document.xml, word/header1.xml, …) and 1-based paragraph within it. */
export interface PartLocation { part: string; paragraph: number }
/** XLSX: `column` is the header text (or the column letter when the sheet has no header row). */
export interface SheetCellLocation { sheet: string; cell: string; row: number; column: string }
/** CSV/TSV: 1-based data row (header row excluded) and the column header (or 1-based index). */
export interface TableCellLocation { row: number; column: string }
/** HL7 v2: 1-based message in the batch, field such as 'PID-19', and the file line of its segment. */
export interface Hl7FieldLocation { message: number; field: string; line: number }
/** X12 EDI: 1-based transaction set (ST…SE), 1-based segment within the interchange, and the element (`NM1-03`). */
export interface X12ElementLocation { transaction: number; segment: number; element: string }
/** DICOM header: the tag as `(0010,0010)` and its keyword (`PatientName`). */
export interface DicomTagLocation { tag: string; keyword: string }
/** E-mail: 1-based message in the file (an mbox holds many), the section (`header Subject`, `body`), the line in it. */
export interface MailLocation { email: number; section: string; line: number }
/**
 * JSON and XML: where the value sits in the tree, JSONPath-like ('$.patients[3].dob') or XPath-like
 * ('/PatientExport/Patient[3]/DOB'), and the file line where the parser gives it cheaply (XML, NDJSON).
 */
export interface PathLocation { path: string; line?: number }

/**
 * Where a piece of extracted text sits in its file, one shape per format family, serialised as-is into the
 * report's `location` (made exact with line and column where the segment spans lines).
 */
export type SegmentLocation =
  | TextLocation
  | PageLocation
  | PartLocation
  | SheetCellLocation
  | TableCellLocation
  | Hl7FieldLocation
  | PathLocation
  | X12ElementLocation
  | DicomTagLocation
  | MailLocation;

export interface TextSegment {
  text: string;
  location: SegmentLocation;
  /** Column header of a table cell: context for the detectors. */
  columnHeader?: string;
  /**
   * Explicit record boundary the format gives: rows of a table ('row:12', 'Sheet1:row:12'), messages of an
   * HL7 batch ('message:3'). Free text has none and is grouped by the record grouper.
   */
  recordKey?: string;
  /**
   * The text's bytes, when the text is a file's whole content and all of it ASCII: the detectors read these and
   * decode `text` (then a getter) only where something may be found (see EngineText.ascii). A copy that
   * changes `text` must leave it out.
   */
  ascii?: Uint8Array;
  /**
   * The text's bytes, when the text is a file's whole content, valid UTF-8 with no BOM and not all ASCII: the
   * detectors screen these and decode `text` (then a getter) only when something may be found (see
   * EngineText.utf8). Offsets in them are not the text's. A copy that changes `text` must leave it out.
   */
  utf8?: Uint8Array;
}

/** Why an extractor could not produce text. Stable strings: they appear in reports as `reason`. */
export type ExtractFailureReason =
  | 'encrypted'
  | 'corrupt'
  | 'too-large'
  | 'timeout'
  | 'unsupported'
  | 'no-text';

export interface ExtractSuccess {
  ok: true;
  /** The format that produced the text, e.g. 'text', 'md', 'json', 'xml', 'html', 'csv', 'hl7', 'pdf', 'docx', 'xlsx'. */
  format: string;
  segments: TextSegment[];
  /** Set when the extractor recovered from damage or may have missed text (warnings from the parser). */
  degraded?: string;
  /** Text encoding detected for text formats ('utf-8', 'utf-16le', 'utf-16be', 'latin1'). */
  encoding?: string;
  /**
   * Files inside this one (archive members, mail attachments), each to be scanned and reported like a file
   * of its own. Lazy so an archive holds one inflated member in memory at a time.
   */
  members?: ContainedFiles;
}

/** Files inside a container, read lazily; `notes` and `failure` are filled in while iterating. */
export interface ContainedFiles extends AsyncIterable<ContainedFile> {
  /** What was cut short and why (members over the entry limit, a damaged tail): the container's `degraded`. */
  notes: string[];
  /** The container turned out unreadable as a whole (set before any member came out). */
  failure?: ExtractFailure;
}

/** A file inside a container: its bytes, or why they could not be had (encrypted member, over a limit). */
export interface ContainedFile {
  /** Path inside the container, `/`-separated ('dir/inner.tar.gz', 'attachment.pdf'). */
  name: string;
  bytes?: Uint8Array;
  failure?: ExtractFailure;
  /** When the container records it (zip, tar). */
  mtimeMs?: number;
  /** Not a regular file (a symlink in a tar): reported as skipped with this reason. */
  special?: 'symlink' | 'not-regular-file';
}

export interface ExtractFailure {
  ok: false;
  format: string;
  reason: ExtractFailureReason;
  /** One line a person understands. Never contains file content. */
  message: string;
}

export type ExtractResult = ExtractSuccess | ExtractFailure;

export interface ExtractLimits {
  /** Upper bound on inflated bytes of one zip part (OOXML), to refuse zip bombs. */
  maxInflatedBytes: number;
  /** Upper bound on the total characters of extracted text. */
  maxTextChars: number;
  /**
   * Largest JSON or XML text parsed into a tree (a parsed tree costs several times the text). Larger files are
   * still scanned, as text. Optional so callers that build limits by hand keep working.
   */
  maxStructuredChars?: number;
  /** Archives inside archives are opened to this depth (the scanned file is depth 0). Default 5. */
  maxArchiveDepth?: number;
  /** Members listed beyond this count are counted, not read. Default 10 000. */
  maxArchiveEntries?: number;
  /** Upper bound on one member's unpacked bytes. Default 256 MiB. */
  maxArchiveMemberBytes?: number;
  /** Upper bound on all members' unpacked bytes in one scanned file, nested archives included. Default 1 GiB. */
  maxArchiveTotalBytes?: number;
  /** Unpacked bytes per compressed byte a member may reach once past 1 MiB (a bomb reaches ~1000). Default 200. */
  maxInflationRatio?: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxInflatedBytes: 512 * 1024 * 1024,
  maxTextChars: 256 * 1024 * 1024,
  maxStructuredChars: 64 * 1024 * 1024,
};

/**
 * Takes segments as an extractor produces them, so a large table is detected while it is read rather than
 * held whole. An extractor that was given a sink hands it every segment and returns `segments: []`; one that
 * ignores the sink returns its segments as before, and the caller treats them the same way.
 */
export interface SegmentSink {
  add(segment: TextSegment): void;
  /**
   * Forget every segment given so far: the extractor is starting over (the streaming XLSX reader met a
   * workbook it cannot follow and exceljs reads it again from the start).
   */
  reset(): void;
}

/**
 * One extractor per format family. Never throws: every failure comes back as an ExtractFailure.
 * Extractors never read files themselves: the worker reads, the extractor gets bytes. `sink` is optional:
 * table extractors (CSV, TSV, XLSX), PDF and the office documents (DOCX, PPTX, OpenDocument) use it, the
 * others return their segments.
 */
export type Extractor = (bytes: Uint8Array, limits: ExtractLimits, sink?: SegmentSink) => Promise<ExtractResult>;
