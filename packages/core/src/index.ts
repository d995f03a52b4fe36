export * from './main.js';
export * from './report/index.js';
export * from './extract/types.js';
export { scanFile, scanText } from './scan.js';
export { maskValue } from './mask.js';
export { createFingerprinter, randomFingerprintKey, type Fingerprinter } from './fingerprint.js';
export { groupRecords, type LocatedFinding, type RecordGrouping } from './records.js';
export { sniffFormat, extensionOf, type SniffedFormat } from './sniff.js';
export * from './extract/index.js';
