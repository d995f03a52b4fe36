import type { FileResult } from '../types.js';
import { AccountNames, describeAccess, statAccess } from './access.js';
import { assessRisk } from './risk.js';
import { findingCount } from '../file-findings.js';

/**
 * Adds who-can-read-it and a risk score to each file with findings, on the main thread as results arrive.
 * Access comes from the reader's own fstat (`ownership`); a result without it (from a library caller) is
 * stat'ed. A result that already carries access (a saved report) keeps it.
 */
export class ExposureAssessor {
  readonly #names: AccountNames;

  constructor(names: AccountNames = AccountNames.fromSystem()) {
    this.#names = names;
  }

  async assess(result: FileResult): Promise<FileResult> {
    if (findingCount(result) === 0 && result.records === 0) return result;
    result.access ??= result.ownership ? describeAccess(result.ownership, this.#names) : await statAccess(result.path, this.#names);
    result.risk ??= assessRisk(result, result.access);
    return result;
  }
}
