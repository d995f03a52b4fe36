import type { FileResult } from '@phi-scan/core';
import type { Baseline } from './baseline.js';
import { loadIgnoreFile } from './ignore-file.js';
import type { PathIgnore } from './path-ignore.js';

/** What the operator asked to leave out of a report: ignored paths, and findings already in a baseline. */
export class ResultFilters {
  readonly #ignore: PathIgnore | undefined;
  readonly #baseline: Baseline | undefined;

  constructor(ignore?: PathIgnore, baseline?: Baseline) {
    this.#ignore = ignore;
    this.#baseline = baseline;
  }

  /** Handed to the crawl, so ignored folders are never walked and ignored files never read. */
  get ignorePath(): ((relativePath: string) => boolean) | undefined {
    const ignore = this.#ignore;
    return ignore ? (relativePath) => ignore.ignoresRelative(relativePath) : undefined;
  }

  /** What the crawl cannot decide: a root given as a file, matched by its name. */
  ignores(result: FileResult): boolean {
    return this.#ignore?.ignores(result.path) ?? false;
  }

  /** Narrows the result in place to what is new since the baseline (the scan loop hands one object on). */
  narrow(result: FileResult): void {
    if (!this.#baseline) return;
    const fresh = this.#baseline.newSince(result);
    if (fresh === result) return;
    result.findings = fresh.findings;
    result.records = fresh.records;
    result.recordList = fresh.recordList;
    delete result.risk;
  }
}

export async function loadResultFilters(
  options: { ignoreFile?: string; baseline?: string },
  cwd: string,
  roots: readonly string[],
  warn?: (line: string) => void,
): Promise<ResultFilters> {
  const ignore = await loadIgnoreFile(options.ignoreFile, cwd, roots, warn);
  // The baseline reader (readline, the saved-report parser) only for a scan that has a baseline.
  const baseline = options.baseline ? await (await import('./baseline.js')).loadBaseline(options.baseline) : undefined;
  return new ResultFilters(ignore, baseline);
}
