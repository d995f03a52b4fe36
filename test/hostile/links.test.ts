import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawl, type FileEntry } from '@phi-scan/core';
import { removeTree, tempDir } from './run-cli.js';

/** --follow-symlinks on a tree of loops: the walk must end, and every link it refused says why. */
let dir: string;
let entries: FileEntry[];

beforeAll(async () => {
  dir = tempDir('links');
  const at = (rel: string) => path.join(dir, rel);
  fs.mkdirSync(at('a/b'), { recursive: true });
  fs.writeFileSync(at('a/b/file.txt'), 'x');
  fs.symlinkSync('..', at('a/b/up'));
  fs.symlinkSync(dir, at('a/root'));
  fs.symlinkSync('loop-2', at('loop-1'));
  fs.symlinkSync('loop-1', at('loop-2'));
  fs.symlinkSync('missing-target', at('dangling'));
  fs.symlinkSync('a/b/file.txt', at('file-link.txt'));
  fs.symlinkSync('/dev/null', at('null-link'));
  entries = [];
  for await (const entry of crawl([dir], { maxFileSize: 1024, followSymlinks: true })) entries.push(entry);
}, 30_000);

afterAll(() => removeTree(dir));

const entry = (rel: string) => entries.find((e) => e.path === path.join(dir, rel));

describe('following symbolic links', () => {
  it('ends, listing each path once', () => {
    const paths = entries.map((e) => e.path);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('a link to a folder that contains it is a loop, not followed', () => {
    for (const rel of ['a/b/up', 'a/root']) expect(entry(rel)?.skip).toMatchObject({ reason: 'symlink', message: expect.stringMatching(/loop/) });
  });

  it('links pointing at each other, and a link to nothing, say so', () => {
    for (const rel of ['loop-1', 'loop-2']) expect(entry(rel)?.skip).toMatchObject({ reason: 'symlink', message: expect.stringMatching(/loop/) });
    expect(entry('dangling')?.skip).toMatchObject({ reason: 'symlink', message: expect.stringMatching(/dangling/) });
  });

  it('a link to a file is scanned under the link path; a link to a device is not a regular file', () => {
    expect(entry('file-link.txt')).toMatchObject({ size: 1 });
    expect(entry('file-link.txt')?.skip).toBeUndefined();
    expect(entry('a/b/file.txt')?.skip).toBeUndefined();
    expect(entry('null-link')?.skip).toMatchObject({ reason: 'not-regular-file' });
  });
});
