import { createHash } from 'node:crypto';
import type { AnalysisSettings } from './analyze.js';
import { openCrawl } from './crawl.js';
import { batchesUnstated, dispatch, poolLimitsOf } from './dispatch.js';
import { adoptPackedFindings, findingCount } from './file-findings.js';
import { DEFAULT_EXTRACT_LIMITS } from './extract/types.js';
import { randomFingerprintKey } from './fingerprint.js';
import type { ScanEvent, ScanOptions } from './scan-types.js';
import type { FileEntry } from './types.js';

export const DEFAULT_MAX_FILE_SIZE = 256 * 1024 * 1024;
export const DEFAULT_FILE_TIMEOUT_MS = 60_000;
const PROGRESS_INTERVAL_MS = 200;

/**
 * Scans the roots and yields every file the crawl saw as it completes, plus progress events. Memory does not
 * grow with the number of files: entries stream from the crawl, results stream out, nothing is collected.
 */
export async function* scan(roots: readonly string[], options: ScanOptions = {}): AsyncGenerator<ScanEvent> {
  const settings = settingsFrom(options);
  // Compiled once here so an invalid site pattern fails the scan with its own message, not every worker task.
  // Without anything the caller wrote there is nothing that can fail: the built-ins are not compiled (30-70 ms)
  // on a thread that never detects.
  if (hasCallerPatterns(settings)) (await import('./analyze.js')).createAnalyzer(settings);
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const started = performance.now();
  const progress = { type: 'progress' as const, filesSeen: 0, filesDone: 0, bytesDone: 0, filesWithFindings: 0, elapsedMs: 0, crawlMs: 0 };
  let lastProgress = 0;

  const entries = await openCrawl(roots, {
    include: options.include,
    exclude: options.exclude,
    ignorePath: options.ignorePath,
    maxFileSize,
    followSymlinks: options.followSymlinks,
    signal: options.signal,
    // A worker fstats every file it opens: the crawl's lstat only matters where size decides a task.
    deferStat: batchesUnstated,
  });
  const counted = function* (): Generator<FileEntry> {
    try {
      for (;;) {
        // Only the wait for the next entry is the crawl's: time between yields is dispatch's.
        const waitStarted = performance.now();
        const next = entries.next();
        progress.crawlMs += performance.now() - waitStarted;
        if (next.done) return;
        progress.filesSeen++;
        yield next.value;
      }
    } finally {
      // An interrupted scan stops the crawl as a for-of would.
      entries.return(undefined);
    }
  };
  const { onEntry } = options;
  // The test seam may wait (to change a file in that window): only then is each entry an async step.
  const listed = onEntry
    ? (async function* () {
        for (const entry of counted()) {
          await onEntry(entry);
          yield entry;
        }
      })()
    : counted();

  for await (const result of dispatch(listed, {
    ...poolLimitsOf(options),
    fileTimeoutMs: options.fileTimeoutMs ?? DEFAULT_FILE_TIMEOUT_MS,
    maxFileSize,
    followSymlinks: options.followSymlinks,
    settings,
    settingsId: createHash('sha256').update(JSON.stringify(settings)).digest('hex'),
    signal: options.signal,
  })) {
    adoptPackedFindings(result);
    progress.filesDone++;
    // Archive members and mail attachments are files the crawl could not see: they are seen when they arrive.
    if (result.container !== undefined) progress.filesSeen++;
    if (result.status === 'scanned') progress.bytesDone += result.bytes;
    if (findingCount(result)) progress.filesWithFindings++;
    yield result;
    const now = performance.now();
    if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
      lastProgress = now;
      yield { ...progress, elapsedMs: Math.round(now - started) };
    }
  }
  yield { ...progress, elapsedMs: Math.round(performance.now() - started) };
}

export function settingsFrom(options: ScanOptions, defaultKey?: string): AnalysisSettings {
  const key = options.fingerprintKey ?? defaultKey ?? randomFingerprintKey();
  return {
    minConfidence: options.minConfidence ?? 'medium',
    reveal: options.reveal ?? false,
    explain: options.explain ?? false,
    detectors: options.detectors ? [...options.detectors] : undefined,
    mrnPatterns: options.mrnPatterns ? [...options.mrnPatterns] : undefined,
    customDetectors: options.customDetectors ? [...options.customDetectors] : undefined,
    allow: options.allow ? [...options.allow] : undefined,
    deny: options.deny ? [...options.deny] : undefined,
    fingerprintKey: typeof key === 'string' ? key : Buffer.from(key).toString('hex'),
    limits: DEFAULT_EXTRACT_LIMITS,
  };
}

/** Detector ids, site patterns, custom detectors and lists come from the caller and may not compile. */
function hasCallerPatterns(settings: AnalysisSettings): boolean {
  return [settings.detectors, settings.mrnPatterns, settings.customDetectors, settings.allow, settings.deny].some((given) => given !== undefined);
}
