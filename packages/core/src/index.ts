export * from './types.js'; export * from './extract/types.js'; export * from './scan-types.js';
