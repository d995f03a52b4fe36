export * from './types.js';
export type { DetectorDefinition, PatternSpec, ContextRules, MatchInput, Validation, Adjustment } from './detector.js';
export { createEngine, lengthOf, type DetectionEngine, type EngineOptions, type EngineDetectOptions, type EngineText } from './engine/engine.js';
export { CUSTOM_VALIDATORS, type CustomDetectorConfig, type CustomValidator, type ListEntry } from './engine/custom.js';
export { applyDocumentContext, hasPatientIdentifier, raiseForDocument, PATIENT_IDENTIFIER_DETECTORS } from './engine/document-context.js';
export { BUILTIN_DETECTORS } from './detectors/index.js';

import type { DetectOptions, DetectorInfo, Finding } from './types.js';
import { createEngine, type DetectionEngine } from './engine/engine.js';

let defaultEngine: DetectionEngine | undefined;

/** Detects with every built-in detector; the engine is compiled on first use and reused. */
export function detect(text: string, options?: DetectOptions): Finding[] {
  defaultEngine ??= createEngine();
  return defaultEngine.detect(text, options);
}

export function listDetectors(): DetectorInfo[] {
  defaultEngine ??= createEngine();
  return [...defaultEngine.detectors];
}
