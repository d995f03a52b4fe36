export * from './random.js';
export * from './patients.js';
export * from './format.js';
export * from './documents.js';
export * from './negatives.js';
export * from './office.js';
export * from './share.js';
