import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan, scanFile, scanText } from '@phi-scan/core';
import { startWorkers } from '@phi-scan/core/workers';
import type { FileResult } from '@phi-scan/core';

// Runs against the built package: the worker pool loads dist/worker.js.
let root: string;
const NOTE = [
  'Referral letter',
  'Patient: John Smith',
  'DOB: 03/14/1962',
  'MRN: 00482913',
  'SSN: 512-44-8391',
  '',
  'Assessment: type 2 diabetes (Dx E11.9).',
].join('\n');

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-scan-'));
  fs.writeFileSync(path.join(root, 'note.txt'), NOTE);
  fs.writeFileSync(path.join(root, 'clean.txt'), 'Quarterly meeting moved to Tuesday. Call 555-0100 for the room.\n');
  fs.writeFileSync(path.join(root, 'empty.txt'), '');
  fs.writeFileSync(path.join(root, 'blob.txt'), Buffer.from([0, 1, 2, 3, 0, 0, 255, 254, 0, 7, 8, 0, 0, 0, 1, 2, 3, 0]));
  fs.writeFileSync(path.join(root, 'broken.pdf'), '%PDF-1.7\n1 0 obj << /Type /Catalog');
  for (let i = 0; i < 150; i++) fs.writeFileSync(path.join(root, `small-${i}.txt`), i % 50 === 0 ? NOTE : `line ${i}\n`);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function run(options: Parameters<typeof scan>[1] = {}): Promise<FileResult[]> {
  const results: FileResult[] = [];
  for await (const event of scan([root], { threads: 2, ...options })) if (event.type === 'file') results.push(event);
  return results;
}

describe('scan', () => {
  it('accounts for every file it saw, once', async () => {
    const results = await run();
    const paths = results.map((r) => path.relative(root, r.path)).sort();
    expect(paths).toHaveLength(155);
    expect(new Set(paths).size).toBe(155);
    const byName = new Map(results.map((r) => [path.basename(r.path), r]));
    expect(byName.get('note.txt')).toMatchObject({ status: 'scanned', records: 1 });
    expect(byName.get('clean.txt')).toMatchObject({ status: 'scanned', records: 0, findings: [] });
    expect(byName.get('empty.txt')).toMatchObject({ status: 'scanned', findings: [] });
    expect(byName.get('blob.txt')).toMatchObject({ status: 'skipped', reason: 'unsupported' });
    expect(byName.get('broken.pdf')).toMatchObject({ status: 'error', reason: 'corrupt' });
    expect(results.filter((r) => r.records > 0)).toHaveLength(4);
  });

  it('masks values by default and reveals them only when asked', async () => {
    const masked = await scanFile(path.join(root, 'note.txt'));
    const ssn = masked.findings.find((f) => f.detector === 'ssn');
    expect(ssn?.value).toBe('***-**-8391');
    expect(JSON.stringify(masked)).not.toContain('512-44-8391');
    expect(JSON.stringify(masked)).not.toContain('Smith');
    const revealed = await scanFile(path.join(root, 'note.txt'), { reveal: true });
    expect(revealed.findings.find((f) => f.detector === 'ssn')?.value).toBe('512-44-8391');
  });

  it('reports each finding at its line and column', () => {
    const result = scanText(NOTE);
    const ssn = result.findings.find((f) => f.detector === 'ssn');
    expect(ssn?.location).toEqual({ line: 5, column: 6 });
    expect(result.findings.map((f) => f.detector)).toEqual(expect.arrayContaining(['name', 'dob', 'mrn', 'ssn', 'icd10']));
  });

  it('links equal values through fingerprints that depend on the key', () => {
    const a = scanText(NOTE, { fingerprintKey: 'k1' }).findings.find((f) => f.detector === 'ssn')!;
    const b = scanText(NOTE, { fingerprintKey: 'k1' }).findings.find((f) => f.detector === 'ssn')!;
    const c = scanText(NOTE, { fingerprintKey: 'k2' }).findings.find((f) => f.detector === 'ssn')!;
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
  });

  it('without a key of its own, links equal values across calls in one process', () => {
    const ssn = (text: string) => scanText(text).findings.find((f) => f.detector === 'ssn')!.fingerprint;
    expect(ssn(NOTE)).toBe(ssn(`Other letter\nSSN: 512-44-8391\n`));
    expect(ssn(NOTE)).not.toBe(scanText(NOTE, { fingerprintKey: 'k1' }).findings.find((f) => f.detector === 'ssn')!.fingerprint);
  });

  it('drops findings below the confidence floor', () => {
    const low = scanText('Part E11.9 in stock', { minConfidence: 'low' });
    const medium = scanText('Part E11.9 in stock');
    expect(low.findings.some((f) => f.detector === 'icd10')).toBe(true);
    expect(medium.findings).toEqual([]);
  });

  it('finds the same with its workers started ahead, and without them once they are released unused', async () => {
    const digest = (results: FileResult[]) =>
      results.map((r) => JSON.stringify([path.relative(root, r.path), r.status, r.findings.map((f) => [f.detector, f.value, f.fingerprint])])).sort();
    const key = { fingerprintKey: 'k1' };
    const plain = digest(await run(key));
    startWorkers({ threads: 2 });
    expect(digest(await run(key))).toEqual(plain);
    // Other limits than the scan's: that pool is not used, and the scan makes its own.
    startWorkers({ threads: 1, workerMaxOldGenerationMb: 512 });
    expect(digest(await run(key))).toEqual(plain);
    await startWorkers({ threads: 2 })();
    expect(digest(await run(key))).toEqual(plain);
  });

  it('gives each file of a batch only its own findings when larger files come before smaller ones', async () => {
    // One worker reads file after file into the same memory: a stale tail of a longer file must never be scanned.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-scan-shrinking-'));
    try {
      const filler = 'Routine facilities note, nothing about anyone.\n';
      for (let i = 0; i < 6; i++) {
        const body = filler.repeat(2000 - i * 300);
        // Only the first and largest file has PHI, at its very end.
        fs.writeFileSync(path.join(dir, `n${i}.txt`), i === 0 ? `${body}${NOTE}\n` : body);
      }
      const results = new Map<string, FileResult>();
      for await (const event of scan([dir], { threads: 1 })) if (event.type === 'file') results.set(path.basename(event.path), event);
      expect(results.size).toBe(6);
      expect(results.get('n0.txt')!.findings.map((f) => f.detector)).toContain('ssn');
      for (let i = 1; i < 6; i++) expect(results.get(`n${i}.txt`)!.findings, `n${i}.txt`).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports every file once when a batch of files the crawl did not stat comes to more than a task carries', async () => {
    // A worker ends such a batch at 4 MiB and the rest go back to the queue: none may be lost or run twice.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-scan-given-back-'));
    try {
      const large = 'Routine facilities note, nothing about anyone.\n'.repeat(22_000);
      for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(dir, `large-${i}.txt`), i === 11 ? `${large}${NOTE}\n` : large);
      for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(dir, `small-${i}.txt`), i === 39 ? NOTE : `line ${i}\n`);
      const changed = new Date('2023-04-05T06:07:08.009Z');
      fs.utimesSync(path.join(dir, 'small-0.txt'), changed, changed);
      const seen: string[] = [];
      const results = new Map<string, FileResult>();
      for await (const event of scan([dir], { threads: 1 })) {
        if (event.type !== 'file') continue;
        seen.push(path.basename(event.path));
        results.set(path.basename(event.path), event);
      }
      expect(seen.length).toBe(52);
      expect(results.size).toBe(52);
      expect([...results.values()].every((r) => r.status === 'scanned')).toBe(true);
      expect(results.get('large-0.txt')!.bytes).toBe(Buffer.byteLength(large));
      expect(results.get('large-11.txt')!.findings.map((f) => f.detector)).toContain('ssn');
      expect(results.get('small-39.txt')!.findings.map((f) => f.detector)).toContain('ssn');
      expect(results.get('small-0.txt')!.mtime).toBe('2023-04-05T06:07:08.009Z');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown detector id before any file is scanned', async () => {
    await expect(run({ detectors: ['ssn', 'no-such-detector'] })).rejects.toThrow(/no-such-detector/);
  });

  it('refuses a worker heap too small to start a worker, instead of ending the process', async () => {
    // At 8 MiB a second worker ran out of memory while it started: an uncaught piscina 'error' killed the caller.
    for (const workerMaxOldGenerationMb of [8, 63, 64.5, 100_000]) {
      await expect(run({ workerMaxOldGenerationMb }), String(workerMaxOldGenerationMb)).rejects.toThrow(RangeError);
    }
    expect((await run({ workerMaxOldGenerationMb: 64 })).length).toBeGreaterThan(150);
  });

  it('stops when aborted and yields only what finished', async () => {
    // More files than one task carries, so the abort has work left to cancel.
    const many = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-scan-abort-'));
    const total = 2_000;
    try {
      for (let i = 0; i < total; i++) fs.writeFileSync(path.join(many, `f-${i}.txt`), `line ${i}\n`);
      const controller = new AbortController();
      let seen = 0;
      for await (const event of scan([many], { threads: 1, signal: controller.signal })) {
        if (event.type !== 'file') continue;
        seen++;
        if (seen === 3) controller.abort();
      }
      expect(seen).toBeGreaterThanOrEqual(3);
      expect(seen).toBeLessThan(total);
    } finally {
      fs.rmSync(many, { recursive: true, force: true });
    }
  });
});
