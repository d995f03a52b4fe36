import type { FileResult } from '../types.js';
import { AccountNames, statAccess } from './access.js';
import { assessRisk } from './risk.js';

/**
 * Adds who-can-read-it and a risk score to each file with findings, on the main thread as results arrive.
 * Only files with findings are stat'ed (a second stat of a few files costs nothing next to scanning them), so
 * the worker protocol stays as it is. A result that already carries access (a saved report) keeps it.
 */
export class ExposureAssessor {
  readonly #names: AccountNames;

  constructor(names: AccountNames = AccountNames.fromSystem()) {
    this.#names = names;
  }

  async assess(result: FileResult): Promise<FileResult> {
    if (result.findings.length === 0 && result.records === 0) return result;
    result.access ??= await statAccess(result.path, this.#names);
    result.risk ??= assessRisk(result, result.access);
    return result;
  }
}
