import { createAnalyzer, type Analyzer } from './analyze.js';
import { readListedFile } from './read-file.js';
import { DEFAULT_MAX_FILE_SIZE, settingsFrom } from './scan-roots.js';
import { randomFingerprintKey } from './fingerprint.js';
import type { ScanOptions } from './scan-types.js';
import type { FileResult } from './types.js';

// The pool-driven scan lives apart so a program that only drives scans loads no detectors on its main thread.
export { scan, DEFAULT_MAX_FILE_SIZE, DEFAULT_FILE_TIMEOUT_MS } from './scan-roots.js';

/** Scans one file in the calling thread: no pool, no crawl. For tools that already know which file. */
export async function scanFile(filePath: string, options: Omit<ScanOptions, 'threads' | 'include' | 'exclude'> = {}): Promise<FileResult> {
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const read = readListedFile(filePath, maxFileSize);
  if (!read.ok) {
    return { type: 'file', path: filePath, status: read.status, reason: read.reason, message: read.message, bytes: 0, findings: [], records: 0 };
  }
  return analyzerFor(options).analyze(read.bytes, filePath);
}

/** Scans a string as a plain-text document (e.g. a clipboard or a message body). */
export function scanText(text: string, options: Omit<ScanOptions, 'threads' | 'include' | 'exclude'> & { name?: string } = {}): FileResult {
  return analyzerFor(options).analyzeSegments([{ text, location: { line: 1 } }], options.name ?? '<text>', 'text', Buffer.byteLength(text));
}

/**
 * Compiling the detectors takes milliseconds, scanning a short text microseconds: a library caller that scans
 * strings or files one call at a time reuses the analyzer of equal settings. Without a key of its own, every
 * call in this process shares one random key, so fingerprints from separate calls still link.
 */
const analyzers = new Map<string, Analyzer>();
const ANALYZERS_KEPT = 8;
let processFingerprintKey: string | undefined;

function analyzerFor(options: ScanOptions): Analyzer {
  const settings = settingsFrom(options, (processFingerprintKey ??= randomFingerprintKey()));
  const id = JSON.stringify(settings);
  let analyzer = analyzers.get(id);
  if (!analyzer) {
    if (analyzers.size >= ANALYZERS_KEPT) analyzers.delete(analyzers.keys().next().value!);
    analyzer = createAnalyzer(settings);
    analyzers.set(id, analyzer);
  }
  return analyzer;
}

