// Smoke test of the benchmark harness on a tiny corpus: the table's shape and that ratios are numbers.
// No timing is asserted: this machine's speed is the benchmark's business, not the test suite's.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM scripts without type declarations
import { ensureCorpus, QUICK_SIZES } from '../src/corpus.mjs';
// @ts-expect-error plain ESM scripts without type declarations
import { formatTable, formatVerdicts, runBenchmarks, TABLE_COLUMNS } from '../src/run.mjs';
// @ts-expect-error plain ESM scripts without type declarations
import { evictFiles, makeCold, residentBytes } from '../src/page-cache.mjs';

const TINY = {
  ...QUICK_SIZES,
  largeTextMiB: 2,
  smallTextFiles: 20,
  smallTextKiB: 2,
  pdfFiles: 2,
  docxFiles: 2,
  xlsxFiles: 2,
  largePdfPages: 3,
  largeDocxMB: 0.02,
  largeXlsxRows: 40,
};

describe('benchmark harness', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-bench-smoke-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs phi-scan and the baselines over every set and prints one table with ratios', async () => {
    const manifest = await ensureCorpus(dir, TINY);
    // Two rounds: each tool's best run makes one row, whatever the number of rounds.
    const result = await runBenchmarks({ corpusDir: dir, threads: 1, cold: false, manifest, rounds: 2 });
    const table: string = formatTable(result.rows);
    const header = table.split('\n')[0]!.split('|').map((c) => c.trim()).filter(Boolean);
    expect(header).toEqual(TABLE_COLUMNS);
    expect(header).toEqual(expect.arrayContaining(['MB/s', 'files/s', 'peak RSS MB', 'ratio']));

    const phi = result.rows.filter((r: { tool: string }) => r.tool === 'phi-scan');
    expect(new Set(phi.map((r: { set: string }) => r.set))).toEqual(
      new Set(['text-1mib', 'text-10kib', 'text-10kib/10', 'docx', 'xlsx', 'pdf', 'docx-large', 'xlsx-large', 'pdf-large']),
    );
    const keys = result.rows.map((r: { set: string; tool: string; threads: number; cache: string }) => `${r.set} ${r.tool} ${r.threads} ${r.cache}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const row of result.rows) {
      expect(typeof row.mbPerSec).toBe('number');
      // GNU time gives CPU time; without it the column is empty rather than made up.
      // (ripgrep over a tiny set may take under its 10 ms resolution).
      if (fs.existsSync('/usr/bin/time')) expect(row.cpuSeconds).toBeGreaterThanOrEqual(0);
      else expect(row.cpuSeconds).toBeNull();
      expect(typeof row.filesPerSec).toBe('number');
      expect(row.files).toBeGreaterThan(0);
    }
    // Node baselines are always there; ripgrep and pdftotext only when installed.
    const withBaseline = phi.filter((r: { set: string }) =>
      ['docx', 'xlsx', 'docx-large', 'xlsx-large'].includes(r.set) ||
      (result.tools.rg && r.set.startsWith('text-1')) ||
      (result.tools.pdftotext && r.set.startsWith('pdf')),
    );
    for (const row of withBaseline) {
      if (row.set === 'text-10kib/10') continue;
      expect(typeof row.ratio).toBe('number');
      expect(Number.isFinite(row.ratio)).toBe(true);
      // The ratio shown is the measured one rounded, not a ratio of rounded rates.
      expect(row.ratio).toBe(Number(row.exact.ratio.toPrecision(3)));
    }
    // Sets of many files also time each tool on their smallest file alone: its start-up.
    for (const row of result.rows.filter((r: { set: string; files: number }) => r.files > 1 && r.set !== 'text-10kib/10')) {
      expect(row.startupSeconds).toBeGreaterThan(0);
    }
    expect(phi.find((r: { set: string }) => r.set === 'text-1mib').stats).toMatch(/extract text/);
    expect(formatVerdicts(result.verdicts)).toMatch(/docx: ≥ 5× mammoth/);
  }, 180_000);

  // The fallback for a machine that refuses drop_caches, forced here so that the test drops no one's cache.
  const hasPython = spawnSync('python3', ['--version']).status === 0;
  it.runIf(hasPython)('makes a set cold without root by evicting its files', async () => {
    const manifest = await ensureCorpus(dir, TINY);
    const result = await runBenchmarks({ corpusDir: dir, threads: 1, cold: true, coldMethod: 'evict-files', manifest, sets: ['text-1mib'] });
    expect(result.coldMethod).toBe('evict-files');
    const cold = result.rows.filter((r: { cache: string }) => r.cache === 'cold');
    expect(cold.map((r: { tool: string }) => r.tool)).toContain('phi-scan');
    // The files themselves: read into the cache, evicted, and no longer resident (where fincore can tell).
    const file = path.join(dir, 'evict-check.txt');
    fs.writeFileSync(file, 'x'.repeat(1 << 20));
    const fd = fs.openSync(file, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.readFileSync(file);
    expect(makeCold('evict-files', dir)).toBe(true);
    const left = residentBytes(file);
    if (left !== undefined) expect(left).toBeLessThan(1 << 19);
    expect(evictFiles([path.join(dir, 'no-such-file')])).toBe(false);
  }, 180_000);
});
