import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import scanBatch, { type TaskOutcome, type WorkerTask } from './worker.js';
import { MAX_READ_BYTES, sizeRefusal } from './read-file.js';
import { settingsFrom } from './scan-roots.js';
import type { FileEntry } from './types.js';

let root: string;
const settings = settingsFrom({ fingerprintKey: 'worker-test-key-0123456789' });
const unstated = (name: string): FileEntry => ({ path: path.join(root, name), size: 0, mtimeMs: 0, mode: 0, uid: -1, gid: -1, statDeferred: true });
const task = (entries: FileEntry[], extra: Partial<WorkerTask> = {}): WorkerTask => ({ settingsId: 'worker-test', settings, maxFileSize: 64 * 1024, entries, ...extra });

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-worker-'));
  for (let i = 0; i < 6; i++) fs.writeFileSync(path.join(root, `part-${i}.txt`), `Minutes of the meeting, part ${i}.\n`.padEnd(1024, '.'));
  fs.writeFileSync(path.join(root, 'large.txt'), Buffer.alloc(100 * 1024, 0x61));
  fs.utimesSync(path.join(root, 'part-0.txt'), new Date('2024-05-06T07:08:09Z'), new Date('2024-05-06T07:08:09Z'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('a worker task', () => {
  it('ends once its files come to maxBytes, and says how many it did', async () => {
    const entries = Array.from({ length: 6 }, (_, i) => unstated(`part-${i}.txt`));
    const outcome = (await scanBatch(task(entries, { maxBytes: 2500 }))) as TaskOutcome;
    // 1 KiB files: the third one takes it past 2,500 bytes.
    expect(outcome.done).toBe(3);
    expect(outcome.results.map((r) => path.basename(r.path))).toEqual(['part-0.txt', 'part-1.txt', 'part-2.txt']);
    const whole = (await scanBatch(task(entries))) as TaskOutcome;
    expect(whole.done).toBe(6);
  });

  it('takes size, time and ownership from its own fstat for a file the crawl did not stat', async () => {
    const [result] = ((await scanBatch(task([unstated('part-0.txt')]))) as TaskOutcome).results;
    const stats = fs.statSync(path.join(root, 'part-0.txt'));
    expect(result).toMatchObject({ status: 'scanned', bytes: 1024, mtime: '2024-05-06T07:08:09.000Z', ownership: { uid: stats.uid, gid: stats.gid, mode: stats.mode } });
  });

  it('refuses an unstated file over the limit with the words the crawl would have used', async () => {
    const [result] = ((await scanBatch(task([unstated('large.txt')]))) as TaskOutcome).results;
    expect(result).toMatchObject({ status: 'skipped', reason: 'too-large', bytes: 100 * 1024, message: sizeRefusal(100 * 1024, 64 * 1024) });
  });

  it('refuses an unstated file past the read ceiling even under a larger limit, as the crawl would', async () => {
    const sparse = path.join(root, 'sparse.bin');
    fs.writeFileSync(sparse, '');
    fs.truncateSync(sparse, MAX_READ_BYTES + 1);
    try {
      const [result] = ((await scanBatch(task([unstated('sparse.bin')], { maxFileSize: 4 * MAX_READ_BYTES }))) as TaskOutcome).results;
      expect(result).toMatchObject({ status: 'skipped', reason: 'too-large', bytes: MAX_READ_BYTES + 1, message: sizeRefusal(MAX_READ_BYTES + 1, 4 * MAX_READ_BYTES) });
      expect(result!.message).toMatch(/read into memory/);
    } finally {
      fs.rmSync(sparse);
    }
  });

  it('reads through a symbolic link only when the scan follows links', async () => {
    const link = path.join(root, 'link.txt');
    fs.symlinkSync(path.join(root, 'part-1.txt'), link);
    try {
      const [refused] = ((await scanBatch(task([unstated('link.txt')]))) as TaskOutcome).results;
      // Not opened, so its time and owner are the link's own, from an lstat.
      const own = fs.lstatSync(link);
      expect(refused).toMatchObject({ status: 'skipped', reason: 'symlink', mtime: new Date(own.mtimeMs).toISOString(), ownership: { uid: own.uid, mode: own.mode } });
      const [followed] = ((await scanBatch(task([unstated('link.txt')], { followSymlinks: true }))) as TaskOutcome).results;
      expect(followed).toMatchObject({ status: 'scanned', bytes: 1024 });
    } finally {
      fs.rmSync(link);
    }
  });

  it('reports an unstated file that is gone as vanished, with no time it cannot know', async () => {
    const [result] = ((await scanBatch(task([unstated('never-there.txt')]))) as TaskOutcome).results;
    expect(result).toMatchObject({ status: 'error', reason: 'vanished', bytes: 0 });
    expect(result!.mtime).toBeUndefined();
  });
});
