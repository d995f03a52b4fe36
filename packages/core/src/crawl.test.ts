import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { isUtf8 } from 'node:buffer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawl, displayName } from './crawl.js';
import type { FileEntry } from './types.js';

let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-crawl-'));
  fs.mkdirSync(path.join(root, 'a/b'), { recursive: true });
  fs.writeFileSync(path.join(root, 'a/one.txt'), 'one');
  fs.writeFileSync(path.join(root, 'a/b/two.csv'), 'two');
  fs.writeFileSync(path.join(root, '.hidden'), 'hidden');
  fs.writeFileSync(path.join(root, 'big.log'), Buffer.alloc(5000));
  fs.symlinkSync(path.join(root, 'a/one.txt'), path.join(root, 'link.txt'));
  fs.symlinkSync(root, path.join(root, 'a/loop'));
  execFileSync('mkfifo', [path.join(root, 'pipe')]);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function collect(roots: string[], options: Partial<Parameters<typeof crawl>[1]> = {}): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for await (const entry of crawl(roots, { maxFileSize: 1000, ...options })) out.push(entry);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

describe('crawl', () => {
  it('lists every file, hidden ones included, and says why it will not scan the others', async () => {
    const entries = await collect([root]);
    const byName = Object.fromEntries(entries.map((e) => [path.relative(root, e.path), e.skip?.reason ?? 'scan']));
    expect(byName).toEqual({
      '.hidden': 'scan',
      'a/one.txt': 'scan',
      'a/b/two.csv': 'scan',
      'a/loop': 'symlink',
      'big.log': 'too-large',
      'link.txt': 'symlink',
      pipe: 'not-regular-file',
    });
  });

  it('applies include and exclude globs', async () => {
    const entries = await collect([root], { include: ['**/*.txt', '**/*.csv'], exclude: ['a/b/**'] });
    expect(entries.map((e) => path.relative(root, e.path))).toEqual(['a/one.txt', 'link.txt']);
  });

  it('never walks a folder that ignorePath leaves out, and asks about it with a trailing slash', async () => {
    const asked: string[] = [];
    const entries = await collect([root], { ignorePath: (rel) => (asked.push(rel), rel === 'a/' || rel === '.hidden') });
    expect(entries.map((e) => path.relative(root, e.path))).toEqual(['big.log', 'link.txt', 'pipe']);
    expect(asked).toContain('a/');
    expect(asked.some((rel) => rel.startsWith('a/') && rel !== 'a/')).toBe(false);
  });

  it('accepts a file as a root, and reports a missing root instead of throwing', async () => {
    const entries = await collect([path.join(root, 'a/one.txt'), path.join(root, 'missing')]);
    expect(entries.map((e) => [path.basename(e.path), e.skip?.reason])).toEqual([
      ['one.txt', undefined],
      ['missing', 'not-found'],
    ]);
  });

  it('with deferStat, lists the regular files it accepts without their stats, and stats everything else', async () => {
    const entries = await collect([root], { deferStat: (name) => name !== 'two.csv' });
    const byName = Object.fromEntries(entries.map((e) => [path.relative(root, e.path), e.statDeferred ? 'deferred' : (e.skip?.reason ?? e.size)]));
    // big.log is over the limit, but only a stat would say so: its reader checks the size it opens.
    expect(byName).toEqual({
      '.hidden': 'deferred',
      'a/one.txt': 'deferred',
      'a/b/two.csv': 3,
      'a/loop': 'symlink',
      'big.log': 'deferred',
      'link.txt': 'symlink',
      pipe: 'not-regular-file',
    });
    expect(entries.find((e) => e.statDeferred)).toMatchObject({ size: 0, mtimeMs: 0, uid: -1, gid: -1 });
    expect(entries.filter((e) => !e.statDeferred).every((e) => e.uid >= 0 || e.skip)).toBe(true);
  });

  it('with deferStat, still applies the globs to the files it does not stat', async () => {
    const entries = await collect([root], { deferStat: () => true, include: ['**/*.txt'], exclude: ['.hidden'] });
    expect(entries.map((e) => path.relative(root, e.path))).toEqual(['a/one.txt', 'link.txt']);
  });

  // root reads every folder whatever its mode; the hostile-input suite covers this case with dropped privileges.
  it.skipIf(process.getuid?.() === 0)('reports a folder it cannot read as permission-denied and goes on', async () => {
    const locked = path.join(root, 'locked');
    fs.mkdirSync(locked);
    fs.chmodSync(locked, 0o000);
    const entries = await collect([root]);
    fs.chmodSync(locked, 0o755);
    fs.rmSync(locked, { recursive: true });
    expect(entries.find((e) => e.path === locked)?.skip?.reason).toBe('permission-denied');
    expect(entries.some((e) => e.path.endsWith('one.txt'))).toBe(true);
  });
  it('spells every path as displayName spells its bytes, and keeps the bytes only of paths that are not UTF-8', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-crawl-names-'));
    const at = (...parts: Buffer[]) => Buffer.concat([Buffer.from(base), ...parts.flatMap((part) => [Buffer.from('/'), part])]);
    const latin1 = Buffer.from([0x6e, 0xe9, 0x65]); // "née" in Latin-1: not UTF-8
    const withBackslash = Buffer.from('a\\b.txt');
    const bom = Buffer.from([0xef, 0xbb, 0xbf, 0x78]);
    fs.mkdirSync(at(Buffer.from('ok')) as unknown as string);
    fs.mkdirSync(at(latin1, Buffer.from('sub')) as unknown as string, { recursive: true });
    const files = [at(Buffer.from('ok'), latin1), at(Buffer.from('ok'), withBackslash), at(Buffer.from('ok'), bom), at(latin1, withBackslash), at(latin1, Buffer.from('plain.txt'))];
    for (const file of files) fs.writeFileSync(file as unknown as string, 'x');
    try {
      const expected = files.map((bytes) => ({ path: displayName(bytes), rawPath: isUtf8(bytes) ? undefined : bytes.toString('base64') }));
      // Whether or not the crawl stats them: unstated entries spell their paths without the lstat's bytes.
      for (const deferStat of [undefined, () => true]) {
        const seen = (await collect([base], { deferStat })).filter((e) => !e.skip);
        expect(seen.every((e) => e.statDeferred === (deferStat ? true : undefined))).toBe(true);
        expect(seen.map((e) => ({ path: e.path, rawPath: e.rawPath })).sort((a, b) => a.path.localeCompare(b.path))).toEqual(expected.sort((a, b) => a.path.localeCompare(b.path)));
      }
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
