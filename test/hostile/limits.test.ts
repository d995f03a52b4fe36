import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan, type FileResult } from '@phi-scan/core';
import { PHI_LINE, PLANTED } from './cases.js';
import { parseJsonl, removeTree, runCli, tempDir } from './run-cli.js';

let dir: string;

beforeAll(() => {
  dir = tempDir('limits');
  fs.writeFileSync(path.join(dir, 'note.txt'), `${PHI_LINE}\n`);
  const sparse = path.join(dir, 'sparse-2g.bin');
  fs.closeSync(fs.openSync(sparse, 'w'));
  fs.truncateSync(sparse, 2 * 1024 ** 3);
});

afterAll(() => removeTree(dir));

async function collect(roots: string[], options: Parameters<typeof scan>[1]): Promise<FileResult[]> {
  const out: FileResult[] = [];
  for await (const event of scan(roots, options)) if (event.type === 'file') out.push(event);
  return out;
}

describe('user-supplied patterns', () => {
  for (const [pattern, why] of [
    ['MRN[0-9', 'unclosed class'],
    ['(a)\\1', 'backreference (not RE2)'],
    ['(?=MRN)\\d+', 'lookahead (not RE2)'],
    ['x*', 'matches the empty string'],
  ]) {
    it(`--mrn-pattern '${pattern}' (${why}): one clear line, exit 2, no stack trace, nothing scanned`, () => {
      const run = runCli(['scan', dir, '--format', 'jsonl', '--mrn-pattern', pattern, '--debug']);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^phi-scan: error: --mrn-pattern: Invalid MRN pattern #1/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('the library refuses an invalid pattern before any file is read', async () => {
    await expect(collect([dir], { threads: 1, mrnPatterns: ['MRN[0-9'] })).rejects.toThrow(/Invalid MRN pattern #1/);
  });
});

describe('file size', () => {
  it('a 2 GiB sparse file is skipped as too-large by the default limit', async () => {
    const [result] = await collect([path.join(dir, 'sparse-2g.bin')], { threads: 1 });
    expect(result).toMatchObject({ status: 'skipped', reason: 'too-large' });
  });

  it('with a larger limit it is still never read into memory: refused, saying why', async () => {
    const [result] = await collect([path.join(dir, 'sparse-2g.bin')], { threads: 1, maxFileSize: 8 * 1024 ** 3 });
    expect(result).toMatchObject({ status: 'skipped', reason: 'too-large' });
    expect(result!.message).toMatch(/read into memory/);
  });

  it('--max-file-size above the 1 GiB read ceiling is a usage error', () => {
    const run = runCli(['scan', dir, '--max-file-size', '4GiB']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--max-file-size: at most/);
  });
});

describe('a single 100 MB line', () => {
  it('is scanned in bounded time and memory, values at both ends found', () => {
    const file = path.join(dir, 'one-line.txt');
    const filler = 'lorem ipsum 1234 dolor sit amet 5678 consectetur '.repeat(2_100_000);
    fs.writeFileSync(file, `${PHI_LINE} ${filler} ${PHI_LINE.replace(PLANTED.ssn, '524-71-4286')}`);
    const started = Date.now();
    const run = runCli(['scan', file, '--format', 'jsonl', '--threads', '1', '--timeout', '120']);
    const elapsed = Date.now() - started;
    const [result] = parseJsonl(run.stdout);
    expect(result).toMatchObject({ status: 'scanned' });
    expect(result.bytes).toBeGreaterThan(100_000_000);
    const ssns = result.findings.filter((f: any) => f.detector === 'ssn');
    expect(ssns.map((f: any) => f.location.line)).toEqual([1, 1]);
    expect(ssns[1].location.column).toBeGreaterThan(100_000_000);
    // Before the line was cut into blocks this took ~20 s and 600 MB; the bound leaves room for a busy machine.
    expect(elapsed).toBeLessThan(60_000);
    expect(run.maxRssBytes!).toBeLessThan(900 * 1024 * 1024);
  }, 120_000);
});
