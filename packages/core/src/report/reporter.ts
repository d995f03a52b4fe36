import type { FileResult } from '../types.js';
import type { ScanSummary } from '../scan-types.js';
import { colorWanted } from './format.js';

/**
 * Every report format behind one shape: results stream in as files complete, bytes stream out. A reporter
 * keeps no list of results; whatever it needs at the end comes from the summary.
 */
export interface Reporter {
  /**
   * Resolves once the bytes are queued for the output, which gets them by the end of the current tick (the
   * results of one tick go as one write); awaiting it makes a slow output slow the scan down.
   */
  file(result: FileResult): Promise<void>;
  /** Writes the closing part and resolves once the output has flushed it. Does not close the stream. */
  end(summary: ScanSummary): Promise<void>;
}

export type ReportFormat = 'text' | 'json' | 'jsonl' | 'csv' | 'sarif' | 'html';

export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'jsonl', 'csv', 'sarif', 'html'];

export interface ReporterOptions {
  /** The findings carry raw values; the text report says so prominently. */
  reveal: boolean;
  /** Include each finding's confidence reasons (text: a line per finding, with its masked value). */
  explain?: boolean;
  /** Text: a line per file with findings (and per failed file). */
  verbose?: boolean;
  /** Text: ANSI colour. Default: only when the output is a TTY and NO_COLOR is not set. */
  color?: boolean;
  /** CSV: a row per finding (default) or per file. */
  csvPer?: 'finding' | 'file';
  /** SARIF: the tool version to name in the report. */
  toolVersion?: string;
}

/** Colour is decided before a reporter is made (only the text report uses it). */
export type ReporterClass = new (out: NodeJS.WritableStream, options: ReporterOptions & { color: boolean }) => Reporter;

/** One way to make any format's reporter, whether its class was imported up front or on demand. */
export function construct(Reporter: ReporterClass, out: NodeJS.WritableStream, options: ReporterOptions): Reporter {
  return new Reporter(out, { ...options, color: options.color ?? colorWanted(out) });
}
