import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileResult, ScanEvent, ScanOptions } from '@phi-scan/core';
import { Baseline } from './baseline.js';
import { main } from './cli.js';
import { parseConfig } from './config-parse.js';
import { PathIgnore } from './path-ignore.js';

class FakeStream extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

const RAW_SSN = '123-45-6789';

function result(path: string, fingerprints: string[]): FileResult {
  return {
    type: 'file',
    path,
    status: 'scanned',
    format: 'text',
    bytes: 10,
    records: fingerprints.length,
    recordList: fingerprints.map((fp) => ({ identifiers: ['ssn'], phi: false, keys: [fp] })),
    findings: fingerprints.map((fingerprint, i) => ({
      detector: 'ssn',
      hipaa: 'social-security-numbers',
      role: 'identifier',
      value: '***-**-6789',
      confidence: 'high',
      location: { line: i + 1, column: 1 },
      fingerprint,
      record: i,
    })),
  };
}

let folder: string;
/** The scanned root, beside (not under) the operator's working directory `folder`... except where a test says. */
let share: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'phi-scan-opts-'));
  share = join(folder, 'share');
  await mkdir(share);
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function run(argv: string[], events: (options: ScanOptions) => ScanEvent[] = () => []) {
  const stdout = new FakeStream();
  const stderr = new FakeStream();
  const calls: ScanOptions[] = [];
  const code = await main(argv, { stdout, stderr, env: {}, cwd: folder }, {
    listDetectors: () => [
      { id: 'ssn', name: 'SSN', description: '', hipaa: 'social-security-numbers', role: 'identifier', version: 1 },
      { id: 'icd10', name: 'ICD-10', description: '', hipaa: 'health-information', role: 'health-information', version: 1 },
      { id: 'name', name: 'Name', description: '', hipaa: 'names', role: 'identifier', version: 1 },
    ],
    scan: (_roots, options) => {
      calls.push(options);
      return (async function* () {
        yield* events(options);
      })();
    },
    interrupts: () => () => {},
  });
  return { code, stdout: stdout.text, stderr: stderr.text, calls };
}

describe('config file', () => {
  it('reads YAML and JSON into option values, sizes and seconds as the flags take them', () => {
    expect(parseConfig('format: csv\nmaxFileSize: 10MB\ntimeout: 2.5\nmrnPatterns: ["MRN[0-9]{8}"]\n', 'c.yml')).toEqual({
      format: 'csv',
      maxFileSize: 10_000_000,
      timeout: 2500,
      mrnPattern: ['MRN[0-9]{8}'],
    });
    expect(parseConfig('{"minConfidence":"high","include":"**/*.csv"}', 'c.json')).toEqual({ minConfidence: 'high', include: ['**/*.csv'] });
    expect(parseConfig('', 'c.yml')).toEqual({});
  });

  it('refuses unknown keys, bad values and YAML that would build objects, without echoing content', () => {
    expect(() => parseConfig('formt: csv', 'c.yml')).toThrow(/unknown option 'formt'/);
    expect(() => parseConfig('format: pdf', 'c.yml')).toThrow(/'format' must be one of/);
    expect(() => parseConfig('threads: 0', 'c.yml')).toThrow(/threads/);
    expect(() => parseConfig(`fingerprintKey: !!js/function 'function(){}'`, 'c.yml')).toThrow(/config c\.yml/);
    expect(() => parseConfig(`ssn: ${RAW_SSN} {`, 'c.json')).toThrow(/not valid JSON/);
    expect(() => parseConfig(`ssn: ${RAW_SSN} {`, 'c.json')).not.toThrow(new RegExp(RAW_SSN));
  });

  it('is found in the working directory; flags override it; detectors can be turned off', async () => {
    await writeFile(join(folder, '.phi-scan.yml'), 'format: jsonl\nminConfidence: high\nthreads: 3\ndisableDetectors: [icd10]\n');
    const fromFile = await run([share]);
    expect(fromFile.calls[0]).toMatchObject({ minConfidence: 'high', threads: 3, detectors: ['ssn', 'name'] });
    expect(fromFile.stdout).toContain('"type":"summary"');
    const overridden = await run([share, '--min-confidence', 'low', '--format', 'text']);
    expect(overridden.calls[0]).toMatchObject({ minConfidence: 'low', threads: 3 });
    expect(overridden.stdout).toContain('phi-scan report');
  });

  it('hands custom detectors and allow/deny lists to the engine, and refuses an invalid pattern before scanning', async () => {
    const custom = { id: 'employee-id', patterns: ['EMP-[0-9]{6}'], keywords: ['employee'] };
    await writeFile(join(folder, 'site.yml'), `customDetectors:\n  - ${JSON.stringify(custom)}\nallow: ["555-0100"]\ndeny: [{pattern: "ZZ[0-9]{4}"}]\n`);
    const ok = await run([folder, '--config', 'site.yml']);
    expect(ok.calls[0]).toMatchObject({ customDetectors: [custom], allow: ['555-0100'], deny: [{ pattern: 'ZZ[0-9]{4}' }] });
    await writeFile(join(folder, 'bad.yml'), 'customDetectors:\n  - {id: broken, patterns: ["(a"]}\n');
    const bad = await run([folder, '--config', 'bad.yml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^phi-scan: error: config .*bad\.yml: .*broken/);
    expect(bad.calls).toHaveLength(0);
  });

  it('--config names another file; a missing one is a usage error', async () => {
    await writeFile(join(folder, 'site.json'), JSON.stringify({ exclude: ['tmp/**'], fingerprintKey: 'site-key-of-the-clinic' }));
    expect((await run([folder, '--config', 'site.json'])).calls[0]).toMatchObject({ exclude: ['tmp/**'], fingerprintKey: 'site-key-of-the-clinic' });
    const missing = await run([folder, '--config', 'nope.yml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^phi-scan: error: cannot read the config file .*nope\.yml: ENOENT\n$/);
  });
});

describe('config and ignore files inside the scanned share', () => {
  it('are not used unless named, and a warning says so', async () => {
    await writeFile(join(folder, '.phi-scan.yml'), 'minConfidence: low\n');
    await writeFile(join(folder, '.phi-scanignore'), '*\n');
    // Scanning the working directory itself: its files are the share owner's.
    const inside = await run([folder, '--format', 'jsonl'], () => [result(join(folder, 'a.txt'), ['f1'])]);
    expect(inside.calls[0]!.minConfidence).toBe('medium');
    expect(inside.stdout).toContain('a.txt');
    expect(inside.stderr).toMatch(/warning: not using .*\.phi-scan\.yml: it is inside the scanned share/);
    expect(inside.stderr).toMatch(/warning: not using .*\.phi-scanignore: it is inside the scanned share/);
    const named = await run([folder, '--config', '.phi-scan.yml', '--ignore-file', '.phi-scanignore', '--format', 'jsonl'], () => [
      result(join(folder, 'a.txt'), ['f1']),
    ]);
    expect(named.calls[0]!.minConfidence).toBe('low');
    expect(named.stdout).not.toContain('a.txt');
  });
});

describe('fingerprint key', () => {
  it('comes from the flag, else PHI_SCAN_FINGERPRINT_KEY, and a short one is refused without being echoed', async () => {
    expect((await run([folder, '--fingerprint-key', 'a-long-enough-site-key'])).calls[0]!.fingerprintKey).toBe('a-long-enough-site-key');
    const short = await run([folder, '--fingerprint-key', 'pw123']);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/too short/);
    expect(short.stderr).not.toContain('pw123');
    expect(short.calls).toHaveLength(0);
  });
});

describe('ignore file', () => {
  it('matches gitignore rules relative to each root, by the outer file of an archive member', () => {
    const ignore = new PathIgnore('Billing/\n*.hl7\n!keep.hl7\n', ['/mnt/share', '/tmp/one.txt']);
    expect(ignore.ignores('/mnt/share/Billing/claims.csv')).toBe(true);
    expect(ignore.ignores('/mnt/share/Exports/adt.hl7')).toBe(true);
    expect(ignore.ignores('/mnt/share/Exports/keep.hl7')).toBe(false);
    expect(ignore.ignores('/mnt/share/Exports/roster.csv')).toBe(false);
    expect(ignore.ignores('/mnt/share/Billing.zip!inner/x.csv')).toBe(false);
    expect(ignore.ignores('/tmp/one.txt')).toBe(false);
  });

  it('leaves ignored files out of the report and its counts; read from the working directory only', async () => {
    await writeFile(join(folder, '.phi-scanignore'), 'secret/\n');
    const events = () => [result(join(share, 'secret/a.txt'), ['f1']), result(join(share, 'open/b.txt'), ['f2'])];
    const out = await run([share, '--format', 'jsonl'], events);
    const lines = out.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.filter((l) => l.type === 'file').map((l) => l.path)).toEqual([join(share, 'open/b.txt')]);
    expect(lines.at(-1)).toMatchObject({ filesSeen: 1, findings: 1 });
    // The crawl gets the rules too, so an ignored folder is never walked or read.
    const ignorePath = out.calls[0]!.ignorePath!;
    expect(ignorePath('secret/')).toBe(true);
    expect(ignorePath('open/')).toBe(false);
    await writeFile(join(folder, 'other-ignore'), 'open/\n');
    const explicit = await run([share, '--format', 'jsonl', '--ignore-file', 'other-ignore'], events);
    expect(explicit.stdout).not.toContain('open/b.txt');
    expect(explicit.stdout).toContain('secret/a.txt');
  });
});

describe('baseline', () => {
  it('keeps only new findings and the records they belong to, renumbered', () => {
    const baseline = new Baseline();
    const before = result('share/a.txt', ['f1', 'f2']);
    baseline.add(before.path, before.findings[0]!);
    const now = result('share/a.txt', ['f1', 'f2', 'f3']);
    const fresh = baseline.newSince(now);
    expect(fresh.findings.map((f) => f.fingerprint)).toEqual(['f2', 'f3']);
    expect(fresh.findings.map((f) => f.record)).toEqual([0, 1]);
    expect(fresh.records).toBe(2);
    // The same value at another place is new.
    const moved = { ...now, findings: [{ ...now.findings[0]!, location: { line: 9, column: 1 } }] };
    expect(baseline.newSince(moved).findings).toHaveLength(1);
  });

  it('--baseline reads an earlier jsonl or json report; a missing one is a usage error', async () => {
    const events = () => [result(join(folder, 'a.txt'), ['f1', 'f2'])];
    const first = await run([folder, '--format', 'json'], () => [result(join(folder, 'a.txt'), ['f1'])]);
    await writeFile(join(folder, 'before.json'), first.stdout);
    const again = await run([folder, '--format', 'jsonl', '--baseline', join(folder, 'before.json')], events);
    expect(again.code).toBe(1);
    const summary = JSON.parse(again.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ findings: 1, records: 1, distinctPatients: 1 });
    const jsonl = await run([folder, '--format', 'jsonl'], events);
    await writeFile(join(folder, 'before.jsonl'), jsonl.stdout);
    const nothingNew = await run([folder, '--format', 'jsonl', '--baseline', join(folder, 'before.jsonl')], events);
    expect(nothingNew.code).toBe(0);
    const missing = await run([folder, '--baseline', join(folder, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read the baseline');
  });
});

describe('report command', () => {
  it('renders a saved jsonl scan as html, csv, sarif and text without scanning', async () => {
    const saved = await run([folder, '--format', 'jsonl'], () => [result(join(folder, 'a.txt'), ['f1', 'f2'])]);
    const input = join(folder, 'scan.jsonl');
    await writeFile(input, saved.stdout);
    for (const [format, marker] of [
      ['html', '<!doctype html>'],
      ['csv', 'path,detector,'],
      ['sarif', '"version":"2.1.0"'],
      ['text', 'Distinct patients  2'],
      ['json', '"distinctPatients":2'],
    ] as const) {
      const out = await run(['report', input, '--format', format]);
      expect(out.code, format).toBe(0);
      expect(out.calls).toHaveLength(0);
      expect(out.stdout, format).toContain(marker);
      expect(out.stdout).not.toContain(RAW_SSN);
    }
    const target = join(folder, 'out.html');
    expect((await run(['report', input, '-o', target])).code).toBe(0);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect(await readFile(target, 'utf8')).toContain('phi-scan exposure report');
  });

  it('is a usage error for a missing or malformed saved report, without echoing its lines', async () => {
    expect((await run(['report', join(folder, 'none.jsonl')])).stderr).toContain('cannot read the saved report');
    await writeFile(join(folder, 'bad.jsonl'), `{"type":"file","path":"x","value":"${RAW_SSN}"\n`);
    const bad = await run(['report', join(folder, 'bad.jsonl'), '--format', 'csv']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('line 1 is not valid JSON');
    expect(bad.stderr).not.toContain(RAW_SSN);
  });
});
