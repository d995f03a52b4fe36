import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createAnalyzer, defaultAnalysisSettings, type AnalysisSettings } from './analyze.js';
import type { TextSegment } from './extract/types.js';
import { FindingPacker } from './packed-findings.js';
import { AccountNames } from './exposure/access.js';
import { ExposureAssessor } from './exposure/assess.js';
import { createReporter } from './report/index.js';
import { SummaryBuilder } from './summary.js';
import { adoptPackedFindings, findingCount, findingCountsByDetector, packedFindingsOf } from './file-findings.js';
import { reportFileJson } from './report/file-json.js';
import { toReportFile } from './report/report-record.js';
import type { FileResult } from './types.js';

/** The pieces as the stream writes them: strings UTF-8 encoded, bytes as they are. */
function bytesOf(pieces: Iterable<string | Uint8Array>): Buffer {
  return Buffer.concat([...pieces].map((piece) => (typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece)));
}

/** Segments of every location shape, with values that need JSON escaping and a repeated table row. */
const segments: TextSegment[] = [
  { text: 'Patient: John Smith, SSN 123-45-6789, DOB 03/14/1962', location: { line: 1 } },
  { text: 'Dx E11.9 — "quoted" \\ back\u0001slash', location: { line: 2 } },
  { text: '197-49-2526', location: { sheet: 'Pa"tients', cell: 'E2', row: 2, column: 'SSN' }, columnHeader: 'SSN', recordKey: 'r2' },
  { text: '197-49-2526', location: { sheet: 'Pa"tients', cell: 'E3', row: 3, column: 'SSN' }, columnHeader: 'SSN', recordKey: 'r3' },
  { text: 'I48.91', location: { sheet: 'Pa"tients', cell: 'F3', row: 3, column: 'Diagnosis' }, columnHeader: 'Diagnosis', recordKey: 'r3' },
  { text: 'MRN 1990588 called 415-555-0134', location: { path: '$.notes[0]', line: undefined } },
  { text: 'MRN 1990589', location: { path: '$.notes[1]', line: 4 } },
  { text: 'PID|1||55270447^^^MRN||Jones^Mary||19500101', location: { message: 1, field: 'PID-3', line: 2 } },
  { text: 'Line one\nSSN 223-45-6789 on the second line', location: { page: 3 } },
  { text: 'SSN\n323-45-6789', location: { part: 'word/document.xml', paragraph: 7 } },
  // No extractor writes these, but a slot must keep them: numbers that are not 32-bit whole ones, null, an
  // emoji and a lone surrogate in a string.
  {
    text: '423-45-6789',
    location: { sheet: 'S \ud83d\ude00 \udc00', cell: 'B2', row: -1, column: null, share: 2.5, big: 2 ** 40 } as unknown as TextSegment['location'],
    columnHeader: 'SSN',
    recordKey: 'odd',
  },
];

function settings(overrides: Partial<AnalysisSettings> = {}): AnalysisSettings {
  return defaultAnalysisSettings({ fingerprintKey: 'packed-test', ...overrides });
}

function both(overrides: Partial<AnalysisSettings> = {}): { plain: FileResult; packed: FileResult } {
  const plain = createAnalyzer(settings(overrides)).analyzeSegments(segments, 'f.txt', 'text', 100);
  const packed = createAnalyzer(settings(overrides), { packed: true, packMinFindings: 0 }).analyzeSegments(segments, 'f.txt', 'text', 100);
  // As a worker sends it: structured-cloned.
  return { plain, packed: adoptPackedFindings(structuredClone(packed)) };
}

describe('packed findings', () => {
  for (const [name, overrides] of [
    ['masked', {}],
    ['revealed', { reveal: true }],
    ['explained, low floor', { explain: true, minConfidence: 'low' as const }],
  ] as const) {
    it(`materialize to the findings the analyzer builds (${name})`, () => {
      const { plain, packed } = both(overrides);
      expect(plain.findings.length).toBeGreaterThan(8);
      expect(packed.packed).toBeUndefined();
      expect(findingCount(packed)).toBe(plain.findings.length);
      const byDetector = (result: FileResult) => findingCountsByDetector(result).sort((a, b) => (a.detector < b.detector ? -1 : 1));
      expect(byDetector(packed)).toEqual(byDetector(plain));
      expect(packed).toEqual(plain);
      expect(Object.keys(packed)).toEqual(Object.keys(plain));
      expect(JSON.stringify(packed.findings)).toBe(JSON.stringify(plain.findings));
      const odd = packed.findings.find((finding) => finding.location && 'cell' in finding.location && finding.location.cell === 'B2');
      expect(odd?.location).toEqual({ sheet: 'S \ud83d\ude00 \udc00', cell: 'B2', row: -1, column: null, share: 2.5, big: 2 ** 40 });
      // Once built, the array is the result's own, as any other.
      expect(packedFindingsOf(packed)).toBeUndefined();
      expect(packed.findings).toBe(packed.findings);
    });

    it(`write the JSON that JSON.stringify(toReportFile) writes (${name})`, () => {
      const { plain, packed } = both(overrides);
      const explain = 'explain' in overrides;
      const expected = JSON.stringify(toReportFile(plain, { explain }));
      expect(bytesOf(reportFileJson(packed, { explain }))).toEqual(Buffer.from(expected, 'utf8'));
      expect(packedFindingsOf(packed)).toBeDefined();
    });
  }

  it('writes a file with many findings in pieces', () => {
    const many: TextSegment[] = [];
    for (let row = 2; row < 3000; row++) {
      many.push({ text: `${100 + (row % 800)}-45-6789`, location: { sheet: 'S', cell: `A${row}`, row, column: 'SSN' }, columnHeader: 'SSN', recordKey: `${row}` });
    }
    const plain = createAnalyzer(settings()).analyzeSegments(many, 'big.xlsx', 'xlsx', 1);
    const packed = adoptPackedFindings(structuredClone(createAnalyzer(settings(), { packed: true }).analyzeSegments(many, 'big.xlsx', 'xlsx', 1)));
    const pieces = [...reportFileJson(packed)];
    expect(pieces.length).toBeGreaterThan(2);
    expect(bytesOf(pieces)).toEqual(Buffer.from(JSON.stringify(toReportFile(plain)), 'utf8'));
  });

  for (const format of ['jsonl', 'json'] as const) {
    it(`go through exposure, summary and the ${format} reporter unbuilt, with the output of the objects`, async () => {
      const run = async (result: FileResult) => {
        result.ownership = { uid: 0, gid: 0, mode: 0o644 };
        const out = new (class extends Writable {
          text = '';
          override _write(chunk: Buffer, _encoding: string, done: () => void): void {
            this.text += chunk.toString('utf8');
            done();
          }
        })();
        const reporter = createReporter(format, out, { reveal: false });
        const summary = new SummaryBuilder({ minConfidence: 'medium', masked: true, startedAt: new Date(0), now: () => 1 });
        await new ExposureAssessor(new AccountNames()).assess(result);
        summary.add(result);
        await reporter.file(result);
        await reporter.end(summary.summary({ complete: true }));
        return out.text;
      };
      const { plain, packed } = both();
      const expected = await run(plain);
      expect(await run(packed)).toBe(expected);
      expect(packedFindingsOf(packed)).toBeDefined();
    });
  }

  it('a file with few findings travels as objects', () => {
    const few = createAnalyzer(settings(), { packed: true }).analyzeSegments(segments, 'f.txt', 'text', 100);
    expect(few.packed).toBeUndefined();
    expect(few.findings).toEqual(both().plain.findings);
  });

  it('a record key keeps its id however many strings and keys come between', () => {
    // A JSON or XML record resumed after its nested ones: a new id would make it a second record.
    const packer = new FindingPacker();
    const id = packer.recordKeyId('P');
    for (let i = 0; i < (1 << 17) + 16; i++) {
      packer.local.intern(`value ${i}`);
      packer.recordKeyId(`Q${i}`);
    }
    expect(packer.recordKeyId('P')).toBe(id);
    expect(packer.recordKeyId('Q7')).not.toBe(id);
  });

  it('a replaced findings array wins over the columns', () => {
    const { packed } = both();
    packed.findings = packed.findings.slice(0, 1);
    expect(findingCount(packed)).toBe(1);
    expect([...reportFileJson(packed)]).toHaveLength(1);
  });
});
