import type { FileResult } from './types.js';

/**
 * Where one file's time went inside its worker (milliseconds, fractional). Extraction and detection are
 * split because a slow scan is either a parser problem or a pattern problem, and the fixes differ.
 */
export interface StageTimings {
  readMs: number;
  extractMs: number;
  detectMs: number;
}

interface FormatTotals {
  files: number;
  bytes: number;
  extractMs: number;
}

/**
 * Folds per-file timings into totals per stage and per format, for `phi-scan scan --stats`. Holds one
 * counter set per format, so memory does not grow with the number of files.
 */
export class ScanStats {
  #files = 0;
  #bytes = 0;
  #readMs = 0;
  #detectMs = 0;
  readonly #formats = new Map<string, FormatTotals>();
  /** Main-thread time spent waiting for the crawl to list the next entry. */
  crawlMs = 0;
  /** Main-thread time spent in the reporter (formatting and writing results). */
  reportMs = 0;

  add(result: FileResult): void {
    this.#files++;
    this.#bytes += result.bytes;
    const t = result.timings;
    if (!t) return;
    this.#readMs += t.readMs;
    this.#detectMs += t.detectMs;
    const format = result.format ?? 'unknown';
    const totals = this.#formats.get(format) ?? { files: 0, bytes: 0, extractMs: 0 };
    totals.files++;
    totals.bytes += result.bytes;
    totals.extractMs += t.extractMs;
    this.#formats.set(format, totals);
  }

  /**
   * A plain table on the reader's terminal. Worker stages add up across threads, so their share is of
   * wall time × threads; what is left of that is time workers waited (for tasks, for the main thread).
   */
  format(wallMs: number, threads: number): string {
    const workerBudget = Math.max(1, wallMs * threads);
    const extractMs = [...this.#formats.values()].reduce((sum, f) => sum + f.extractMs, 0);
    const busy = this.#readMs + extractMs + this.#detectMs;
    const rows: [string, number, string, string][] = [
      ['crawl (main thread, waiting)', this.crawlMs, share(this.crawlMs, wallMs), ''],
      ['read', this.#readMs, share(this.#readMs, workerBudget), `${this.#files} files, ${mb(this.#bytes)}`],
    ];
    const formats = [...this.#formats.entries()].sort((a, b) => b[1].extractMs - a[1].extractMs);
    for (const [format, f] of formats) {
      rows.push([`extract ${format}`, f.extractMs, share(f.extractMs, workerBudget), `${f.files} files, ${mb(f.bytes)}`]);
    }
    rows.push(['detect', this.#detectMs, share(this.#detectMs, workerBudget), '']);
    rows.push(['workers idle or in transit', Math.max(0, workerBudget - busy), share(Math.max(0, workerBudget - busy), workerBudget), '']);
    rows.push(['report (main thread)', this.reportMs, share(this.reportMs, wallMs), '']);
    const width = Math.max(...rows.map((r) => r[0].length));
    const lines = [`phi-scan stats: ${seconds(wallMs)} s wall, ${threads} worker thread(s); worker stages are summed over threads`];
    for (const [label, ms, pct, note] of rows) {
      lines.push(`  ${label.padEnd(width)}  ${seconds(ms).padStart(8)} s  ${pct.padStart(6)}  ${note}`.trimEnd());
    }
    return lines.join('\n');
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

function share(part: number, whole: number): string {
  return `${((100 * part) / Math.max(1, whole)).toFixed(1)}%`;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
