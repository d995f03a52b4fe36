import { describe, expect, it } from 'vitest';
import type { FileResult } from './types.js';
import { SummaryBuilder } from './summary.js';

function scanned(path: string, records: number, findings = records): FileResult {
  return {
    type: 'file',
    path,
    status: 'scanned',
    bytes: 100,
    records,
    findings: Array.from({ length: findings }, (_, i) => ({
      detector: i % 2 === 0 ? 'ssn' : 'name',
      hipaa: 'names',
      role: 'identifier',
      value: '***',
      confidence: 'high',
      location: { line: 1 },
      fingerprint: 'f',
    })),
  };
}

describe('SummaryBuilder', () => {
  it('counts add up', () => {
    const builder = new SummaryBuilder({ minConfidence: 'medium', masked: true, startedAt: new Date(1000), now: () => 3000 });
    builder.add(scanned('a', 2, 3));
    builder.add(scanned('b', 0, 0));
    builder.add({ type: 'file', path: 'c', status: 'skipped', reason: 'too-large', bytes: 1e9, findings: [], records: 0 });
    builder.add({ type: 'file', path: 'd', status: 'skipped', reason: 'symlink', bytes: 0, findings: [], records: 0 });
    builder.add({ type: 'file', path: 'e', status: 'error', reason: 'timeout', bytes: 5, findings: [], records: 0 });
    const summary = builder.summary({ complete: false });
    expect(summary).toMatchObject({
      type: 'summary',
      complete: false,
      filesSeen: 5,
      filesScanned: 2,
      filesSkipped: 2,
      filesFailed: 1,
      filesWithFindings: 1,
      bytesScanned: 200,
      findings: 3,
      findingsByDetector: { ssn: 2, name: 1 },
      records: 2,
      skippedByReason: { symlink: 1, 'too-large': 1 },
      failedByReason: { timeout: 1 },
      topFiles: [{ path: 'a', records: 2, findings: 3 }],
      minConfidence: 'medium',
      masked: true,
      startedAt: '1970-01-01T00:00:01.000Z',
      durationMs: 2000,
    });
    expect(summary.filesSeen).toBe(summary.filesScanned + summary.filesSkipped + summary.filesFailed);
  });

  it('keeps only the ten files with the most records, most first', () => {
    const builder = new SummaryBuilder({ minConfidence: 'low', masked: true });
    const order = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    for (const records of order) builder.add(scanned(`file-${records}`, records + 1, 1));
    const { topFiles, records } = builder.summary({ complete: true });
    expect(topFiles.map((file) => file.records)).toEqual([1000, 999, 998, 997, 996, 995, 994, 993, 992, 991]);
    expect(records).toBe((1000 * 1001) / 2);
  });

  it('breaks ties by findings, then path', () => {
    const builder = new SummaryBuilder({ minConfidence: 'low', masked: true });
    builder.add(scanned('b', 1, 1));
    builder.add(scanned('a', 1, 1));
    builder.add(scanned('c', 1, 5));
    expect(builder.summary({ complete: true }).topFiles.map((file) => file.path)).toEqual(['c', 'a', 'b']);
  });
});
