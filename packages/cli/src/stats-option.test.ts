import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileResult, ScanEvent } from '@phi-scan/core';
import { main, type CliDeps } from './cli.js';

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

const TIMED: FileResult = {
  type: 'file',
  path: 'notes.pdf',
  status: 'scanned',
  format: 'pdf',
  bytes: 2_000_000,
  records: 0,
  findings: [],
  timings: { readMs: 4, extractMs: 250, detectMs: 30 },
};

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Collect();
  const stderr = new Collect();
  const events: ScanEvent[] = [TIMED, { type: 'progress', filesSeen: 1, filesDone: 1, bytesDone: 2_000_000, filesWithFindings: 0, elapsedMs: 5, crawlMs: 12 }];
  const deps: CliDeps = {
    listDetectors: () => [],
    scan: async function* () {
      yield* events;
    },
    interrupts: () => () => undefined,
  };
  const code = await main(argv, { stdout, stderr, env: {} }, deps);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'phi-scan-stats-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('--stats', () => {
  it('prints the stage table on stderr, leaving the report on stdout as it was', async () => {
    const plain = await run(['scan', folder, '--format', 'jsonl', '--threads', '2']);
    const timed = await run(['scan', folder, '--format', 'jsonl', '--threads', '2', '--stats']);
    expect(timed.code).toBe(plain.code);
    expect(timed.stdout.replace(/"startedAt":"[^"]*","durationMs":\d+/, '')).toBe(plain.stdout.replace(/"startedAt":"[^"]*","durationMs":\d+/, ''));
    expect(timed.stdout).not.toMatch(/timings|extractMs/);
    expect(plain.stderr).not.toMatch(/phi-scan stats/);
    expect(timed.stderr).toMatch(/phi-scan stats: .* 2 worker thread\(s\)/);
    for (const stage of ['crawl', 'read', 'extract pdf', 'detect', 'report']) expect(timed.stderr).toContain(stage);
    expect(timed.stderr).toMatch(/crawl .*0\.01 s/);
  });
});
