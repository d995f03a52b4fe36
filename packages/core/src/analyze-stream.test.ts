import { makeXlsx } from '@phi-scan/synth';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createAnalyzer, defaultAnalysisSettings, type AnalysisSettings } from './analyze.js';
import { extractCsv, extractText, extractXlsx } from './extract/index.js';
import { SegmentCollector } from './extract/limits.js';
import { DEFAULT_EXTRACT_LIMITS, type SegmentSink, type TextSegment } from './extract/types.js';
import type { FileResult } from './types.js';

/** A sink that only records what it is handed, to check what extractors stream. */
function recorder(): SegmentSink & { got: TextSegment[]; resets: number } {
  const sink = {
    got: [] as TextSegment[],
    resets: 0,
    add(segment: TextSegment) {
      sink.got.push(segment);
    },
    reset() {
      sink.got = [];
      sink.resets++;
    },
  };
  return sink;
}

const roster = [
  'MRN,Last Name,First Name,DOB,SSN,Phone,Diagnosis,Notes',
  '1990588,Adams,Gary,1938-02-08,197-49-2526,(415) 555-0134,I48.91,Y',
  'K6827066,Garcia,Dorothy,1999-07-29,503-62-3350,415-555-0188,D64.9,N',
  '1990588,Adams,Gary,1938-02-08,197-49-2526,(415) 555-0134,E11.9,Y',
  '55270447,Jones,Mary,1950-01-01,,,,called 415-555-0100 re: SSN 123-45-6789',
].join('\n');

/** What detection decides: findings and records (timings differ from run to run). */
function comparable(results: FileResult[]): unknown {
  return results.map(({ findings, records, recordList }) => ({ findings, records, recordList }));
}

/** What the analyzer reported before streaming: every segment first, then detection over the list. */
async function fromSegmentList(bytes: Uint8Array, path: string, settings: AnalysisSettings): Promise<unknown> {
  const extracted = await extractText(bytes, path);
  if (!extracted.ok) throw new Error('not extracted');
  const result = createAnalyzer(settings).analyzeSegments(extracted.segments, path, extracted.format, bytes.length);
  return comparable([result]);
}

describe('streamed table analysis', () => {
  it('SegmentCollector hands segments to its sink and keeps none, within the same limit', () => {
    const sink = recorder();
    const collector = new SegmentCollector(10, sink);
    expect(collector.add({ text: 'abcd', location: { line: 1 } })).toBe(true);
    expect(collector.add({ text: '   ', location: { line: 2 } })).toBe(true);
    expect(collector.add({ text: 'efghijkl', location: { line: 3 } })).toBe(false);
    expect(collector.segments).toEqual([]);
    expect(sink.got.map((s) => s.text)).toEqual(['abcd', 'efghij']);
    expect(collector.degradedNote()).toMatch(/truncated/);
  });

  it('CSV and XLSX extractors stream every segment they would have returned, and return none', async () => {
    const csv = new TextEncoder().encode(roster);
    const listed = await extractCsv(csv, DEFAULT_EXTRACT_LIMITS);
    const sink = recorder();
    const streamed = await extractCsv(csv, DEFAULT_EXTRACT_LIMITS, sink);
    expect(streamed).toMatchObject({ ok: true, segments: [] });
    expect(sink.got).toEqual(listed.ok ? listed.segments : []);

    const xlsx = await makeXlsx([{ name: 'P', rows: roster.split('\n').map((line) => line.split(',')) }]);
    const xlsxListed = await extractXlsx(xlsx, DEFAULT_EXTRACT_LIMITS);
    const xlsxSink = recorder();
    expect(await extractXlsx(xlsx, DEFAULT_EXTRACT_LIMITS, xlsxSink)).toMatchObject({ ok: true, segments: [] });
    expect(xlsxSink.got).toEqual(xlsxListed.ok ? xlsxListed.segments : []);
    expect(xlsxSink.got.length).toBeGreaterThan(20);
  });

  for (const [label, overrides] of [
    ['default floor', {}],
    ['low floor with reasons', { minConfidence: 'low', explain: true }],
    ['high floor, revealed', { minConfidence: 'high', reveal: true }],
  ] as const) {
    it(`reports the same findings and records as detection over the whole segment list (${label})`, async () => {
      const settings = defaultAnalysisSettings({ fingerprintKey: 'test-key', ...overrides });
      const csv = new TextEncoder().encode(roster);
      const xlsx = await makeXlsx([{ name: 'P', rows: roster.split('\n').map((line) => line.split(',')) }]);
      for (const [bytes, path] of [[csv, 'roster.csv'], [xlsx, 'roster.xlsx']] as const) {
        const streamed = comparable(await createAnalyzer(settings).analyzeAll(bytes, path));
        expect(streamed).toEqual(await fromSegmentList(bytes, path, settings));
        const [file] = streamed as FileResult[];
        expect(file!.findings.length).toBeGreaterThan(10);
        expect(file!.findings.every((f) => (f.reasons !== undefined) === !!(overrides as { explain?: boolean }).explain)).toBe(true);
      }
    });
  }

  it('a repeated cell takes its first findings, and the file is told apart from the next', async () => {
    const analyzer = createAnalyzer(defaultAnalysisSettings({ fingerprintKey: 'k' }));
    const a = await analyzer.analyze(new TextEncoder().encode(roster), 'a.csv');
    const b = await analyzer.analyze(new TextEncoder().encode(roster), 'b.csv');
    expect(comparable([b])).toEqual(comparable([{ ...a, path: 'b.csv' }]));
    const ssn = a.findings.filter((f) => f.detector === 'ssn');
    // Row 1 and row 3 are the same patient: same value, same fingerprint, one record.
    expect(ssn.map((f) => f.location)).toMatchObject([{ row: 1 }, { row: 2 }, { row: 3 }]);
    expect(ssn[0]!.fingerprint).toBe(ssn[2]!.fingerprint);
    expect(ssn[0]!.fingerprint).not.toBe(ssn[1]!.fingerprint);
    expect(ssn[0]!.record).toBe(ssn[2]!.record);
  });

  it('a workbook the streaming reader gives up on part-way is read again from the first cell, not twice', async () => {
    const rows = roster.split('\n').map((line) => line.split(','));
    const parts = unzipSync(await makeXlsx([{ name: 'P', rows }]));
    const sheetName = Object.keys(parts).find((name) => /worksheets\/sheet1\.xml$/.test(name))!;
    // XML the streaming reader cannot parse, after the rows it has already handed over.
    parts[sheetName] = strToU8(strFromU8(parts[sheetName]!).replace('</sheetData>', '<row r="90"><c r="A90"><v>1</v></c></row><x a=></sheetData>'));
    const broken = zipSync(parts);
    const listed = await extractXlsx(broken, DEFAULT_EXTRACT_LIMITS);
    const sink = recorder();
    const streamed = await extractXlsx(broken, DEFAULT_EXTRACT_LIMITS, sink);
    expect(sink.resets).toBe(1);
    expect(streamed.ok).toBe(listed.ok);
    expect(sink.got).toEqual(listed.ok ? listed.segments : sink.got);
    if (listed.ok) {
      const settings = defaultAnalysisSettings({ fingerprintKey: 'k' });
      expect(comparable(await createAnalyzer(settings).analyzeAll(broken, 'broken.xlsx'))).toEqual(await fromSegmentList(broken, 'broken.xlsx', settings));
    }
  });

  it("counts a file's detection time once, the last cells' included", async () => {
    // Unique rows, fewer cells than one flush holds: all detection happens as the result is made, and
    // detection is most of the file's time, so counted twice it would exceed the whole.
    const rows = Array.from({ length: 30 }, (_, i) => `${1990500 + i},Adams${i},Gary,1938-02-${String(1 + (i % 28)).padStart(2, '0')},197-49-${2500 + i},(415) 555-01${String(i).padStart(2, '0')},I48.91,note ${i}`);
    const csv = strToU8([roster.split('\n')[0], ...rows].join('\n'));
    const analyzer = createAnalyzer(defaultAnalysisSettings({ fingerprintKey: 'k' }));
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      const result = await analyzer.analyze(csv, 'export.csv');
      const elapsed = performance.now() - started;
      expect(result.findings.length).toBeGreaterThan(100);
      expect(result.timings!.detectMs).toBeGreaterThan(result.timings!.extractMs);
      expect(result.timings!.detectMs + result.timings!.extractMs).toBeLessThanOrEqual(elapsed + 0.5);
    }
  });
});
