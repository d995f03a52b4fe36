import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { FileResult, ScanSummary } from '@phi-scan/core';
import { UsageError } from './usage-error.js';

export interface SavedReport {
  files: AsyncIterable<FileResult>;
  /** The saved summary, known once `files` has been read to its end. */
  summary(): ScanSummary | undefined;
}

/**
 * Reads a report phi-scan wrote (jsonl, or json) one file at a time. Both formats put each file object on a
 * line of its own, so a multi-gigabyte report streams; a JSON document laid out otherwise (pretty-printed by
 * another tool) is read whole as a fallback.
 */
export function readSavedReport(path: string): SavedReport {
  let summary: ScanSummary | undefined;
  async function* files(): AsyncGenerator<FileResult> {
    let sawFile = false;
    let sawOther = false;
    let lineNumber = 0;
    const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const raw of lines) {
      lineNumber += 1;
      const line = raw.trim().replace(/^,/, '').replace(/,$/, '');
      if (line.startsWith('{"type":"file"')) {
        sawFile = true;
        yield parseLine(line, path, lineNumber) as FileResult;
      } else if (line.startsWith('{"type":"summary"')) {
        summary = parseLine(line, path, lineNumber) as ScanSummary;
      } else if (line.startsWith('"summary":')) {
        summary = parseLine(line.slice('"summary":'.length).replace(/}$/, ''), path, lineNumber) as ScanSummary;
      } else if (line !== '' && !line.startsWith('{"version"') && line !== ']' && line !== '],') {
        sawOther = true;
      }
    }
    if (sawFile || !sawOther) return;
    const document = parseLine(await readFile(path, 'utf8'), path, 1) as { files?: FileResult[]; summary?: ScanSummary };
    if (!Array.isArray(document.files)) throw new UsageError(`${path}: not a phi-scan json or jsonl report`);
    summary = document.summary;
    yield* document.files;
  }
  return { files: files(), summary: () => summary };
}

function parseLine(line: string, path: string, lineNumber: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    // Never echo the line: a revealed report holds raw values.
    throw new UsageError(`${path}: line ${lineNumber} is not valid JSON`);
  }
}
