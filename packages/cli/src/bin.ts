#!/usr/bin/env node
import v8 from 'node:v8';
import { main } from './cli.js';

// Isolates made from here on (the scan's workers; the main thread's heap is already set up) start with a 64 MB
// old generation instead of growing from a few: a worker holds ~10 MB live, and each 1 MiB text file's decoded
// string lands in old space, so with V8's default limit every dozen files cost a full GC (78 on the 1 GiB text
// set, 33 with this). 128 MB saved a little more CPU but took the 100k-row workbook's peak RSS to ~282 MB.
v8.setFlagsFromString('--initial-old-space-size=64');
// A function is optimised by TurboFan after 16x V8's default budget of bytecode run (67,584 -> 1,081,344): on a
// 300-letter DOCX run V8 compiled 85 functions in 434 ms of background CPU, on the same two cores as the
// workers, most of them code that runs for a few milliseconds in all (option parsing, per-file setup); now 13
// in 87 ms. The hot loops are still optimised within the first files.
v8.setFlagsFromString('--interrupt-budget=1081344');

// `phi-scan --help | head` closes the pipe under commander's help text, which has no error listener of its own;
// the reports handle a closed output themselves (one plain line, exit 2).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await main(process.argv.slice(2));
