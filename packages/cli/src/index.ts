export { main, type CliDeps, type CliIo } from './cli.js';
