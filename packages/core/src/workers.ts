// A subpath of its own (`@phi-scan/core/workers`): a program starts the pool's first worker with this before it
// loads the rest of what its scan needs.
export { startWorkers } from './dispatch.js';
