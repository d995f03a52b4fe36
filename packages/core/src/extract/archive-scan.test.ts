import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { makePdf } from '@phi-scan/synth';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '@phi-scan/core';
import type { FileResult } from '@phi-scan/core';

// Through the worker pool (built package): members come back from the worker with their archive.
let root: string;
const NOTE = 'Patient: Quillon Abernathy\nDOB: 03/14/1962\nSSN: 512-44-8391\nDiagnosis: E11.9\n';

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-scan-archive-'));
  const inner = zipSync({ 'deep/roster.csv': strToU8('MRN,Patient Name,DOB\n00519320,"Vantongeren, Marisol",11/02/1985\n') });
  fs.writeFileSync(path.join(root, 'exports.zip'), zipSync({ 'visit.txt': strToU8(NOTE), 'inner.zip': inner }));
  fs.writeFileSync(path.join(root, 'note.txt.gz'), gzipSync(Buffer.from(NOTE)));
  fs.writeFileSync(path.join(root, 'plain.txt'), 'nothing to see\n');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('archives in a scan', () => {
  it('reports the archive, then each member, nested ones included; progress counts them', async () => {
    const results: FileResult[] = [];
    let lastProgress: { filesSeen: number; filesDone: number } | undefined;
    for await (const event of scan([root], { threads: 1 })) {
      if (event.type === 'file') {
        results.push(event);
      } else if (event.type === 'progress') lastProgress = event;
    }
    const rel = (r: FileResult) => path.relative(root, r.path);
    expect(results.map(rel).sort()).toEqual([
      'exports.zip',
      'exports.zip!inner.zip',
      'exports.zip!inner.zip!deep/roster.csv',
      'exports.zip!visit.txt',
      'note.txt.gz',
      'note.txt.gz!note.txt',
      'plain.txt',
    ]);
    const byPath = new Map(results.map((r) => [rel(r), r]));
    expect(byPath.get('exports.zip')).toMatchObject({ status: 'scanned', members: 2 });
    expect(byPath.get('exports.zip!inner.zip!deep/roster.csv')).toMatchObject({ status: 'scanned', records: 1, container: path.join(root, 'exports.zip!inner.zip') });
    expect(byPath.get('exports.zip!visit.txt')!.mtime).toBe(byPath.get('exports.zip')!.mtime);
    expect(byPath.get('note.txt.gz!note.txt')!.findings.some((f) => f.detector === 'ssn')).toBe(true);
    expect(results.filter((r) => r.status === 'scanned')).toHaveLength(7);
    expect(lastProgress).toMatchObject({ filesSeen: 7, filesDone: 7 });
  });

  it('scans every member of a stored zip whose first member is a PDF', async () => {
    // Its first KiB holds the PDF's header: read as a PDF, the members after it went unscanned.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-scan-stored-zip-'));
    try {
      const pdf = await makePdf([['Quarterly facilities report']]);
      fs.writeFileSync(path.join(dir, 'stored.zip'), zipSync({ 'scan.pdf': pdf, 'visit.txt': strToU8(NOTE) }, { level: 0 }));
      const results = new Map<string, FileResult>();
      for await (const event of scan([dir], { threads: 1 })) if (event.type === 'file') results.set(path.relative(dir, event.path), event);
      expect([...results.keys()].sort()).toEqual(['stored.zip', 'stored.zip!scan.pdf', 'stored.zip!visit.txt']);
      expect(results.get('stored.zip!visit.txt')!.findings.some((f) => f.detector === 'ssn')).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
