import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan, type FileResult } from '@phi-scan/core';
import { PHI_LINE } from './cases.js';
import { removeTree, tempDir } from './run-cli.js';

/**
 * A share changes under a scan. The onEntry seam runs between the crawl listing a file and a worker reading
 * it, so each race below happens every time, not one run in a thousand.
 */
let dir: string;
let outside: string;
let results: FileResult[];

beforeAll(async () => {
  dir = tempDir('races');
  outside = tempDir('races-outside');
  fs.writeFileSync(path.join(outside, 'secret.txt'), `${PHI_LINE}\n`);
  for (const name of ['deleted.txt', 'truncated.txt', 'grown.txt', 'became-fifo.txt', 'became-link.txt', 'kept.txt']) fs.writeFileSync(path.join(dir, name), `${PHI_LINE}\n`);
  results = [];
  const events = scan([dir], {
    threads: 1,
    maxFileSize: 4096,
    onEntry(entry) {
      const name = path.basename(entry.path);
      if (name === 'deleted.txt') fs.rmSync(entry.path);
      if (name === 'truncated.txt') fs.truncateSync(entry.path, 0);
      if (name === 'grown.txt') fs.appendFileSync(entry.path, 'x'.repeat(10_000));
      if (name === 'became-fifo.txt') {
        fs.rmSync(entry.path);
        execFileSync('mkfifo', [entry.path]);
      }
      if (name === 'became-link.txt') {
        fs.rmSync(entry.path);
        fs.symlinkSync(path.join(outside, 'secret.txt'), entry.path);
      }
    },
  });
  for await (const event of events) if (event.type === 'file') results.push(event);
}, 60_000);

afterAll(() => {
  removeTree(dir);
  removeTree(outside);
});

const result = (name: string) => results.find((r) => path.basename(r.path) === name)!;

describe('files that change between crawl and read', () => {
  it('a deleted file is reported as vanished', () => {
    expect(result('deleted.txt')).toMatchObject({ status: 'error', reason: 'vanished' });
  });

  it('a file truncated to nothing is scanned as what it now is (empty, no findings)', () => {
    expect(result('truncated.txt')).toMatchObject({ status: 'scanned', bytes: 0, findings: [] });
  });

  it('a file that grew past the size limit is skipped as too-large, not read to its new end', () => {
    expect(result('grown.txt')).toMatchObject({ status: 'skipped', reason: 'too-large' });
  });

  it('a file replaced by a FIFO is not opened for a blocking read', () => {
    expect(result('became-fifo.txt')).toMatchObject({ status: 'skipped', reason: 'not-regular-file' });
  });

  it('a file replaced by a symbolic link is not followed to what it points at', () => {
    expect(result('became-link.txt')).toMatchObject({ status: 'skipped', reason: 'symlink', findings: [] });
  });

  it('the others are untouched, and every listed file is reported once', () => {
    expect(result('kept.txt').findings.some((f) => f.detector === 'ssn')).toBe(true);
    expect(results.map((r) => path.basename(r.path)).sort()).toEqual(['became-fifo.txt', 'became-link.txt', 'deleted.txt', 'grown.txt', 'kept.txt', 'truncated.txt']);
  });
});
