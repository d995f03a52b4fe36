import { execFile } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SpareCores } from '../spare-cores.js';
import { DirectRun, LIMITS, runAlone, type PageRange, type TextReceiver } from './pdftotext-run.js';

/**
 * pdftotext reads pages one after another on one core; a long PDF is read in page ranges by several at once
 * on cores the scan has spare (an 800-page report: 0.82 s alone, 0.40 s as two halves, for the same CPU),
 * and the ranges' outputs, one after another, are byte for byte the whole file's. Only worth it past a size
 * where the page count (pdfinfo, ~10 ms) and a fork from the worker (~4 ms) are small beside pdftotext's run.
 */
export const SPLIT_MIN_BYTES = 512 * 1024;
/** Fewer pages a range than this, and another process costs more than it saves. */
const MIN_PAGES_PER_RANGE = 32;
/** Each range's pdftotext holds the whole PDF: together they hold no more than this. */
const SPLIT_MAX_TOTAL_BYTES = 512 * 1024 * 1024;

/** The ranges to read, at most `parts`, each of at least MIN_PAGES_PER_RANGE pages; the last runs to the end. */
export function pageRanges(pages: number, parts: number): PageRange[] {
  const count = Math.max(1, Math.min(parts, Math.floor(pages / MIN_PAGES_PER_RANGE)));
  const ranges: PageRange[] = [];
  for (let i = 0; i < count; i++) {
    const first = Math.floor((i * pages) / count) + 1;
    ranges.push(i === count - 1 ? { first } : { first, last: Math.floor(((i + 1) * pages) / count) });
  }
  return ranges;
}

/** How many ranges a PDF of this size may be read in at once. */
export function maxRangesFor(bytes: number): number {
  return bytes < SPLIT_MIN_BYTES ? 1 : Math.max(1, Math.floor(SPLIT_MAX_TOTAL_BYTES / bytes));
}

/** The pdfinfo beside pdftotext (the same install, so both count pages alike); null without one. */
export function pdfinfoBeside(pdftotext: string): string | null {
  const candidate = join(dirname(pdftotext), 'pdfinfo');
  try {
    accessSync(candidate, fsConstants.X_OK);
    return candidate;
  } catch {
    return null;
  }
}

/** The page count pdfinfo gives, under the same limits as pdftotext; undefined when it complains or fails. */
export function countPages(pdfinfo: string, bytes: Uint8Array): Promise<number | undefined> {
  return new Promise((resolve) => {
    const child = execFile('/bin/sh', ['-c', `${LIMITS}; exec "$0" -`, pdfinfo], { encoding: 'latin1', maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      resolve(error || stderr.length > 0 ? undefined : pageCountIn(stdout));
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(bytes);
  });
}

/**
 * The count on pdfinfo's `Pages:` line. Strings the document sets itself (title, author, ...) are printed
 * before it and may hold line breaks, so a line that looks like it may come earlier: pdfinfo's own is the last.
 * A forged count would only cut the ranges badly (the last runs to the end whatever it says), but one past
 * 2^53 is written `5e+22`, which pdftotext refuses, and the whole file is then read a second time alone.
 */
export function pageCountIn(info: string): number | undefined {
  const count = Number([...info.matchAll(/^Pages:[ \t]+(\d+)[ \t]*$/gm)].at(-1)?.[1]);
  return Number.isSafeInteger(count) && count > 0 ? count : undefined;
}

/** What reads the first range: the worker's shell, queued behind its earlier runs. */
export type FirstRange = (range: PageRange) => { attach(receiver: TextReceiver): Promise<boolean>; drop(): void };

/**
 * A run in page ranges, with `borrowed` cores besides the caller's own: the first range is read by `first`,
 * each other one by a child of its own that starts at once and holds its output until the ranges before it are
 * delivered. Cores not needed (too few pages, or pdfinfo could not count them) are given back at once, and
 * each range's core when its child has exited. Anything but a clean success of every range makes the file's
 * verdict the one a pdftotext run of the whole file alone gives, as for a file read in one go.
 * Resolves to undefined when the file is better read in one go after all.
 */
export async function startInRanges(
  executable: string,
  pdfinfo: string,
  bytes: Uint8Array,
  maxBytes: number,
  cores: SpareCores,
  borrowed: number,
  first: FirstRange,
): Promise<RangedRun | undefined> {
  const pages = await countPages(pdfinfo, bytes);
  const ranges = pages === undefined ? [] : pageRanges(pages, 1 + borrowed);
  const others = Math.max(0, ranges.length - 1);
  cores.free(borrowed - others);
  if (others === 0) return undefined;
  const later = ranges.slice(1).map((range) => new DirectRun(executable, bytes, maxBytes, range, () => cores.free(1)));
  return new RangedRun(executable, bytes, maxBytes, first(ranges[0]!), later);
}

export class RangedRun {
  constructor(
    private readonly executable: string,
    private readonly bytes: Uint8Array,
    private readonly maxBytes: number,
    private readonly head: ReturnType<FirstRange>,
    private readonly later: DirectRun[],
  ) {}

  async deliver(receiver: TextReceiver): Promise<boolean> {
    let size = 0;
    let tooLong = false;
    // The limit is the whole text's, as for one run.
    const counted: TextReceiver = {
      text: (chunk) => {
        size += chunk.length;
        if (size > this.maxBytes) tooLong = true;
        if (!tooLong) receiver.text(chunk);
      },
      restart: () => undefined,
    };
    let ok = await this.head.attach(counted);
    for (const run of this.later) {
      if (!ok || tooLong) break;
      ok = await run.attach(counted);
    }
    if (ok && !tooLong) return true;
    this.later.forEach((run) => run.kill());
    receiver.restart();
    return runAlone(this.executable, this.bytes, this.maxBytes, receiver);
  }

  drop(): void {
    this.head.drop();
    this.later.forEach((run) => run.kill());
  }
}
