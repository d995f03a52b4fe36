import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHI_LINE } from './cases.js';
import { parseJsonl, removeTree, runCli, tempDir, type CliRun } from './run-cli.js';

/**
 * Per-file time and memory limits. The guard preload (guard.cjs) makes a worker crash, exhaust its heap or
 * spin forever when it opens a file with a `.fault-*` name, so these tests do not depend on which parser
 * bug exists this month. One thread: every file after a fault is scanned only if the worker was replaced.
 */
let dir: string;
let run: CliRun;
let lines: any[];

beforeAll(() => {
  dir = tempDir('workers');
  for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(dir, `note-${String(i).padStart(2, '0')}.txt`), `${PHI_LINE}\n`);
  for (const fault of ['crash', 'oom', 'hang']) fs.writeFileSync(path.join(dir, `z.fault-${fault}`), 'x\n');
  run = runCli(['scan', dir, '--format', 'jsonl', '--threads', '1', '--timeout', '10', '--worker-memory', '96']);
  lines = parseJsonl(run.stdout);
}, 120_000);

afterAll(() => removeTree(dir));

const file = (name: string) => lines.find((l) => l.type === 'file' && path.basename(l.path) === name);

describe('worker faults', () => {
  it('a worker that dies mid-file: worker-crashed, and the scan goes on', () => {
    expect(file('z.fault-crash')).toMatchObject({ status: 'error', reason: 'worker-crashed' });
  });

  it('a worker that runs out of heap (resourceLimits): worker-crashed', () => {
    expect(file('z.fault-oom')).toMatchObject({ status: 'error', reason: 'worker-crashed' });
    expect(file('z.fault-oom').message).toMatch(/out of memory/);
  });

  it('a worker that never returns: timeout at the per-file limit', () => {
    expect(file('z.fault-hang')).toMatchObject({ status: 'error', reason: 'timeout' });
  });

  it('replaces the worker each time: every other file is scanned, and the summary is complete', () => {
    const notes = lines.filter((l) => l.type === 'file' && path.basename(l.path).startsWith('note-'));
    expect(notes).toHaveLength(12);
    for (const note of notes) expect(note.status, note.path).toBe('scanned');
    const summary = lines.at(-1);
    expect(summary).toMatchObject({ type: 'summary', complete: true, filesSeen: 15, filesScanned: 12, filesFailed: 3 });
    expect(summary.failedByReason).toEqual({ 'worker-crashed': 2, timeout: 1 });
  });

  it('prints no planted value on stderr', () => {
    expect(run.stderr).not.toContain('523-71-4286');
    expect(run.network).toEqual([]);
  });
});

describe('the deadline is per file, not per batch', () => {
  let slowDir: string;
  let slowLines: any[];

  beforeAll(() => {
    // Four small files in one batch, each taking 0.7 s under a 2 s limit: 2.8 s for the batch, no file over.
    // The margin is for a loaded machine, where the first file also waits for the worker's start-up.
    slowDir = tempDir('slow');
    for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(slowDir, `slow-${i}.fault-slow`), `${PHI_LINE}\n`);
    slowLines = parseJsonl(runCli(['scan', slowDir, '--format', 'jsonl', '--threads', '1', '--timeout', '2']).stdout);
  }, 120_000);

  afterAll(() => removeTree(slowDir));

  it('scans every slow but sound file of a batch whose total time passes the limit', () => {
    const files = slowLines.filter((l) => l.type === 'file');
    expect(files).toHaveLength(4);
    for (const f of files) expect(f, f.path).toMatchObject({ status: 'scanned' });
    expect(slowLines.at(-1).failedByReason).toEqual({});
  });
});
