import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, chromiumAvailable, luminanceSpread, openInChromium } from './chromium.js';

// Every report format on the example share, as a user writes them to files, and the saved scan re-rendered.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(repo, 'packages/cli/dist/bin.js');
const share = 'examples/share';
const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'examples/expected.json'), 'utf8'));
const KEY = 'e2e-fingerprint-key';

function phiScan(args: string[], cwd = repo) {
  const run = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', PHI_SCAN_FINGERPRINT_KEY: KEY } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

let dir: string;
const out = (name: string) => path.join(dir, name);
const read = (name: string) => fs.readFileSync(out(name), 'utf8');

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-reports-'));
  for (const format of ['jsonl', 'json', 'csv', 'sarif', 'html', 'text']) {
    const run = phiScan(['scan', share, '--format', format, '-o', out(`share.${format}`), '--quiet']);
    expect(run.code, `${format}: ${run.stderr}`).toBe(1);
  }
  expect(phiScan(['scan', share, '--format', 'csv', '--csv-per', 'file', '-o', out('files.csv'), '-q']).code).toBe(1);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('phi-scan scan examples/share in every format', () => {
  it('writes each report with mode 0600, values masked', () => {
    for (const name of ['share.jsonl', 'share.json', 'share.csv', 'share.sarif', 'share.html', 'share.text', 'files.csv']) {
      expect(fs.statSync(out(name)).mode & 0o777, name).toBe(0o600);
      expect(read(name), name).not.toMatch(/\b\d{3}-\d{2}-\d{4}\b/);
    }
  });

  it('json and jsonl both count the distinct patients placed in the share', () => {
    expect(JSON.parse(read('share.json')).summary.distinctPatients).toBe(manifest.distinctPatients);
    expect(JSON.parse(read('share.jsonl').trim().split('\n').at(-1)!).distinctPatients).toBe(manifest.distinctPatients);
    expect(read('share.text')).toMatch(new RegExp(`Distinct patients\\s+${manifest.distinctPatients}\\b`));
  });

  it('csv: a row per finding, or a row per file with --csv-per file', () => {
    const summary = JSON.parse(read('share.json')).summary;
    const findingRows = read('share.csv').trimEnd().split('\r\n');
    expect(findingRows.length - 1).toBe(summary.findings);
    const fileRows = read('files.csv').trimEnd().split('\r\n');
    expect(fileRows.length - 1).toBe(summary.filesSeen);
  });

  it('sarif: valid against the SARIF 2.1.0 schema, one result per finding', () => {
    const requireFromTest = createRequire(import.meta.url);
    const schema = requireFromTest('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const validate = addFormats(new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false })).compile(schema);
    const log = JSON.parse(read('share.sarif'));
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(log.runs[0].results).toHaveLength(JSON.parse(read('share.json')).summary.findings);
    expect(log.runs[0].properties.distinctPatients).toBe(manifest.distinctPatients);
  });

  it('the same fingerprint key gives the same fingerprints, so a baseline of the same scan leaves nothing new', () => {
    const run = phiScan(['scan', share, '--format', 'jsonl', '--baseline', out('share.jsonl'), '-q']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toMatchObject({ findings: 0, distinctPatients: 0 });
  });

  it('phi-scan report renders the saved scan in each format without rescanning', () => {
    for (const format of ['html', 'csv', 'sarif', 'text', 'json']) {
      const run = phiScan(['report', out('share.jsonl'), '--format', format, '-o', out(`report.${format}`)]);
      expect(run.code, `${format}: ${run.stderr}`).toBe(0);
    }
    expect(JSON.parse(read('report.json')).summary.distinctPatients).toBe(manifest.distinctPatients);
    // Two scans finish files in different orders (a worker pool), so the rows are compared as a set.
    const rows = (name: string) => read(name).trimEnd().split('\r\n').sort();
    expect(rows('report.csv')).toEqual(rows('share.csv'));
    expect(read('report.html')).toContain('phi-scan exposure report');
  });
});

describe.skipIf(!chromiumAvailable)(`the HTML report opens in headless Chromium (${CHROMIUM})`, () => {
  it('shows a page that is not blank, summary first, with no console error and no request but the file', async () => {
    const page = await openInChromium(out('share.html'), ['.summary', '.files-head']);
    expect(page.problems).toEqual([]);
    expect(page.requests.every((url) => url.startsWith('file:'))).toBe(true);
    const { width, height, spread } = luminanceSpread(page.png);
    expect([width, height]).toEqual([1200, 900]);
    expect(spread).toBeGreaterThan(10);
    expect(page.tops['.summary']!).toBeLessThan(page.tops['.files-head']!);
    expect(page.text).toContain(`${manifest.distinctPatients}\ndistinct patients exposed`);
    expect(page.text).toContain('patient_roster.csv');
  });
});

if (!chromiumAvailable) console.warn(`cli-reports.test: the Chromium check is skipped: ${CHROMIUM} is absent (apt-get install -y chromium)`);
