import fs, { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan, scanText } from '@phi-scan/core';
import type { FileResult } from '@phi-scan/core';
import { closePdftotextShells, startPdftotext, type TextReceiver } from './pdftotext.js';
import { Collect } from './pdftotext.test-support.js';

/** This process's child processes, from /proc: pid and state ('Z' for one that exited and was never waited for). */
function childProcesses(): { pid: number; state: string }[] {
  const children: { pid: number; state: string }[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // 'pid (comm) state ppid ...': comm may hold spaces and parentheses, so the fields after it count from its end.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === process.pid) children.push({ pid: Number(name), state: state! });
  }
  return children;
}

/** The fake pdftotexts' folders, removed when the file's tests are done. */
const fakeDirs: string[] = [];
afterAll(() => fakeDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/**
 * A stand-in for pdftotext, so the shell protocol is tested where poppler is not installed (CI): it writes its
 * input back, except that a first line with FAIL exits 3, with QUIT exits 4 without reading the rest, with WARN
 * complains on stderr, with SLOW waits first.
 */
function fakePdftotext(): string {
  const dir = mkdtempSync(join(tmpdir(), 'phi-scan-fake-pdftotext-'));
  fakeDirs.push(dir);
  const path = join(dir, 'pdftotext');
  const script = `#!/bin/sh
IFS= read -r first
case "$first" in
  *FAIL*) cat >/dev/null; exit 3 ;;
  *QUIT*) exit 4 ;;
  *WARN*) echo "Syntax Warning: something" >&2 ;;
  *SLOW*) sleep 0.2 ;;
esac
printf '%s\\n' "$first"
exec cat
`;
  writeFileSync(path, script, { mode: 0o755 });
  return path;
}

const input = (text: string) => Buffer.from(text, 'utf8');
const MAX = 64 * 1024 * 1024;
const runPdftotext = (executable: string, bytes: Uint8Array, maxBytes: number, receiver: TextReceiver) => startPdftotext(executable, bytes, maxBytes).deliver(receiver);

describe('pdftotext through the worker shell', () => {
  const fake = fakePdftotext();

  it('gives each queued run its own output, in any order of delivery', async () => {
    const texts = Array.from({ length: 8 }, (_, i) => `${i % 3 === 0 ? 'SLOW' : 'page'} ${i}\nline two of ${i}\n\fpage two of ${i}\n`);
    const runs = texts.map((text) => startPdftotext(fake, input(text), MAX));
    const receivers = texts.map(() => new Collect());
    // The last asked for first: its output waits behind the others' and must not be mixed with theirs.
    const outcomes = await Promise.all([...runs.keys()].reverse().map((i) => runs[i]!.deliver(receivers[i]!)));
    expect(outcomes).toEqual(texts.map(() => true));
    expect(receivers.map((r) => r.output)).toEqual(texts);
  });

  it('cannot be fooled by text that looks like the end of a run', async () => {
    const forged = `page\n${'0'.repeat(32)} 0\n\n${'a'.repeat(32)} 0\nstill the same PDF\n`;
    const receiver = new Collect();
    expect(await runPdftotext(fake, input(forged), MAX, receiver)).toBe(true);
    expect(receiver.output).toBe(forged);
  });

  it('reports a failed or complaining run as not clean, and the runs queued after it still come back whole', async () => {
    const texts = ['one\nfirst\n', 'FAIL\nbroken\n', 'three\nthird\n', 'WARN\ndamaged\n', 'five\nfifth\n'];
    const runs = texts.map((text) => startPdftotext(fake, input(text), MAX));
    const receivers = texts.map(() => new Collect());
    const outcomes = [];
    for (const [i, run] of runs.entries()) outcomes.push(await run.deliver(receivers[i]!));
    expect(outcomes).toEqual([true, false, true, false, true]);
    expect(receivers[0]!.output).toBe(texts[0]);
    expect(receivers[2]!.output).toBe(texts[2]);
    expect(receivers[4]!.output).toBe(texts[4]);
  });

  it('gives large inputs queued behind each other, and behind one not read to its end, only their own text', async () => {
    const big = (label: string, fill: string) => `${label}\n${fill.repeat(300 * 1024)}\n`;
    const texts = [big('SLOW first', 'a'), big('QUIT unread', 'b'), ...Array.from({ length: 7 }, (_, i) => (i % 2 ? big(`next ${i}`, String(i)) : `short ${i}\n`))];
    const runs = texts.map((text) => startPdftotext(fake, input(text), MAX));
    const receivers = texts.map(() => new Collect());
    const outcomes = await Promise.all(runs.map((run, i) => run.deliver(receivers[i]!)));
    expect(outcomes).toEqual(texts.map((text) => !text.startsWith('QUIT')));
    texts.forEach((text, i) => {
      if (!text.startsWith('QUIT')) expect(receivers[i]!.output === text, `run ${i}`).toBe(true);
    });
  });

  it('stops a run whose output passes the limit', async () => {
    const receiver = new Collect();
    expect(await runPdftotext(fake, input(`big\n${'x'.repeat(10_000)}\n`), 1000, receiver)).toBe(false);
    const after = new Collect();
    expect(await runPdftotext(fake, input('small\ntext\n'), 1000, after)).toBe(true);
    expect(after.output).toBe('small\ntext\n');
  });

  it('drops the output of a run nobody takes, and holds a large one until it is taken', async () => {
    const dropped = startPdftotext(fake, input('dropped\nnot for anyone\n'), MAX);
    const large = `large\n${'y'.repeat(20 * 1024 * 1024)}\n`;
    const held = startPdftotext(fake, input(large), MAX);
    const last = startPdftotext(fake, input('last\nrun\n'), MAX);
    dropped.drop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const heldReceiver = new Collect();
    const lastReceiver = new Collect();
    const [heldOk, lastOk] = await Promise.all([held.deliver(heldReceiver), last.deliver(lastReceiver)]);
    expect([heldOk, lastOk]).toEqual([true, true]);
    expect(heldReceiver.output.length).toBe(large.length);
    expect(heldReceiver.output === large).toBe(true);
    expect(lastReceiver.output).toBe('last\nrun\n');
  });

  it('refuses to deliver one run twice', async () => {
    const run = startPdftotext(fake, input('once\nonly\n'), MAX);
    await run.deliver(new Collect());
    await expect(run.deliver(new Collect())).rejects.toThrow(/twice/);
  });

  it('ends its shell on close, leaving no child behind, and starts a new one for the next run', async () => {
    const first = new Collect();
    expect(await runPdftotext(fake, input('before\nclose\n'), MAX, first)).toBe(true);
    expect(childProcesses().length).toBeGreaterThan(0);
    await closePdftotextShells();
    expect(childProcesses()).toEqual([]);
    const second = new Collect();
    expect(await runPdftotext(fake, input('after\nclose\n'), MAX, second)).toBe(true);
    expect(second.output).toBe('after\nclose\n');
    // A run nobody takes does not hold the close up: the shell is killed, and still waited for.
    startPdftotext(fake, input('SLOW dropped\n'), MAX).drop();
    await closePdftotextShells();
    expect(childProcesses()).toEqual([]);
  });
});

// Runs against the built package (dist/worker.js). With a pdftotext on PATH a worker reads the next PDF ahead
// and queues its pdftotext run behind the current one: each file must still get its own text, and only its own.
const KEY = 'read-ahead-test-key-0123456789';
let root: string;
let savedPath: string | undefined;

const note = (i: number, marker = '') =>
  [`%PDF-1.4 ${marker}`, `Referral ${i}`, `Patient: Test Person${i}`, `SSN: 51${i % 10}-4${i % 7}-83${String(i).padStart(2, '0')}`, `MRN: 0048${String(i).padStart(4, '0')}`, ''].join('\n');

const files: { name: string; text: string }[] = [];

beforeAll(() => {
  root = fs.mkdtempSync(path.join(tmpdir(), 'phi-scan-read-ahead-'));
  for (let i = 0; i < 14; i++) {
    const marker = i === 4 ? 'FAIL' : i === 7 ? 'SLOW' : i === 9 ? 'WARN' : '';
    files.push({ name: `doc-${String(i).padStart(2, '0')}.pdf`, text: note(i, marker) });
  }
  // Named like a PDF but plain text: read ahead, never given to pdftotext.
  files.push({ name: 'doc-05b.pdf', text: 'Patient: Other Person\nSSN: 523-41-8800\n' });
  files.push({ name: 'doc-06b.txt', text: 'Patient: Third Person\nSSN: 534-42-8811\n' });
  for (const file of files) fs.writeFileSync(path.join(root, file.name), file.text);
  savedPath = process.env['PATH'];
  process.env['PATH'] = `${path.dirname(fakePdftotext())}${path.delimiter}${savedPath ?? ''}`;
});

afterAll(() => {
  process.env['PATH'] = savedPath;
  fs.rmSync(root, { recursive: true, force: true });
});

const fingerprints = (result: FileResult) => result.findings.map((f) => `${f.detector} ${f.fingerprint}`).sort();

describe('PDFs read ahead', () => {
  it.each([1, 2])('give every file its own findings at %i thread(s)', async (threads) => {
    const results = new Map<string, FileResult>();
    for await (const event of scan([root], { threads, fingerprintKey: KEY })) if (event.type === 'file') results.set(path.basename(event.path), event);
    expect([...results.keys()].sort()).toEqual(files.map((f) => f.name).sort());
    for (const file of files) {
      const result = results.get(file.name)!;
      if (file.text.includes('FAIL') || file.text.includes('WARN')) {
        // pdftotext failed or complained, pdf.js cannot read it either: corrupt, and none of its neighbours' text.
        expect(result.status).toBe('error');
        expect(result.findings).toEqual([]);
        continue;
      }
      const expected = scanText(file.text, { fingerprintKey: KEY });
      expect(expected.findings.length).toBeGreaterThan(0);
      expect(result.status, file.name).toBe('scanned');
      expect(fingerprints(result), file.name).toEqual(fingerprints(expected));
    }
  });

  it('end at once when the scan is stopped early, not after the files still being read', async () => {
    // Each file keeps pdftotext 0.2 s: the batch after the first result would hold a wait for seconds.
    const slow = fs.mkdtempSync(path.join(tmpdir(), 'phi-scan-stop-early-'));
    for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(slow, `slow-${String(i).padStart(2, '0')}.pdf`), note(i, 'SLOW'));
    try {
      let stoppedAt = 0;
      for await (const event of scan([slow], { threads: 1, fingerprintKey: KEY })) {
        if (event.type !== 'file') continue;
        stoppedAt = performance.now();
        break;
      }
      expect(stoppedAt).toBeGreaterThan(0);
      expect(performance.now() - stoppedAt).toBeLessThan(1500);
    } finally {
      fs.rmSync(slow, { recursive: true, force: true });
    }
  });

  it.each([1, 2])('leave no pdftotext shell behind, running or unreaped, at %i thread(s)', async (threads) => {
    const before = new Set(childProcesses().map((child) => child.pid));
    for (let round = 0; round < 2; round++) for await (const event of scan([root], { threads, fingerprintKey: KEY })) void event;
    // New ones only: a scan stopped early (the test above) leaves its workers' shells to the process's exit.
    expect(childProcesses().filter((child) => !before.has(child.pid))).toEqual([]);
  });
});
