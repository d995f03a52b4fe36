export * from './types.js';
export * from './extract/types.js';
export * from './scan-types.js';
export * from './report/index.js';
export * from './summary.js';
