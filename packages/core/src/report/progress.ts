import type { ScanProgress } from '../scan-types.js';
import { formatBytes, formatCount } from './format.js';

export interface ProgressLineOptions {
  /** Minimum time between two redraws: redrawing on every event would cost more than a small file's scan. */
  intervalMs?: number;
  now?: () => number;
}

const CLEAR_LINE = '\r\u001b[2K';

/**
 * One status line on a terminal (stderr), redrawn in place with `\r`. Only for a TTY: the caller decides;
 * in a log file the redraws would be thousands of lines.
 */
export class ProgressLine {
  readonly #out: NodeJS.WritableStream & { columns?: number };
  readonly #intervalMs: number;
  readonly #now: () => number;
  #lastDrawAt = Number.NEGATIVE_INFINITY;
  #drawn = false;

  constructor(out: NodeJS.WritableStream, options: ProgressLineOptions = {}) {
    this.#out = out;
    this.#intervalMs = options.intervalMs ?? 100;
    this.#now = options.now ?? Date.now;
  }

  update(progress: ScanProgress): void {
    const now = this.#now();
    if (now - this.#lastDrawAt < this.#intervalMs) return;
    this.#lastDrawAt = now;
    this.#out.write(CLEAR_LINE + this.#fit(progressText(progress)));
    this.#drawn = true;
  }

  /** Removes the line, so whatever is printed next starts on a clean line. */
  clear(): void {
    if (!this.#drawn) return;
    this.#out.write(CLEAR_LINE);
    this.#drawn = false;
    // The next update draws at once rather than leaving the terminal blank for an interval.
    this.#lastDrawAt = Number.NEGATIVE_INFINITY;
  }

  /** A line wider than the terminal wraps, and `\r` then redraws only its last part. */
  #fit(text: string): string {
    const columns = this.#out.columns;
    return columns && text.length >= columns ? text.slice(0, Math.max(0, columns - 2)) + '…' : text;
  }
}

export function progressText(progress: ScanProgress): string {
  const seconds = Math.max(progress.elapsedMs / 1000, 0.001);
  const filesPerSecond = Math.round(progress.filesDone / seconds);
  const bytesPerSecond = progress.bytesDone / seconds;
  return (
    `phi-scan: ${formatCount(progress.filesDone)}/${formatCount(progress.filesSeen)} files, ` +
    `${formatBytes(progress.bytesDone)}, ${formatCount(progress.filesWithFindings)} with PHI, ` +
    `${formatCount(filesPerSecond)} files/s, ${formatBytes(bytesPerSecond)}/s`
  );
}
