#!/usr/bin/env node
import { main } from './cli.js';

// `phi-scan --help | head` closes the pipe under commander's help text, which has no error listener of its own;
// the reports handle a closed output themselves (one plain line, exit 2).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await main(process.argv.slice(2));
