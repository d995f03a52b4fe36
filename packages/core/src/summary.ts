import type { Confidence } from '@phi-scan/detectors';
import type { FileResult } from './types.js';
import type { RiskiestFile, ScanSummary } from './scan-types.js';
import { ExposureTally } from './exposure/tally.js';
import { findingCount, findingCountsByDetector } from './file-findings.js';

type TopFile = ScanSummary['topFiles'][number];

const TOP_FILES_LIMIT = 10;
const ENCRYPTED_FILES_LIMIT = 20;

export interface SummaryBuilderOptions {
  minConfidence: Confidence;
  /** False when the scan ran with `reveal`. */
  masked: boolean;
  startedAt?: Date;
  /** Injected so tests get a stable duration. */
  now?: () => number;
}

/**
 * Folds file results into a ScanSummary. Holds counters and at most ten top and ten riskiest files, so a scan of
 * millions of files costs the same memory as a scan of ten; the one part that grows is the patient linking
 * (exposure/tally.ts), at tens of bytes per record key in typed arrays, never a JS object per record.
 */
export class SummaryBuilder {
  readonly #options: SummaryBuilderOptions;
  readonly #now: () => number;
  readonly #startedAt: Date;
  #filesScanned = 0;
  #filesSkipped = 0;
  #filesFailed = 0;
  #filesWithFindings = 0;
  #bytesScanned = 0;
  #findings = 0;
  #records = 0;
  readonly #findingsByDetector = new Map<string, number>();
  readonly #skippedByReason = new Map<string, number>();
  readonly #failedByReason = new Map<string, number>();
  readonly #topFiles: TopFile[] = [];
  readonly #riskiest: RiskiestFile[] = [];
  readonly #exposure = new ExposureTally();
  readonly #encrypted: string[] = [];

  constructor(options: SummaryBuilderOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#startedAt = options.startedAt ?? new Date(this.#now());
  }

  add(result: FileResult): void {
    switch (result.status) {
      case 'scanned':
        this.#filesScanned += 1;
        this.#bytesScanned += result.bytes;
        break;
      case 'skipped':
        this.#filesSkipped += 1;
        increment(this.#skippedByReason, result.reason ?? 'unspecified');
        if (result.reason === 'encrypted' && this.#encrypted.length < ENCRYPTED_FILES_LIMIT) this.#encrypted.push(result.path);
        break;
      case 'error':
        this.#filesFailed += 1;
        increment(this.#failedByReason, result.reason ?? 'unspecified');
        break;
    }
    // A failed or skipped file may still carry findings from the part read before it stopped: count them all.
    for (const { detector, count } of findingCountsByDetector(result)) increment(this.#findingsByDetector, detector, count);
    const findings = findingCount(result);
    this.#findings += findings;
    this.#records += result.records;
    if (findings > 0 || result.records > 0) {
      this.#filesWithFindings += 1;
      this.#offerTopFile({ path: result.path, records: result.records, findings });
      if (result.risk) {
        const riskiest: RiskiestFile = { path: result.path, records: result.records, findings, risk: result.risk };
        if (result.access) riskiest.access = result.access;
        offer(this.#riskiest, riskiest, riskRanksAbove);
      }
    }
    this.#exposure.add(result);
  }

  summary({ complete }: { complete: boolean }): ScanSummary {
    return {
      type: 'summary',
      complete,
      filesSeen: this.#filesScanned + this.#filesSkipped + this.#filesFailed,
      filesScanned: this.#filesScanned,
      filesSkipped: this.#filesSkipped,
      filesFailed: this.#filesFailed,
      filesWithFindings: this.#filesWithFindings,
      bytesScanned: this.#bytesScanned,
      findings: this.#findings,
      findingsByDetector: sortedRecord(this.#findingsByDetector),
      records: this.#records,
      skippedByReason: sortedRecord(this.#skippedByReason),
      failedByReason: sortedRecord(this.#failedByReason),
      topFiles: this.#topFiles.map((file) => ({ ...file })),
      ...this.#exposure.figures(),
      riskiestFiles: this.#riskiest.map((file) => ({ ...file })),
      ...(this.#encrypted.length ? { encryptedFiles: [...this.#encrypted] } : {}),
      minConfidence: this.#options.minConfidence,
      masked: this.#options.masked,
      startedAt: this.#startedAt.toISOString(),
      durationMs: Math.max(0, this.#now() - this.#startedAt.getTime()),
    };
  }

  #offerTopFile(candidate: TopFile): void {
    offer(this.#topFiles, candidate, ranksAbove);
  }
}

/** Keeps `top` the best TOP_FILES_LIMIT candidates seen so far, best first. */
function offer<T>(top: T[], candidate: T, above: (a: T, b: T) => boolean): void {
  const last = top[top.length - 1];
  if (top.length === TOP_FILES_LIMIT && last !== undefined && !above(candidate, last)) return;
  const at = top.findIndex((file) => above(candidate, file));
  top.splice(at === -1 ? top.length : at, 0, candidate);
  if (top.length > TOP_FILES_LIMIT) top.pop();
}

/** Highest score first; records, then the path, break ties. */
function riskRanksAbove(a: RiskiestFile, b: RiskiestFile): boolean {
  if (a.risk.score !== b.risk.score) return a.risk.score > b.risk.score;
  if (a.records !== b.records) return a.records > b.records;
  return a.path < b.path;
}

/** Most records first; findings break ties, then the path, so the order does not depend on scan order. */
function ranksAbove(a: TopFile, b: TopFile): boolean {
  if (a.records !== b.records) return a.records > b.records;
  if (a.findings !== b.findings) return a.findings > b.findings;
  return a.path < b.path;
}

function increment(counts: Map<string, number>, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

/** Largest count first, so the report reads top-down; names break ties for a stable output. */
function sortedRecord(counts: Map<string, number>): Record<string, number> {
  const entries = [...counts].sort(([aKey, aCount], [bKey, bCount]) => bCount - aCount || (aKey < bKey ? -1 : 1));
  return Object.fromEntries(entries);
}
