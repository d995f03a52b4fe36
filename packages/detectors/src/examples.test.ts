import { describe, expect, it } from 'vitest';
import { BUILTIN_DETECTORS } from './detectors/index.js';
import { createEngine } from './engine/engine.js';
import { CONFIDENCE_ORDER } from './types.js';

// A fixed 'today' keeps birth-date plausibility stable as the calendar moves.
const referenceDate = new Date('2025-06-01T00:00:00Z');
const engine = createEngine();

describe.each(BUILTIN_DETECTORS.map((d) => [d.id, d] as const))('%s examples', (id, detector) => {
  it.each(detector.examples.positive.map((e) => [e.text, e] as const))('finds %j', (_text, example) => {
    const findings = engine.detect(example.text, { ...example.context, referenceDate }).filter((f) => f.detector === id);
    expect(findings.map((f) => f.normalized)).toContain(example.normalized);
    const finding = findings.find((f) => f.normalized === example.normalized)!;
    expect(CONFIDENCE_ORDER[finding.confidence]).toBeGreaterThanOrEqual(CONFIDENCE_ORDER[example.minConfidence ?? 'low']);
    for (const reason of finding.reasons) expect(reason.detail).not.toContain(finding.value);
  });

  it.each(detector.examples.negative.map((e) => [e.text, e] as const))('does not report %j', (_text, example) => {
    const findings = engine.detect(example.text, {
      ...example.context,
      referenceDate,
      minConfidence: example.minConfidence ?? 'low',
    });
    expect(findings.filter((f) => f.detector === id)).toEqual([]);
  });

  it('has positive and negative examples', () => {
    expect(detector.examples.positive.length).toBeGreaterThan(2);
    expect(detector.examples.negative.length).toBeGreaterThan(2);
  });
});
