import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawl } from './crawl.js';
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
});
