import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { scan, type FileResult } from '@phi-scan/core';
import { makePdf } from '@phi-scan/synth';
import { SpareCores } from '../spare-cores.js';
import { closePdftotextShells, findOnPath, startPdftotext, usePdftotextCores } from './pdftotext.js';
import { Collect } from './pdftotext.test-support.js';
import { directRunsAlive } from './pdftotext-run.js';
import { pageCountIn, pageRanges, SPLIT_MIN_BYTES } from './pdftotext-split.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
afterEach(async () => {
  usePdftotextCores(undefined);
  await closePdftotextShells();
});

/**
 * Stand-ins for poppler, so page ranges are tested where it is not installed (CI). The input is pages that
 * each end in a form feed; pdftotext writes back the pages -f/-l ask for, and records its options in `runs`.
 * A page with BREAKS-IN-PARTS makes a run of part of the file exit 3, so only the whole file reads cleanly.
 * pdfinfo counts the pages, or complains when the input holds NO-COUNT; with FORGED-TITLE it prints a title
 * that holds a line break and a page count of its own, as a real one does for a document that sets it.
 */
function fakePoppler(): { pdftotext: string; runs: () => string[] } {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'phi-scan-fake-poppler-'));
  dirs.push(dir);
  const log = path.join(dir, 'runs');
  fs.writeFileSync(log, '');
  fs.writeFileSync(
    path.join(dir, 'pdftotext'),
    `#!/bin/sh
echo "$*" >> "${log}"
first=1; last=0
while [ $# -gt 0 ]; do case "$1" in -f) first=$2; shift 2 ;; -l) last=$2; shift 2 ;; *) shift ;; esac; done
exec awk -v first="$first" -v last="$last" 'BEGIN { RS = "\\f"; ORS = "\\f" }
  NR >= first && (last == 0 || NR <= last) { if ($0 ~ /BREAKS-IN-PARTS/ && (first > 1 || last > 0)) exit 3; print }'
`,
    { mode: 0o755 },
  );
  fs.writeFileSync(
    path.join(dir, 'pdfinfo'),
    `#!/bin/sh
input=$(cat; echo x)
case "$input" in *NO-COUNT*) echo "Syntax Error: no page tree" >&2; exit 1 ;; esac
case "$input" in *FORGED-TITLE*) printf 'Title:           x\\nPages:          100000000000000000000000\\n' ;; esac
printf 'Producer: fake\\nPages:          %s\\n' "$(printf '%s' "$input" | tr -cd '\\f' | wc -c)"
`,
    { mode: 0o755 },
  );
  return { pdftotext: path.join(dir, 'pdftotext'), runs: () => fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** `count` pages of ~6 KB, each ending in a form feed, so the whole passes SPLIT_MIN_BYTES at 100 pages. */
function pagesText(count: number, mark: (page: number) => string = () => ''): string {
  let text = '';
  for (let page = 1; page <= count; page++) text += `page ${page} ${mark(page)}\n${'filler text of the page '.repeat(250)}\n\f`;
  return text;
}

/** A scan's counter for `threads` cores, with `busy` of them held by workers already. */
function coresOf(threads: number, busy: number): { cores: SpareCores; inUse: Int32Array } {
  const inUse = SpareCores.counter();
  const cores = new SpareCores(inUse, threads);
  for (let i = 0; i < busy; i++) cores.hold();
  return { cores, inUse };
}

const MAX = 64 * 1024 * 1024;

/** `input` read by the fake poppler with `busy` of `threads` cores held; what came, and what ran. */
async function readWith(input: string, { threads = 2, busy = 1, maxBytes = MAX } = {}) {
  const poppler = fakePoppler();
  const { cores, inUse } = coresOf(threads, busy);
  usePdftotextCores(cores);
  const received = new Collect();
  const ok = await startPdftotext(poppler.pdftotext, Buffer.from(input), maxBytes).deliver(received);
  return { ok, received, runs: poppler.runs(), inUse };
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5000) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('page ranges', () => {
  it('cut a document into equal parts, the last one open to the end', () => {
    expect(pageRanges(800, 2)).toEqual([{ first: 1, last: 400 }, { first: 401 }]);
    expect(pageRanges(100, 3)).toEqual([{ first: 1, last: 33 }, { first: 34, last: 66 }, { first: 67 }]);
  });

  it('are counted from pdfinfo’s last Pages line, and only when it is a plain count', () => {
    expect(pageCountIn('Title:           Pages: 3\nPages:          9000000000000000000000\nPages:          812\nEncrypted:      no\n')).toBe(812);
    expect(pageCountIn('Producer: x\nPages:          9007199254740993\n')).toBeUndefined();
    expect(pageCountIn('Producer: x\nPages:          0\n')).toBeUndefined();
    expect(pageCountIn('Producer: x\n')).toBeUndefined();
  });

  it('are never shorter than 32 pages', () => {
    expect(pageRanges(40, 4)).toEqual([{ first: 1 }]);
    expect(pageRanges(70, 4)).toEqual([{ first: 1, last: 35 }, { first: 36 }]);
  });
});

describe('a long PDF read by pdftotext', () => {
  const text = pagesText(100);

  it('is read in page ranges at once on a spare core, and gives the whole file’s text', async () => {
    expect(Buffer.byteLength(text)).toBeGreaterThan(SPLIT_MIN_BYTES);
    const { ok, received, runs, inUse } = await readWith(text);
    expect(ok).toBe(true);
    expect(received.output).toBe(text);
    expect(received.restarts).toBe(0);
    expect(runs.sort()).toEqual(['-enc UTF-8 -f 1 -l 50 - -', '-enc UTF-8 -f 51 - -']);
    // The borrowed core comes back once its pdftotext has exited.
    await until(() => Atomics.load(inUse, 0) === 1);
  });

  it('is read in one go when every core is held, when it is short, and when its pages cannot be counted', async () => {
    const cases = [
      { name: 'no spare core', busy: 2, input: text },
      { name: 'short', busy: 1, input: pagesText(60).slice(0, SPLIT_MIN_BYTES - 1) },
      { name: 'uncounted', busy: 1, input: pagesText(100, (page) => (page === 3 ? 'NO-COUNT' : '')) },
    ];
    for (const { name, busy, input } of cases) {
      const { ok, received, runs, inUse } = await readWith(input, { busy });
      expect(ok, name).toBe(true);
      expect(received.output, name).toBe(input);
      expect(runs, name).toEqual(['-enc UTF-8 - -']);
      expect(Atomics.load(inUse, 0), name).toBe(busy);
    }
  });

  it('is cut by pdfinfo’s own page count, not one a document’s title makes up', async () => {
    const forged = pagesText(100, (page) => (page === 2 ? 'FORGED-TITLE' : ''));
    const { ok, received, runs } = await readWith(forged);
    expect(ok).toBe(true);
    expect(received.output).toBe(forged);
    expect(runs.sort()).toEqual(['-enc UTF-8 -f 1 -l 50 - -', '-enc UTF-8 -f 51 - -']);
  });

  it('takes only the cores no worker holds', async () => {
    const { ok, received, runs, inUse } = await readWith(text, { threads: 4, busy: 2 });
    expect(ok).toBe(true);
    expect(received.output).toBe(text);
    expect(runs).toHaveLength(3);
    await until(() => Atomics.load(inUse, 0) === 2);
  });

  it('whose part fails gets the verdict of the whole file read alone', async () => {
    const broken = pagesText(100, (page) => (page === 70 ? 'BREAKS-IN-PARTS' : ''));
    const { ok, received, runs, inUse } = await readWith(broken);
    expect(ok).toBe(true);
    expect(received.output).toBe(broken);
    expect(received.restarts).toBe(1);
    expect(runs).toContain('-enc UTF-8 - -');
    await until(() => Atomics.load(inUse, 0) === 1);
  });

  it('is held to the output limit of the whole text, not of each part', async () => {
    // Each half fits under the limit; the whole does not.
    const { ok, runs } = await readWith(text, { maxBytes: Math.floor(Buffer.byteLength(text) * 0.75) });
    expect(ok).toBe(false);
    expect(runs).toContain('-enc UTF-8 -f 51 - -');
  });

  it('that nobody takes ends its pdftotexts and gives its cores back', async () => {
    const poppler = fakePoppler();
    const { cores, inUse } = coresOf(3, 1);
    usePdftotextCores(cores);
    const pending = startPdftotext(poppler.pdftotext, Buffer.from(text), MAX);
    // Both spare cores are borrowed as it starts.
    expect(Atomics.load(inUse, 0)).toBe(3);
    pending.drop();
    await until(() => Atomics.load(inUse, 0) === 1);
    await closePdftotextShells();
    expect(directRunsAlive()).toBe(false);
  });
});

const popplerInstalled = (() => {
  const pdftotext = findOnPath('pdftotext');
  return pdftotext !== null && fs.existsSync(path.join(path.dirname(pdftotext), 'pdfinfo'));
})();

describe.skipIf(!popplerInstalled)('a long PDF in a scan, with poppler installed', () => {
  it('gives the same findings, on the same pages, at two threads (in parts) as at one (in one go)', async () => {
    const patients: Record<number, string[]> = {
      1: ['Patient: Maria Lopez', 'DOB: 03/14/1961', 'SSN: 523-41-7789'],
      160: ['Patient: Dale Hutchins', 'MRN: MRN-00482913', 'DOB: 11/02/1979'],
      299: ['Patient: Ann Whitaker', 'SSN: 541-22-0187', 'DOB: 07/30/1990'],
    };
    const pages = Array.from({ length: 300 }, (_, i) => patients[i + 1] ?? Array.from({ length: 40 }, (_, line) => `Facilities log ${i + 1}.${line}: boiler checked, filters replaced, no issue found today`));
    const pdf = await makePdf(pages);
    expect(pdf.length).toBeGreaterThan(SPLIT_MIN_BYTES);
    const dir = fs.mkdtempSync(path.join(tmpdir(), 'phi-scan-long-pdf-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'archive.pdf'), pdf);
    // The real pdftotext, behind a wrapper that records its options, and the real pdfinfo beside it.
    const bin = fs.mkdtempSync(path.join(tmpdir(), 'phi-scan-poppler-wrapper-'));
    dirs.push(bin);
    const log = path.join(bin, 'runs');
    fs.writeFileSync(path.join(bin, 'pdftotext'), `#!/bin/sh\necho "$*" >> "${log}"\nexec "${findOnPath('pdftotext')}" "$@"\n`, { mode: 0o755 });
    fs.symlinkSync(path.join(path.dirname(findOnPath('pdftotext')!), 'pdfinfo'), path.join(bin, 'pdfinfo'));
    const savedPath = process.env['PATH'];
    process.env['PATH'] = `${bin}${path.delimiter}${savedPath ?? ''}`;
    const findingsAt = async (threads: number) => {
      fs.writeFileSync(log, '');
      const files: FileResult[] = [];
      for await (const event of scan([dir], { threads, fingerprintKey: 'test-key-0123456789abcdef' })) if (event.type === 'file') files.push(event);
      expect(files).toHaveLength(1);
      expect(files[0]!.status).toBe('scanned');
      const runs = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).sort();
      return { runs, findings: files[0]!.findings.map((f) => `${f.detector} ${f.fingerprint} ${JSON.stringify(f.location)}`).sort() };
    };
    try {
      const one = await findingsAt(1);
      expect(one.runs).toEqual(['-enc UTF-8 - -']);
      expect(one.findings.filter((f) => f.includes('"page":160'))).not.toEqual([]);
      expect(one.findings.filter((f) => f.includes('"page":299'))).not.toEqual([]);
      const two = await findingsAt(2);
      expect(two.runs).toEqual(['-enc UTF-8 -f 1 -l 150 - -', '-enc UTF-8 -f 151 - -']);
      expect(two.findings).toEqual(one.findings);
    } finally {
      process.env['PATH'] = savedPath;
    }
  });
});
