export * from './types.js'; export * from './extract/types.js';
