import { describe, expect, it } from 'vitest';
import type { Confidence } from '../types.js';
import { dedupe, type Draft } from './engine.js';

const LEVELS: Confidence[] = ['low', 'medium', 'high'];
const RANK = { low: 0, medium: 1, high: 2 };

/** The rule as first written: each draft against every kept one. */
function naive(drafts: Draft[]): Draft[] {
  drafts.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Draft[] = [];
  for (const draft of drafts) {
    const clash = kept.findIndex((k) => k.detector === draft.detector && draft.start < k.end && k.start < draft.end);
    if (clash < 0) kept.push(draft);
    else {
      const k = kept[clash]!;
      const better = draft.confidence !== k.confidence ? RANK[draft.confidence] > RANK[k.confidence] : draft.end - draft.start > k.end - k.start;
      if (better) kept[clash] = draft;
    }
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end);
}

describe('dedupe', () => {
  it.each([
    ['1 to 25', 1],
    ['0 to 25', 0],
  ])('keeps what comparing with every kept span keeps (spans of %s characters)', (_, shortest) => {
    let seed = 11;
    const random = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * n);
    for (let round = 0; round < 200; round++) {
      const drafts: Draft[] = [];
      for (let i = 0, n = 1 + random(60); i < n; i++) {
        const start = random(200);
        drafts.push({
          detector: ['a', 'b', 'c'][random(3)]!,
          hipaa: 'names',
          role: 'identifier',
          start,
          end: start + shortest + random(26 - shortest),
          value: String(i),
          normalized: String(i),
          confidence: LEVELS[random(3)]!,
          reasons: [],
        });
      }
      expect(dedupe(drafts.map((d) => ({ ...d })))).toEqual(naive(drafts.map((d) => ({ ...d }))));
    }
  });
});
