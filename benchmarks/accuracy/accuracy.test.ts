import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM script without type declarations
import { metrics, scoreCorpus, TARGETS } from './src/score.mjs';

type Counts = { labels: number; found: number; matchedLabels: number; matchedFound: number };
interface Result {
  ours: Record<string, Counts>;
  files: { phi: number; phiFlagged: number; clean: number; cleanFlagged: number };
  records: { exact: number };
  byFormat: Record<string, { documents: number; phi: number; phiFlagged: number; total: Counts }>;
}

/** Every format the corpus writes, containers included (an archive or a mail is scored with its members). */
const FORMATS = [
  'C-CDA XML', 'CSV', 'DICOM', 'DOCX', 'EML + attachment', 'FHIR JSON', 'HL7 v2', 'HTML', 'JSON', 'Markdown', 'ODT', 'PDF', 'PPTX', 'RTF',
  'TSV', 'X12 837', 'XLSX', 'XML', 'tar.gz', 'text', 'zip',
];
/** Per-format floor for recall and precision on the small seed (every format scores 1.000 on it today). */
const FORMAT_FLOOR = 0.95;

// A small seed of the README's corpus: the same templates and hard negatives, few enough files for CI.
describe('accuracy on a small labelled corpus', () => {
  let result: Result;

  it('scores the corpus through the real pipeline', async () => {
    result = (await scoreCorpus({ seed: 'phi-scan accuracy ci', documents: 160, peer: false })) as Result;
    expect(result.files.phi + result.files.clean).toBe(160);
  }, 120_000);

  it.each(Object.entries(TARGETS as Record<string, number>))('%s meets its precision and recall target', (id, target) => {
    const m = metrics(result.ours[id]) as { precision: number; recall: number; labels: number };
    expect(m.labels, `${id} has labels in the corpus`).toBeGreaterThan(0);
    expect(m.precision, `${id} precision`).toBeGreaterThanOrEqual(target);
    expect(m.recall, `${id} recall`).toBeGreaterThanOrEqual(target);
  });

  it('flags every file with PHI and at most 1 % of clean files', () => {
    expect(result.files.phiFlagged).toBe(result.files.phi);
    expect(result.files.cleanFlagged).toBeLessThanOrEqual(Math.floor(result.files.clean * 0.01));
  });

  it('scores every format of the corpus, and no other', () => {
    expect(Object.keys(result.byFormat).sort()).toEqual([...FORMATS].sort());
  });

  it.each(FORMATS)('%s: recall and precision at least the per-format floor, every file with PHI flagged', (name) => {
    const format = result.byFormat[name]!;
    const m = metrics(format.total) as { precision: number; recall: number; labels: number };
    expect(m.labels, `${name} has labels in the corpus`).toBeGreaterThan(0);
    expect(m.recall, `${name} recall`).toBeGreaterThanOrEqual(FORMAT_FLOOR);
    expect(m.precision, `${name} precision`).toBeGreaterThanOrEqual(FORMAT_FLOOR);
    expect(format.phiFlagged, `${name} files with PHI flagged`).toBe(format.phi);
  });

  it('counts patients right in nearly every file', () => {
    expect(result.records.exact).toBeGreaterThanOrEqual(0.95);
  });
});
