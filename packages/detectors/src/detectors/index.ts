import type { DetectorDefinition } from '../detector.js';
import { dobDetector } from './dob.js';
import { icd10Detector } from './icd10.js';
import { icd9Detector } from './icd9.js';
import { mrnDetector } from './mrn.js';
import { nameDetector } from './name.js';
import { ssnDetector } from './ssn.js';

export const BUILTIN_DETECTORS: readonly DetectorDefinition[] = [
  ssnDetector,
  mrnDetector,
  dobDetector,
  nameDetector,
  icd10Detector,
  icd9Detector,
];
