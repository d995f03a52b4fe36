#!/usr/bin/env node
import v8 from 'node:v8';
import { main } from './cli.js';

// Isolates made from here on (the scan's workers; the main thread's heap is already set up) start with a 64 MB
// old generation instead of growing from a few: a worker holds ~10 MB live, and each 1 MiB text file's decoded
// string lands in old space, so with V8's default limit every dozen files cost a full GC (78 on the 1 GiB text
// set, 33 with this). 128 MB saved a little more CPU but took the 100k-row workbook's peak RSS to ~282 MB.
v8.setFlagsFromString('--initial-old-space-size=64');

// TurboFan inlines less than its default (920 bytes of bytecode per function compiled): a scan of a few hundred
// workbooks spent about a third of its CPU compiling, on the cores the workers need, and the hot loops here
// (the XML tokenizer, RE2 calls) gain little from deep inlining. Measured on the XLSX, DOCX and text sets.
v8.setFlagsFromString('--max-inlined-bytecode-size-cumulative=200');

// `phi-scan --help | head` closes the pipe under commander's help text, which has no error listener of its own;
// the reports handle a closed output themselves (one plain line, exit 2).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await main(process.argv.slice(2));
