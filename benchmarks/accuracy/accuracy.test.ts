import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM script without type declarations
import { metrics, scoreCorpus, TARGETS } from './src/score.mjs';

type Counts = { labels: number; found: number; matchedLabels: number; matchedFound: number };
interface Result {
  ours: Record<string, Counts>;
  files: { phi: number; phiFlagged: number; clean: number; cleanFlagged: number };
  records: { exact: number };
}

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

  it('counts patients right in nearly every file', () => {
    expect(result.records.exact).toBeGreaterThanOrEqual(0.95);
  });
});
