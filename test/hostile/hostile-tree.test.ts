import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_CASES, PLANTED, WORKER_CASES, writeCases, writeFileSystemCases, type Expectation } from './cases.js';
import { parseJsonl, removeTree, runCli, tempDir, type CliRun } from './run-cli.js';

/**
 * One scan of a tree holding every hostile case, with small per-file limits so the worker cases finish fast:
 * the scan must complete, account for every path once with a reason a person understands, add up, stay
 * within its memory bound, never touch the network and never print a planted value.
 */

/** The reasons the report may give; each is a word an operator can act on. */
const KNOWN_REASONS = new Set([
  'too-large', 'symlink', 'not-regular-file', 'encrypted', 'unsupported', 'no-text',
  'corrupt', 'timeout', 'worker-crashed', 'permission-denied', 'vanished', 'not-found', 'read-error', 'interrupted',
]);

// Generous enough that a loaded CI machine does not turn a slow parse into a timeout; the limits themselves
// are tested on purpose-made faults in workers.test.ts.
const LIMITS = ['--timeout', '20', '--worker-memory', '256', '--threads', '2'];

let root: string;
let work: string;
let expected: { file: string; what: string; expect: Expectation }[];
let run: CliRun;
let debugRun: CliRun;
let lines: any[];
let byPath: Map<string, any[]>;

beforeAll(() => {
  work = tempDir('tree');
  root = path.join(work, 'share');
  writeCases(root, [...CONTENT_CASES, ...WORKER_CASES]);
  expected = [...CONTENT_CASES, ...WORKER_CASES].map(({ file, what, expect }) => ({ file, what, expect }));
  expected.push(...writeFileSystemCases(root));
  const report = path.join(work, 'report.jsonl');
  run = runCli(['scan', root, '--format', 'jsonl', '-o', report, ...LIMITS]);
  if (!fs.existsSync(report)) throw new Error(`no report (exit ${run.code}): ${run.stderr.slice(0, 2000)}`);
  lines = parseJsonl(fs.readFileSync(report, 'utf8'));
  byPath = new Map();
  for (const line of lines.filter((l) => l.type === 'file')) {
    const rel = path.relative(root, line.path);
    byPath.set(rel, [...(byPath.get(rel) ?? []), line]);
  }
  // The same tree again with --debug and --verbose on the text report: stack traces and per-file lines are
  // where a value would leak if anything quoted file content.
  debugRun = runCli(['scan', ...['docx', 'xlsx', 'text', 'names'].map((d) => path.join(root, d)), '--debug', '--verbose', ...LIMITS]);
}, 280_000);

afterAll(() => removeTree(work));

const files = () => lines.filter((l) => l.type === 'file');
const crawled = () => files().filter((l) => l.container === undefined);
const summary = () => lines.at(-1);

describe('a scan of the hostile tree', () => {
  it('completes: exit code 1 (the tree holds PHI), a summary last, marked complete', () => {
    expect(run.stderr).not.toMatch(/error:/);
    expect(run.code).toBe(1);
    expect(summary().type).toBe('summary');
    expect(summary().complete).toBe(true);
  });

  it('reports every path the crawl saw exactly once', () => {
    const seen = crawled().map((l) => path.relative(root, l.path));
    expect(new Set(seen).size).toBe(seen.length);
    for (const { file } of expected) expect(byPath.get(file), file).toHaveLength(1);
  });

  for (const c of [...CONTENT_CASES, ...WORKER_CASES]) {
    it(`${c.file}: ${c.what}`, () => check(c.file, c.expect));
  }

  it('file-system cases: FIFO, device, symlink loops, odd names, long paths, a 2 GiB sparse file', () => {
    for (const { file, expect: e } of expected.filter((x) => !CONTENT_CASES.some((c) => c.file === x.file) && !WORKER_CASES.some((c) => c.file === x.file))) {
      check(file, e);
    }
  });

  it('gives a reason and a one-line message for every file it did not scan', () => {
    for (const file of files().filter((l) => l.status !== 'scanned')) {
      expect(KNOWN_REASONS, `${file.path}: ${file.reason}`).toContain(file.reason);
      expect(typeof file.message).toBe('string');
      expect(file.message.length).toBeGreaterThan(0);
      expect(file.message).not.toContain('\n');
    }
  });

  it('keeps a non-UTF-8 name losslessly: \\xNN escapes in path, the exact bytes in rawPath', () => {
    const [line] = byPath.get('names/latin1-\\xE9\\xFF.txt')!;
    expect(Buffer.from(line.rawPath, 'base64')).toEqual(Buffer.concat([Buffer.from(path.join(root, 'names/latin1-')), Buffer.from([0xe9, 0xff]), Buffer.from('.txt')]));
  });

  it('calls out encrypted files by name: in the summary, and in the text report', () => {
    const encrypted = ['pdf/encrypted.pdf', 'docx/encrypted.docx', 'xlsx/encrypted.xlsx'].map((f) => path.join(root, f));
    expect([...summary().encryptedFiles].sort()).toEqual([...encrypted].sort());
    expect(debugRun.stdout).toMatch(/Encrypted files\s+2\s+\(password-protected: not scanned, and may hold PHI\)/);
    for (const file of encrypted.slice(1)) expect(debugRun.stdout).toContain(file);
  });

  it('summary counts add up', () => {
    const s = summary();
    const all = files();
    expect(s.filesSeen).toBe(all.length);
    expect(s.filesScanned + s.filesSkipped + s.filesFailed).toBe(s.filesSeen);
    expect(s.filesScanned).toBe(all.filter((l) => l.status === 'scanned').length);
    expect(s.filesSkipped).toBe(all.filter((l) => l.status === 'skipped').length);
    expect(s.filesFailed).toBe(all.filter((l) => l.status === 'error').length);
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    expect(sum(s.skippedByReason)).toBe(s.filesSkipped);
    expect(sum(s.failedByReason)).toBe(s.filesFailed);
    expect(s.findings).toBe(all.reduce((n, l) => n + l.findings.length, 0));
    expect(s.records).toBe(all.reduce((n, l) => n + l.records, 0));
  });

  it('keeps peak RSS bounded (2 workers of 256 MiB heap, 600 MB bombs, a 2 GiB file)', () => {
    expect(run.maxRssBytes).toBeDefined();
    expect(run.maxRssBytes!).toBeLessThan(1200 * 1024 * 1024);
  });

  it('never touches the network (net, tls, dns, http, fetch throw and are logged by a preload)', () => {
    expect(run.network).toEqual([]);
    expect(debugRun.network).toEqual([]);
  });

  it('prints no planted value on stderr or in the masked report, with --debug and --verbose too', () => {
    const masked = (text: string) => Object.values(PLANTED).filter((v) => text.includes(v));
    expect(masked(run.stderr)).toEqual([]);
    expect(masked(debugRun.stderr)).toEqual([]);
    expect(masked(debugRun.stdout)).toEqual([]);
    expect(masked(lines.map((l) => JSON.stringify(l)).join('\n'))).toEqual([]);
  });
});

function check(file: string, e: Expectation): void {
  const [line] = byPath.get(file) ?? [];
  expect(line, `${file} reported`).toBeDefined();
  const statuses = Array.isArray(e.status) ? e.status : [e.status];
  expect(statuses, `${file}: ${line.status} ${line.reason ?? ''} ${line.message ?? ''}`).toContain(line.status);
  if (e.reason !== undefined || line.status !== 'scanned') {
    const reasons = Array.isArray(e.reason) ? e.reason : [e.reason];
    expect(reasons, `${file}: ${line.reason} ${line.message ?? ''}`).toContain(line.reason);
  }
  if (e.findsSsn) expect(line.findings.map((f: any) => f.detector), file).toContain('ssn');
  if (e.degraded) expect(line.degraded, file).toMatch(e.degraded);
}
