import { gzipSync } from 'node:zlib';
import { makeDocx } from '@phi-scan/synth';
import { strToU8, zipSync } from 'fflate';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { createAnalyzer, defaultAnalysisSettings } from '../analyze.js';
import type { FileResult } from '../types.js';
import { sniffFormat } from '../sniff.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from './types.js';

const NOTE = 'Patient: Quillon Abernathy\nDOB: 03/14/1962\nSSN: 512-44-8391\nDiagnosis: E11.9\n';

function analyzer(limits: Partial<ExtractLimits> = {}) {
  return createAnalyzer(defaultAnalysisSettings({ fingerprintKey: 'test-key', limits: { ...DEFAULT_EXTRACT_LIMITS, ...limits } }));
}

async function makeTar(files: { name: string; body?: string | Uint8Array; type?: 'file' | 'symlink' | 'directory' }[]): Promise<Uint8Array> {
  const pack = tar.pack();
  for (const f of files) {
    if (f.type === 'symlink') pack.entry({ name: f.name, type: 'symlink', linkname: '/etc/passwd' });
    else if (f.type === 'directory') pack.entry({ name: f.name, type: 'directory' });
    else pack.entry({ name: f.name, mtime: new Date('2019-05-06T07:08:09Z') }, Buffer.from(f.body ?? ''));
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function byPath(results: FileResult[]): Map<string, FileResult> {
  return new Map(results.map((r) => [r.path, r]));
}

/** Sets the "encrypted" flag on every entry of a stored zip: what a password-protected member looks like. */
function markEncrypted(zip: Uint8Array): Uint8Array {
  const out = new Uint8Array(zip);
  const dv = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) {
    const sig = dv.getUint32(i, true);
    if (sig === 0x04034b50) dv.setUint16(i + 6, dv.getUint16(i + 6, true) | 1, true);
    if (sig === 0x02014b50) dv.setUint16(i + 8, dv.getUint16(i + 8, true) | 1, true);
  }
  return out;
}

describe('archives', () => {
  it('sniffs zip, tar, tar.gz and gz by content, whatever the name', async () => {
    const t = await makeTar([{ name: 'a.txt', body: 'hello' }]);
    expect(sniffFormat(zipSync({ 'a.txt': strToU8('x') }), 'x.bin')).toBe('zip-other');
    expect(sniffFormat(t, 'backup.dat')).toBe('tar');
    expect(sniffFormat(gzipSync(t), 'backup')).toBe('gzip');
    // A tar whose first member is a PDF has '%PDF-' in its first kilobyte: still a tar.
    expect(sniffFormat(await makeTar([{ name: 'f.pdf', body: '%PDF-1.4 junk' }]), 'x.tar')).toBe('tar');
  });

  it('reports each member of a zip like a file, nested tar.gz and DOCX included', async () => {
    const docx = makeDocx({ body: ['Referral', `Patient: Quillon Abernathy DOB 03/14/1962 SSN 512-44-8391`] });
    const inner = gzipSync(await makeTar([{ name: 'notes/visit.txt', body: NOTE }, { name: 'notes/', type: 'directory' }, { name: 'link', type: 'symlink' }]));
    const zip = zipSync({ 'exports/letter.docx': docx, 'exports/old.tar.gz': inner, 'readme.txt': strToU8('nothing here') });
    const results = await analyzer().analyzeAll(zip, '/share/outer.zip');
    const r = byPath(results);
    expect(results[0]!.path).toBe('/share/outer.zip');
    expect(results[0]).toMatchObject({ status: 'scanned', format: 'zip', members: 3, findings: [] });
    expect(r.get('/share/outer.zip!exports/letter.docx')).toMatchObject({ status: 'scanned', format: 'docx', container: '/share/outer.zip' });
    expect(r.get('/share/outer.zip!exports/letter.docx')!.findings.some((f) => f.detector === 'ssn')).toBe(true);
    expect(r.get('/share/outer.zip!exports/old.tar.gz')).toMatchObject({ status: 'scanned', format: 'tar.gz', members: 2 });
    const visit = r.get('/share/outer.zip!exports/old.tar.gz!notes/visit.txt')!;
    expect(visit).toMatchObject({ status: 'scanned', container: '/share/outer.zip!exports/old.tar.gz', mtime: '2019-05-06T07:08:09.000Z' });
    expect(visit.findings.map((f) => f.detector)).toEqual(expect.arrayContaining(['ssn', 'dob', 'name']));
    expect(visit.records).toBe(1);
    expect(r.get('/share/outer.zip!exports/old.tar.gz!link')).toMatchObject({ status: 'skipped', reason: 'symlink' });
    expect(r.get('/share/outer.zip!readme.txt')).toMatchObject({ status: 'scanned', findings: [] });
    // The directory entry is not a file and is not reported.
    expect(results).toHaveLength(7 - 1);
  });

  it('reads a single gzip-compressed file as the one member', async () => {
    const results = await analyzer().analyzeAll(gzipSync(Buffer.from(`MRN,Name,DOB\n00482913,"Abernathy, Quillon",03/14/1962\n`)), '/s/roster.csv.gz');
    expect(results.map((r) => [r.path, r.status, r.format])).toEqual([
      ['/s/roster.csv.gz', 'scanned', 'gzip'],
      ['/s/roster.csv.gz!roster.csv', 'scanned', 'csv'],
    ]);
    expect(results[1]!.findings.length).toBeGreaterThan(0);
  });

  it('reports password-protected zip members as encrypted', async () => {
    const zip = markEncrypted(zipSync({ 'secret.txt': [strToU8(NOTE), { level: 0 }] }));
    const results = await analyzer().analyzeAll(zip, '/s/locked.zip');
    expect(results[0]).toMatchObject({ status: 'scanned', members: 1 });
    expect(results[1]).toMatchObject({ path: '/s/locked.zip!secret.txt', status: 'skipped', reason: 'encrypted' });
  });

  it('stops a zip bomb by inflation ratio, member size and total, each with its reason', async () => {
    const zeros = new Uint8Array(24 * 1024 * 1024);
    const bomb = zipSync({ 'bomb.txt': zeros, 'ok.txt': strToU8(NOTE) });
    const byRatio = await analyzer().analyzeAll(bomb, '/s/bomb.zip');
    expect(byPath(byRatio).get('/s/bomb.zip!bomb.txt')).toMatchObject({ status: 'skipped', reason: 'too-large' });
    expect(byPath(byRatio).get('/s/bomb.zip!bomb.txt')!.message).toMatch(/times its compressed size/);
    expect(byPath(byRatio).get('/s/bomb.zip!ok.txt')).toMatchObject({ status: 'scanned' });

    const small = zipSync({ 'a.txt': strToU8('a'.repeat(5000)), 'b.txt': strToU8('b'.repeat(5000)) }, { level: 0 });
    const byMember = await analyzer({ maxArchiveMemberBytes: 4000 }).analyzeAll(small, '/s/m.zip');
    expect(byMember[1]!.message).toMatch(/member larger than the limit/);
    const byTotal = await analyzer({ maxArchiveTotalBytes: 7000 }).analyzeAll(small, '/s/t.zip');
    expect(byTotal.map((r) => r.status)).toEqual(['scanned', 'scanned', 'skipped']);
    expect(byTotal[2]!.message).toMatch(/archive total limit/);
  });

  it('stops a gzip bomb before it inflates in full', async () => {
    const gz = gzipSync(new Uint8Array(64 * 1024 * 1024));
    const results = await analyzer().analyzeAll(gz, '/s/zeros.gz');
    expect(results[1]).toMatchObject({ path: '/s/zeros.gz!zeros', status: 'skipped', reason: 'too-large' });
  });

  it('counts entries past the entry limit on the archive instead of reading them', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 12; i++) files[`f${i}.txt`] = strToU8(`file ${i}`);
    const results = await analyzer({ maxArchiveEntries: 5 }).analyzeAll(zipSync(files), '/s/many.zip');
    expect(results).toHaveLength(6);
    expect(results[0]!.degraded).toMatch(/7 members beyond the limit of 5 entries/);
  });

  it('opens nested archives only to the depth limit', async () => {
    let data: Uint8Array = strToU8(NOTE);
    let name = 'note.txt';
    for (let i = 0; i < 4; i++) {
      data = zipSync({ [name]: data });
      name = `level${i}.zip`;
    }
    const deep = await analyzer({ maxArchiveDepth: 2 }).analyzeAll(data, '/s/top.zip');
    expect(deep.map((r) => r.path)).toEqual(['/s/top.zip', '/s/top.zip!level2.zip', '/s/top.zip!level2.zip!level1.zip']);
    expect(deep[2]).toMatchObject({ status: 'skipped', reason: 'too-large' });
    expect(deep[2]!.message).toMatch(/nested deeper than the limit of 2/);
    const full = await analyzer().analyzeAll(data, '/s/top.zip');
    expect(full.at(-1)).toMatchObject({ path: '/s/top.zip!level2.zip!level1.zip!level0.zip!note.txt', status: 'scanned' });
  });

  it('reports a damaged archive as corrupt, and a damaged tail after good members as degraded', async () => {
    const zip = zipSync({ 'a.txt': strToU8(NOTE) });
    expect((await analyzer().analyzeAll(zip.subarray(0, 30), '/s/cut.zip'))[0]).toMatchObject({ status: 'error', reason: 'corrupt' });
    const t = await makeTar([{ name: 'a.txt', body: NOTE }, { name: 'b.txt', body: 'x'.repeat(3000) }]);
    const cut = await analyzer().analyzeAll(gzipSync(t.subarray(0, 1700)), '/s/cut.tgz');
    expect(cut[0]).toMatchObject({ status: 'scanned', format: 'tar.gz' });
    expect(cut[0]!.degraded).toMatch(/damaged or truncated/);
    expect(cut[1]).toMatchObject({ path: '/s/cut.tgz!a.txt', status: 'scanned' });
  });

  it('keeps member names and content out of failure messages', async () => {
    const zip = markEncrypted(zipSync({ '512-44-8391.txt': [strToU8(NOTE), { level: 0 }] }));
    for (const r of await analyzer().analyzeAll(zip, '/s/x.zip')) expect(r.message ?? '').not.toMatch(/512-44|Abernathy/);
  });
});
