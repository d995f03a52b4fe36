import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { FileResult, ReportedFinding } from '@phi-scan/core';
import { describeFsError } from './report-output.js';
import { readSavedReport } from './saved-report.js';
import { UsageError } from './usage-error.js';

/**
 * The findings of an earlier json/jsonl report, so a scan can report only what is new. A finding is the same
 * when its file path, its value's fingerprint and its location are: the fingerprints are keyed, so they match
 * only between scans run with the same --fingerprint-key (a random per-scan key makes everything new), and the
 * paths only when the scan is run from the same folder on the same paths.
 *
 * Held as 64-bit digests in a Set of strings of 16 hex characters: tens of bytes per baseline finding.
 */
export class Baseline {
  readonly #seen = new Set<string>();

  add(path: string, finding: Pick<ReportedFinding, 'fingerprint' | 'location'>): void {
    this.#seen.add(findingKey(path, finding));
  }

  get size(): number {
    return this.#seen.size;
  }

  /**
   * The result with only its new findings, and only the patient records those findings belong to (renumbered),
   * so record counts and distinct patients describe the new exposure. Every file stays in the report.
   */
  newSince(result: FileResult): FileResult {
    if (result.findings.length === 0) return result;
    const fresh = result.findings.filter((finding) => !this.#seen.has(findingKey(result.path, finding)));
    if (fresh.length === result.findings.length) return result;
    const renumbered = new Map<number, number>();
    const recordList = [];
    for (const finding of fresh) {
      if (finding.record === undefined || renumbered.has(finding.record)) continue;
      const record = result.recordList?.[finding.record];
      if (!record) continue;
      renumbered.set(finding.record, recordList.length);
      recordList.push(record);
    }
    const findings = fresh.map((finding) => {
      const copy = { ...finding };
      if (finding.record !== undefined) copy.record = renumbered.get(finding.record);
      return copy;
    });
    return { ...result, findings, records: recordList.length, recordList, risk: undefined };
  }
}

function findingKey(path: string, finding: Pick<ReportedFinding, 'fingerprint' | 'location'>): string {
  return createHash('sha256').update(`${path}\0${finding.fingerprint}\0${canonicalJson(finding.location)}`).digest('hex').slice(0, 16);
}

/** Key order must not matter: a location written by another version may list its fields in another order. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export async function loadBaseline(path: string): Promise<Baseline> {
  try {
    await stat(path);
  } catch (error) {
    throw new UsageError(`cannot read the baseline ${path}: ${describeFsError(error)}`);
  }
  const baseline = new Baseline();
  for await (const file of readSavedReport(path).files) {
    for (const finding of file.findings ?? []) baseline.add(file.path, finding);
  }
  return baseline;
}
