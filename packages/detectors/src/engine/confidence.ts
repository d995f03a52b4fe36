import { CONFIDENCE_ORDER, type Confidence } from '../types.js';

const LEVELS: readonly Confidence[] = ['low', 'medium', 'high'];

export function stepConfidence(level: Confidence, steps: number): Confidence {
  const index = Math.min(LEVELS.length - 1, Math.max(0, CONFIDENCE_ORDER[level] + steps));
  return LEVELS[index]!;
}

export function atLeast(level: Confidence, minimum: Confidence): boolean {
  return CONFIDENCE_ORDER[level] >= CONFIDENCE_ORDER[minimum];
}

export function lowerOf(a: Confidence, b: Confidence): Confidence {
  return CONFIDENCE_ORDER[a] <= CONFIDENCE_ORDER[b] ? a : b;
}
