import { lstat, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileResult, ScanEvent, ScanOptions } from '@phi-scan/core';
import type { DetectorInfo } from '@phi-scan/detectors';
import { main, type CliDeps } from './cli.js';

class FakeStream extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

const DETECTORS: DetectorInfo[] = [
  { id: 'ssn', name: 'Social Security number', description: 'US SSN', hipaa: 'social-security-numbers', role: 'identifier', version: 1 },
  { id: 'npi', name: 'National Provider Identifier', description: 'NPI', hipaa: 'other-unique-identifiers', role: 'identifier', version: 1 },
];

const RAW_SSN = '123-45-6789';

function fileWithFindings(path: string, reveal: boolean | undefined): FileResult {
  return {
    type: 'file',
    path,
    status: 'scanned',
    format: 'txt',
    bytes: 42,
    records: 1,
    findings: [
      {
        detector: 'ssn',
        hipaa: 'social-security-numbers',
        role: 'identifier',
        value: reveal ? RAW_SSN : '***-**-6789',
        confidence: 'high',
        location: { line: 3 },
        fingerprint: 'abc123',
      },
    ],
  };
}

const CLEAN: FileResult = { type: 'file', path: 'clean.txt', status: 'scanned', format: 'txt', bytes: 5, records: 0, findings: [] };

interface Harness {
  stdout: FakeStream;
  stderr: FakeStream;
  calls: { roots: readonly string[]; options: ScanOptions }[];
  interrupt?: () => void;
  run(argv: string[], events?: (options: ScanOptions) => ScanEvent[] | AsyncIterable<ScanEvent>): Promise<number>;
}

function harness(tty = { stdout: false, stderr: false }): Harness {
  const h: Harness = {
    stdout: new FakeStream(tty.stdout),
    stderr: new FakeStream(tty.stderr),
    calls: [],
    async run(argv, events = () => [CLEAN]) {
      const deps: CliDeps = {
        listDetectors: () => DETECTORS,
        scan: (roots, options) => {
          h.calls.push({ roots, options });
          const produced = events(options);
          return Symbol.asyncIterator in produced ? produced : toAsync(produced);
        },
        interrupts: (handler) => {
          h.interrupt = () => handler('SIGINT');
          return () => (h.interrupt = undefined);
        },
      };
      return main(argv, { stdout: h.stdout, stderr: h.stderr, env: {} }, deps);
    },
  };
  return h;
}

async function* toAsync(events: ScanEvent[]): AsyncIterable<ScanEvent> {
  yield* events;
}

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'phi-scan-cli-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('exit codes', () => {
  it('is 0 for a clean scan and 1 for findings', async () => {
    expect(await harness().run([folder])).toBe(0);
    expect(await harness().run([folder], (o) => [fileWithFindings('a.txt', o.reveal)])).toBe(1);
  });

  it.each([
    [['--format', 'xml', '.']],
    [['--threads', '0', '.']],
    [['--threads', 'many', '.']],
    [['--max-file-size', '10XB', '.']],
    [['--min-confidence', 'certain', '.']],
    [['--timeout', '-1', '.']],
    [['--no-such-option', '.']],
    [['scan']],
  ])('is 2 with one error line for %j', async (argv) => {
    const h = harness();
    expect(await h.run(argv)).toBe(2);
    const lines = h.stderr.text.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^phi-scan: error: /);
    expect(h.calls).toHaveLength(0);
  });

  it('is 2 for a path that does not exist and for an unknown detector id', async () => {
    const missing = harness();
    expect(await missing.run([join(folder, 'nope')])).toBe(2);
    expect(missing.stderr.text).toMatch(/^phi-scan: error: cannot scan .*nope: no such file or folder\n$/);
    const unknown = harness();
    expect(await unknown.run([folder, '--detectors', 'ssn,bogus'])).toBe(2);
    expect(unknown.stderr.text).toContain("unknown detector id: bogus (see 'phi-scan detectors')");
  });

  it('is 2 for a fatal scan error, with a stack trace only with --debug', async () => {
    const failing = () => {
      throw new Error('worker pool failed to start\nsecond line');
    };
    const plain = harness();
    expect(await plain.run([folder], failing)).toBe(2);
    expect(plain.stderr.text).toBe('phi-scan: error: worker pool failed to start\n');
    const debug = harness();
    expect(await debug.run([folder, '--debug'], failing)).toBe(2);
    expect(debug.stderr.text).toContain('    at ');
  });

  it('says plainly when the report output was closed early', async () => {
    const h = harness();
    const closedPipe = () => {
      throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    };
    expect(await h.run([folder], closedPipe)).toBe(2);
    expect(h.stderr.text).toBe('phi-scan: error: the report output was closed (EPIPE) before the report was complete\n');
  });

  it('prints help and the version with exit 0', async () => {
    const help = harness();
    expect(await help.run(['--help'])).toBe(0);
    expect(help.stdout.text).toContain('Examples:');
    const version = harness();
    expect(await version.run(['--version'])).toBe(0);
    expect(version.stdout.text).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('scan options', () => {
  it('passes parsed values to scan, and scan is the default command', async () => {
    const h = harness();
    await h.run([
      folder,
      '--threads', '3',
      '--include', '**/*.csv',
      '--include', '**/*.txt',
      '--exclude', 'tmp/**',
      '--max-file-size', '10MB',
      '--min-confidence', 'high',
      '--timeout', '2.5',
      '--follow-symlinks',
      '--mrn-pattern', 'MRN[0-9]{8}',
      '--detectors', 'ssn, npi',
      '--explain',
    ]);
    expect(h.calls[0]!.roots).toEqual([folder]);
    expect(h.calls[0]!.options).toMatchObject({
      threads: 3,
      include: ['**/*.csv', '**/*.txt'],
      exclude: ['tmp/**'],
      maxFileSize: 10_000_000,
      minConfidence: 'high',
      fileTimeoutMs: 2500,
      followSymlinks: true,
      mrnPatterns: ['MRN[0-9]{8}'],
      detectors: ['ssn', 'npi'],
      explain: true,
      reveal: false,
    });
    expect(h.calls[0]!.options.signal).toBeInstanceOf(AbortSignal);
  });

  it.each([
    ['512k', 512_000],
    ['1GiB', 1024 ** 3],
    ['4096', 4096],
    ['1.5MiB', 1.5 * 1024 ** 2],
  ])('reads --max-file-size %s', async (size, bytes) => {
    const h = harness();
    await h.run(['scan', folder, '--max-file-size', size]);
    expect(h.calls[0]!.options.maxFileSize).toBe(bytes);
  });

  it('accepts options before the paths on the default command', async () => {
    const h = harness();
    expect(await h.run(['--format', 'jsonl', '--threads', '2', folder, folder])).toBe(0);
    expect(h.calls[0]!.roots).toEqual([folder, folder]);
    expect(h.calls[0]!.options.threads).toBe(2);
    expect(h.stdout.text).toContain('"type":"summary"');
  });

  it('defaults to medium confidence and masked values', async () => {
    const h = harness();
    await h.run([folder]);
    expect(h.calls[0]!.options).toMatchObject({ minConfidence: 'medium', reveal: false });
  });
});

describe('reports', () => {
  it('writes jsonl to stdout and only a summary line to stderr', async () => {
    const h = harness();
    expect(await h.run([folder, '--format', 'jsonl'], (o) => [fileWithFindings('a.txt', o.reveal), CLEAN])).toBe(1);
    const lines = h.stdout.text.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.type)).toEqual(['file', 'file', 'summary']);
    expect(lines[2]).toMatchObject({ complete: true, findings: 1, masked: true });
    expect(h.stderr.text).toBe('phi-scan: 2 files seen, 1 findings in 1 files, 1 records exposed, 1 distinct patients\n');
    expect(h.stdout.text + h.stderr.text).not.toContain(RAW_SSN);
  });

  it('--quiet leaves stderr empty', async () => {
    const h = harness();
    await h.run([folder, '--format', 'jsonl', '--quiet']);
    expect(h.stderr.text).toBe('');
  });

  it('--reveal warns on stderr, even with --quiet', async () => {
    const h = harness();
    await h.run([folder, '--reveal', '--quiet', '--format', 'jsonl'], (o) => [fileWithFindings('a.txt', o.reveal)]);
    expect(h.stderr.text).toContain('warning: --reveal');
    expect(h.stdout.text).toContain(RAW_SSN);
  });

  it('writes --output atomically with mode 0600 and leaves no temporary file', async () => {
    const h = harness();
    const target = join(folder, 'report.json');
    await writeFile(target, 'old report');
    expect(await h.run([folder, '--format', 'json', '--output', target], (o) => [fileWithFindings('a.txt', o.reveal)])).toBe(1);
    expect(h.stdout.text).toBe('');
    const document = JSON.parse(await readFile(target, 'utf8'));
    expect(document.summary.findings).toBe(1);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect(await readdir(folder)).toEqual(['report.json']);
    expect(h.stderr.text).toContain(`report written to ${target}`);
  });

  it('keeps the previous report when the scan fails', async () => {
    const target = join(folder, 'report.jsonl');
    await writeFile(target, 'previous');
    const h = harness();
    const failing = async function* (): AsyncIterable<ScanEvent> {
      yield CLEAN;
      throw new Error('disk vanished');
    };
    expect(await h.run([folder, '--format', 'jsonl', '-o', target], failing)).toBe(2);
    expect(await readFile(target, 'utf8')).toBe('previous');
    expect(await readdir(folder)).toEqual(['report.jsonl']);
  });

  it('writes -o /dev/null in place and leaves the device a device (a rename over it would replace it)', async () => {
    const h = harness();
    expect(await h.run([folder, '--format', 'jsonl', '-o', '/dev/null'], (o) => [fileWithFindings('a.txt', o.reveal)])).toBe(1);
    expect((await stat('/dev/null')).isCharacterDevice()).toBe(true);
    expect(await readdir(folder)).toEqual([]);
  });

  it('writes through a symlinked --output to the file it points at, keeping the link', async () => {
    const h = harness();
    const real = join(folder, 'real.json');
    const link = join(folder, 'latest.json');
    await writeFile(real, 'old');
    await symlink(real, link);
    expect(await h.run([folder, '--format', 'json', '-o', link], (o) => [fileWithFindings('a.txt', o.reveal)])).toBe(1);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await readFile(real, 'utf8')).summary.findings).toBe(1);
  });

  it('refuses an --output that is a folder before scanning', async () => {
    const h = harness();
    expect(await h.run([folder, '-o', folder])).toBe(2);
    expect(h.calls).toHaveLength(0);
  });

  it('shows the text summary on stdout by default', async () => {
    const h = harness();
    await h.run([folder], (o) => [fileWithFindings('a.txt', o.reveal)]);
    expect(h.stdout.text).toContain('phi-scan report');
    expect(h.stdout.text).toMatch(/ssn\s+1/);
    expect(h.stderr.text).toBe('');
  });
});

describe('interrupt', () => {
  it('stops the scan, finishes the report marked incomplete and exits 2', async () => {
    const h = harness();
    const endless = async function* (options: ScanOptions): AsyncIterable<ScanEvent> {
      yield fileWithFindings('a.txt', options.reveal);
      h.interrupt?.();
      if (options.signal?.aborted) return;
      yield CLEAN;
    };
    expect(await h.run([folder, '--format', 'jsonl'], endless)).toBe(2);
    const lines = h.stdout.text.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.at(-1)).toMatchObject({ type: 'summary', complete: false, filesSeen: 1 });
    expect(h.stderr.text).toContain('error: interrupted by SIGINT; the report is incomplete');
  });

  it('treats an AbortError after the interrupt as the interrupt, not a failure', async () => {
    const h = harness();
    const aborting = async function* (): AsyncIterable<ScanEvent> {
      yield CLEAN;
      h.interrupt?.();
      throw Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    };
    expect(await h.run([folder, '--format', 'jsonl'], aborting)).toBe(2);
    expect(h.stderr.text).not.toContain('aborted');
    expect(JSON.parse(h.stdout.text.trimEnd().split('\n').at(-1)!)).toMatchObject({ complete: false });
  });
});

describe('progress', () => {
  const progress: ScanEvent = { type: 'progress', filesSeen: 1, filesDone: 1, bytesDone: 5, filesWithFindings: 0, elapsedMs: 10 };

  it('draws on a terminal stderr when the report does not stream onto a terminal', async () => {
    const h = harness({ stdout: false, stderr: true });
    await h.run([folder], () => [progress, CLEAN]);
    expect(h.stderr.text).toContain('phi-scan: 1/1 files');
  });

  it('stays off with --quiet, on a non-terminal stderr, and under jsonl streaming to a terminal', async () => {
    for (const [tty, argv] of [
      [{ stdout: false, stderr: true }, ['--quiet']],
      [{ stdout: false, stderr: false }, []],
      [{ stdout: true, stderr: true }, ['--format', 'jsonl']],
    ] as const) {
      const h = harness(tty);
      await h.run([folder, ...argv], () => [progress, CLEAN]);
      expect(h.stderr.text).not.toContain('files/s');
    }
  });
});

describe('detectors command', () => {
  it('lists detectors as a table and as JSON', async () => {
    const table = harness();
    expect(await table.run(['detectors'])).toBe(0);
    expect(table.stdout.text).toMatch(/^ID\s+NAME\s+HIPAA\s+DESCRIPTION\n/);
    expect(table.stdout.text).toMatch(/ssn\s+Social Security number\s+social-security-numbers\s+US SSN/);
    const json = harness();
    expect(await json.run(['detectors', '--format', 'json'])).toBe(0);
    expect(JSON.parse(json.stdout.text).map((d: DetectorInfo) => d.id)).toEqual(['npi', 'ssn']);
  });
});
