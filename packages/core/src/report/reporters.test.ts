import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { FileResult, ReportedFinding } from '../types.js';
import type { ScanSummary } from '../scan-types.js';
import { SummaryBuilder } from '../summary.js';
import { createReporter, type ReportFormat } from './index.js';

const RAW_SSN = '123-45-6789';

function finding(overrides: Partial<ReportedFinding> = {}): ReportedFinding {
  return {
    detector: 'ssn',
    hipaa: 'social-security-numbers',
    role: 'identifier',
    value: '***-**-6789',
    confidence: 'high',
    location: { row: 2, column: 'SSN' } as ReportedFinding['location'],
    fingerprint: 'a1b2c3d4',
    record: 0,
    reasons: [{ rule: 'column-header', effect: 'raise', detail: "column header 'SSN'" }],
    ...overrides,
  };
}

const RESULTS: FileResult[] = [
  {
    type: 'file',
    path: 'share/hr/patients.csv',
    status: 'scanned',
    format: 'csv',
    bytes: 2048,
    mtime: '2024-01-02T03:04:05.000Z',
    findings: [finding(), finding({ detector: 'name', hipaa: 'names', value: 'J*** D**', confidence: 'medium' })],
    records: 1,
    recordList: [{ identifiers: ['name', 'ssn'], phi: false, keys: ['a1b2c3d4'] }],
    encoding: 'utf-8',
  },
  { type: 'file', path: 'share/readme.txt', status: 'scanned', format: 'txt', bytes: 10, findings: [], records: 0 },
  { type: 'file', path: 'share/big.iso', status: 'skipped', reason: 'too-large', bytes: 9e9, findings: [], records: 0 },
  {
    type: 'file',
    path: 'share/broken.pdf',
    status: 'error',
    reason: 'corrupt',
    message: 'the PDF cross-reference table is damaged',
    format: 'pdf',
    bytes: 100,
    findings: [],
    records: 0,
  },
];

function summaryOf(results: FileResult[], masked = true, complete = true): ScanSummary {
  const builder = new SummaryBuilder({ minConfidence: 'medium', masked, startedAt: new Date(0), now: () => 1500 });
  for (const result of results) builder.add(result);
  return builder.summary({ complete });
}

class CollectingStream extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super({ highWaterMark: 16 });
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    setImmediate(done);
  }
}

async function render(format: ReportFormat, options: { reveal?: boolean; explain?: boolean; verbose?: boolean; tty?: boolean } = {}) {
  const out = new CollectingStream(options.tty);
  const reporter = createReporter(format, out, { reveal: false, ...options });
  for (const result of RESULTS) await reporter.file(result);
  await reporter.end(summaryOf(RESULTS, !options.reveal));
  return out.text;
}

describe('jsonl reporter', () => {
  it('writes one parseable object per file, then the summary, with the contract field names', async () => {
    const lines = (await render('jsonl')).trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(RESULTS.length + 1);
    const [first, , skipped] = lines;
    expect(Object.keys(first).slice(0, 5)).toEqual(['type', 'path', 'status', 'format', 'bytes']);
    expect(first).toMatchObject({ type: 'file', path: 'share/hr/patients.csv', status: 'scanned', format: 'csv', bytes: 2048, records: 1 });
    expect(first.findings[0]).toMatchObject({
      detector: 'ssn',
      value: '***-**-6789',
      confidence: 'high',
      location: { row: 2, column: 'SSN' },
      fingerprint: 'a1b2c3d4',
      hipaa: 'social-security-numbers',
    });
    expect(first).not.toHaveProperty('reason');
    expect(skipped).toMatchObject({ status: 'skipped', reason: 'too-large' });
    expect(lines.at(-1)).toMatchObject({ type: 'summary', complete: true, filesSeen: 4, findings: 2 });
  });

  it('keeps confidence reasons only with explain', async () => {
    const plain = JSON.parse((await render('jsonl')).split('\n')[0]!);
    const explained = JSON.parse((await render('jsonl', { explain: true })).split('\n')[0]!);
    expect(plain.findings[0]).not.toHaveProperty('reasons');
    expect(explained.findings[0].reasons).toEqual([{ rule: 'column-header', effect: 'raise', detail: "column header 'SSN'" }]);
  });
});

describe('backpressure', () => {
  it('waits for drain and resolves end only once everything is flushed', async () => {
    const out = new CollectingStream();
    const reporter = createReporter('jsonl', out, { reveal: false });
    let drains = 0;
    out.on('drain', () => (drains += 1));
    for (let i = 0; i < 50; i += 1) await reporter.file(RESULTS[0]!);
    await reporter.end(summaryOf(RESULTS));
    expect(drains).toBeGreaterThan(0);
    expect(out.writableLength).toBe(0);
    expect(out.text.trimEnd().split('\n')).toHaveLength(51);
  });

  it('rejects instead of hanging when the output fails', async () => {
    const out = new Writable({ highWaterMark: 1, write: (_chunk, _encoding, done) => done(new Error('EPIPE')) });
    const reporter = createReporter('jsonl', out, { reveal: false });
    await expect(
      (async () => {
        for (let i = 0; i < 5; i += 1) await reporter.file(RESULTS[0]!);
        await reporter.end(summaryOf(RESULTS));
      })(),
    ).rejects.toThrow('EPIPE');
  });
});

describe('json reporter', () => {
  it('writes one document holding the same files and summary as the jsonl lines', async () => {
    const document = JSON.parse(await render('json'));
    const lines = (await render('jsonl')).trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(document.version).toBe(1);
    expect(document.files).toEqual(lines.slice(0, -1));
    expect(document.summary).toEqual(lines.at(-1));
  });

  it('is a valid document when no file was seen', async () => {
    const out = new CollectingStream();
    const reporter = createReporter('json', out, { reveal: false });
    await reporter.end(summaryOf([]));
    expect(JSON.parse(out.text)).toMatchObject({ version: 1, files: [], summary: { filesSeen: 0 } });
  });
});

describe('text reporter', () => {
  it('shows the counts, reasons, detectors, records and top files', async () => {
    const text = await render('text');
    expect(text).toMatch(/seen\s+4/);
    expect(text).toMatch(/scanned\s+2/);
    expect(text).toMatch(/skipped\s+1\s+too-large 1/);
    expect(text).toMatch(/failed\s+1\s+corrupt 1/);
    expect(text).toMatch(/ssn\s+1/);
    expect(text).toMatch(/name\s+1/);
    expect(text).toMatch(/Records \(patients\) exposed\s+1/);
    expect(text).toMatch(/1\s+2\s+share\/hr\/patients\.csv/);
    expect(text).toMatch(/Values\s+masked/);
    expect(text).toMatch(/Scan\s+complete/);
  });

  it('shows no value at all unless explaining, and then only the masked one', async () => {
    const raw: FileResult = { ...RESULTS[0]!, findings: [finding({ value: RAW_SSN })] };
    for (const options of [{}, { verbose: true }]) {
      const out = new CollectingStream();
      const reporter = createReporter('text', out, { reveal: false, ...options });
      await reporter.file(raw);
      await reporter.end(summaryOf([raw]));
      expect(out.text).not.toContain(RAW_SSN);
      expect(out.text).not.toContain('6789');
    }
    const explained = await render('text', { verbose: true, explain: true });
    expect(explained).toContain('***-**-6789');
    expect(explained).toContain('FOUND');
    expect(explained).toContain('share/broken.pdf');
  });

  it('says when values are not masked and when the scan is incomplete', async () => {
    const out = new CollectingStream();
    const reporter = createReporter('text', out, { reveal: true });
    await reporter.end(summaryOf(RESULTS, false, false));
    expect(out.text).toContain('NOT MASKED');
    expect(out.text).toContain('INCOMPLETE');
  });

  it('colours only a terminal, and escapes control characters in file names', async () => {
    expect(await render('text')).not.toContain('\u001b[');
    expect(await render('text', { tty: true })).toContain('\u001b[');
    const out = new CollectingStream();
    const reporter = createReporter('text', out, { reveal: false, verbose: true });
    const hostile: FileResult = { ...RESULTS[0]!, path: 'share/\u001b[2Jevil.csv' };
    await reporter.file(hostile);
    // A tick's lines reach the output together, at its end.
    await new Promise(setImmediate);
    expect(out.text).toContain('share/\\x1b[2Jevil.csv');
  });

  it('says plainly when nothing was found', async () => {
    const out = new CollectingStream();
    await createReporter('text', out, { reveal: false }).end(summaryOf(RESULTS.slice(1)));
    expect(out.text).toContain('No PHI found at medium confidence or above.');
  });
});

describe('the stream sink under every reporter', () => {
  it('hands a tick of report lines to the output as one write, in order, and all of it by end()', async () => {
    const out = new CollectingStream();
    const writes: number[] = [];
    const write = out.write.bind(out);
    out.write = ((chunk: any, ...rest: any[]) => {
      writes.push(chunk.length);
      return write(chunk, ...rest);
    }) as typeof out.write;
    const reporter = createReporter('jsonl', out, { reveal: false, verbose: false });
    for (let i = 0; i < 50; i++) await reporter.file({ ...RESULTS[0]!, path: `share/note-${i}.txt` });
    expect(writes).toHaveLength(0);
    await new Promise(setImmediate);
    expect(writes).toHaveLength(1);
    await reporter.end(summaryOf(RESULTS, true));
    const paths = out.text.trim().split('\n').slice(0, -1).map((line) => JSON.parse(line).path);
    expect(paths).toEqual(Array.from({ length: 50 }, (_, i) => `share/note-${i}.txt`));
  });

  it('waits for the output when it stops taking bytes, so a slow disk slows the scan instead of filling memory', async () => {
    const out = new CollectingStream();
    const reporter = createReporter('jsonl', out, { reveal: false, verbose: false });
    let pendingAtMost = 0;
    for (let i = 0; i < 400; i++) {
      await reporter.file({ ...RESULTS[0]!, path: `share/${'long-name-'.repeat(20)}${i}.txt` });
      pendingAtMost = Math.max(pendingAtMost, out.writableLength);
    }
    await reporter.end(summaryOf(RESULTS, true));
    expect(out.text.trim().split('\n')).toHaveLength(401);
    // Never more than one coalesced chunk beyond the high-water mark waits in the stream.
    expect(pendingAtMost).toBeLessThan(70 * 1024);
  });
});
