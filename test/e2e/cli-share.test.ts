import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// The CLI end to end, as a user runs it, on the shipped example share and its manifest of what must be found.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(repo, 'packages/cli/dist/bin.js');
const share = 'examples/share';

interface Manifest {
  distinctPatients: number;
  files: Record<string, { status: string; detectors: string[]; absent: string[]; records: number }>;
}
const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(repo, 'examples/expected.json'), 'utf8'));

function phiScan(args: string[], cwd = repo) {
  const run = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)));
}

let jsonl: ReturnType<typeof phiScan>;
let lines: any[];
let files: Map<string, any>;

beforeAll(() => {
  jsonl = phiScan(['scan', share, '--format', 'jsonl']);
  lines = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l));
  files = new Map(lines.filter((l) => l.type === 'file').map((l) => [path.relative(share, l.path), l]));
});

describe('phi-scan scan examples/share --format jsonl', () => {
  it('exits 1 because the share holds PHI, and writes one JSON object per line ending with the summary', () => {
    expect(jsonl.code).toBe(1);
    expect(lines.at(-1).type).toBe('summary');
    expect(lines.slice(0, -1).every((l) => l.type === 'file')).toBe(true);
  });

  it('keeps the documented field names of the output contract', () => {
    for (const file of files.values()) {
      expect(Object.keys(file)).toEqual(expect.arrayContaining(['type', 'path', 'status', 'bytes', 'findings', 'records']));
      expect(['scanned', 'skipped', 'error']).toContain(file.status);
      if (file.status !== 'scanned') expect(typeof file.reason).toBe('string');
      for (const finding of file.findings) {
        expect(Object.keys(finding)).toEqual(expect.arrayContaining(['detector', 'value', 'confidence', 'location']));
        expect(['low', 'medium', 'high']).toContain(finding.confidence);
      }
    }
    const summary = lines.at(-1);
    for (const key of ['filesSeen', 'filesScanned', 'filesSkipped', 'filesFailed', 'findings', 'findingsByDetector', 'records']) {
      expect(summary).toHaveProperty(key);
    }
  });

  it('accounts for every file in the share exactly once, and the summary adds up', () => {
    const onDisk = listFiles(path.join(repo, share)).sort();
    // Archive members and mail attachments are reported as files of their own, under 'outer.zip!inner.csv'.
    const reported = [...files.keys()];
    expect(reported.filter((p) => !p.includes('!')).sort()).toEqual(onDisk);
    expect(reported.filter((p) => p.includes('!')).sort()).toEqual(Object.keys(manifest.files).filter((p) => p.includes('!')).sort());
    expect(lines.filter((l) => l.type === 'file')).toHaveLength(reported.length);
    const s = lines.at(-1);
    expect(s.filesSeen).toBe(reported.length);
    expect(s.filesScanned + s.filesSkipped + s.filesFailed).toBe(s.filesSeen);
    expect(s.records).toBe([...files.values()].reduce((n, f) => n + f.records, 0));
    expect(s.complete).toBe(true);
  });

  for (const [name, expected] of Object.entries(manifest.files)) {
    it(`${name}: ${expected.status}, ${expected.detectors.join(' ') || 'no PHI'}, ${expected.records} record(s)`, () => {
      const file = files.get(name);
      expect(file, 'file reported').toBeDefined();
      expect(file.status).toBe(expected.status);
      const found = new Set(file.findings.map((f: any) => f.detector));
      for (const id of expected.detectors) expect(found, `finds ${id}`).toContain(id);
      for (const id of expected.absent) expect(found, `does not report ${id}`).not.toContain(id);
      expect(file.records).toBe(expected.records);
    });
  }

  it('links records across files into the distinct patients the manifest placed in the share', () => {
    const s = lines.at(-1);
    expect(s.distinctPatients).toBe(manifest.distinctPatients);
    expect(s.distinctPatients).toBeLessThan(s.records);
    expect(s.filesExposingPatients).toBe([...files.values()].filter((f) => f.records > 0).length);
    expect(s.phiRecords + s.piiRecords).toBe(s.records);
  });

  it('says who can read each file with findings, with a risk score', () => {
    for (const file of files.values()) {
      if (file.findings.length === 0) continue;
      expect(file.access).toMatchObject({ uid: expect.any(Number), gid: expect.any(Number), mode: expect.stringMatching(/^[0-7]{4}$/) });
      expect(typeof file.access.worldReadable).toBe('boolean');
      expect(file.risk.score).toBeGreaterThanOrEqual(0);
      expect(file.risk.score).toBeLessThanOrEqual(100);
    }
    const riskiest = lines.at(-1).riskiestFiles.map((f: any) => f.risk.score);
    expect(riskiest).toEqual([...riskiest].sort((a: number, b: number) => b - a));
  });

  it('masks every value by default', () => {
    expect(jsonl.stdout).not.toMatch(/\b\d{3}-\d{2}-\d{4}\b/);
    for (const file of files.values()) {
      for (const f of file.findings) {
        if (f.detector === 'name') expect(f.value).not.toMatch(/[A-Za-z]/);
        expect(f.value).toContain('*');
      }
    }
  });
});

describe('phi-scan as a user runs it', () => {
  it('reveals raw values only with --reveal, and says so on stderr', () => {
    const run = phiScan(['scan', `${share}/Exports/patient_roster.csv`, '--format', 'jsonl', '--reveal']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/"value":"\d{3}-\d{2}-\d{4}"/);
    expect(run.stderr.toLowerCase()).toContain('unmasked');
  });

  it('exits 0 on a folder without PHI', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-clean-'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'Order 123456789 ships Tuesday. Call 555-201-4477.\n');
    const run = phiScan(['scan', dir, '--format', 'json']);
    fs.rmSync(dir, { recursive: true });
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.files).toHaveLength(1);
    expect(doc.summary.findings).toBe(0);
  });

  it("reports who can read a file whose name holds a '!' (not an archive member)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-bang-'));
    const file = path.join(dir, 'URGENT!roster.txt');
    fs.writeFileSync(file, 'Patient: John Smith\nDOB: 03/14/1962\nSSN: 512-44-8391\n');
    fs.chmodSync(file, 0o640);
    const run = phiScan(['scan', dir, '--format', 'jsonl']);
    fs.rmSync(dir, { recursive: true });
    const result = JSON.parse(run.stdout.trim().split('\n')[0]!);
    expect(result.path).toBe(file);
    expect(result.findings.length).toBeGreaterThan(0);
    expect(result.access).toMatchObject({ mode: '0640', groupReadable: true, worldReadable: false });
  });

  it('exits 2 with a one-line message on bad usage', () => {
    for (const args of [['scan', share, '--format', 'pdf'], ['scan', 'does/not/exist'], ['scan', share, '--threads', '0']]) {
      const run = phiScan(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^phi-scan: error: /);
      expect(run.stdout).toBe('');
    }
  });

  it('prints a readable summary by default: counts, detectors, records, riskiest files', () => {
    const run = phiScan([share]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`seen\\s+${Object.keys(manifest.files).length}\\b`));
    expect(run.stdout).toMatch(/Records \(patients\) exposed\s+\d+/);
    expect(run.stdout).toContain('patient_roster.csv');
    expect(run.stdout).not.toMatch(/\b\d{3}-\d{2}-\d{4}\b/);
  });

  it('lists the detectors', () => {
    const run = phiScan(['detectors', '--format', 'json']);
    expect(run.code).toBe(0);
    const ids = JSON.parse(run.stdout).map((d: any) => d.id);
    expect(ids).toEqual(expect.arrayContaining(['ssn', 'mrn', 'dob', 'name', 'icd10', 'icd9']));
  });

  it('works through the root script: pnpm --silent phi-scan prints only the report and passes the exit code', () => {
    const run = spawnSync('pnpm', ['--silent', 'phi-scan', 'scan', share, '--format', 'jsonl', '--quiet'], { cwd: repo, encoding: 'utf8' });
    expect(run.status).toBe(1);
    const out = run.stdout.trim().split('\n');
    expect(out.length).toBe(files.size + 1);
    for (const line of out) expect(() => JSON.parse(line)).not.toThrow();
  });
});
