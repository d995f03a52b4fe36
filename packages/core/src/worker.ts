import { createAnalyzer, type Analyzer, type AnalysisSettings } from './analyze.js';
import { transferablesOf } from './packed-findings.js';
import { closeExtractorProcesses, extractorProcessesStarted, prefetchText, releasePrefetched, useSpareCores } from './extract/index.js';
import { lstatListed, readListedFile, releaseReadBuffer, type ReadOutcome, type ReadStats } from './read-file.js';
import { SpareCores } from './spare-cores.js';
import type { FileEntry, FileResult } from './types.js';

export interface WorkerTask {
  /** Identifies the settings so a worker compiles the detectors once per scan, not once per task. */
  settingsId: string;
  settings: AnalysisSettings;
  maxFileSize: number;
  /** As the crawl was told: without it a file that is a symbolic link by the time it is opened is not read. */
  followSymlinks?: boolean;
  entries: FileEntry[];
  /**
   * The worker ends the task once the files it has read come to this many bytes, and gives back how many it
   * did (TaskOutcome.done): entries the crawl did not stat are batched before their size is known, and a
   * batch of them must not hold gigabytes of results or make a crash re-run hundreds of large files.
   */
  maxBytes?: number;
  /**
   * Shared with the main thread: the worker stores 1 + the index of the entry it is on as it starts it, so the
   * per-file deadline restarts for every file (a batch of sound but slow files is not a timeout) and on a
   * timeout the main thread knows which file hung. A message per file cost ~40 µs, a sixth of a 10 KB file's
   * scan; an atomic store costs nothing, and the main thread reads it on its own clock.
   */
  progress?: Int32Array;
  /** Shared by a scan's tasks: set by a worker that has a helper process left after its task (see CloseTask). */
  helpers?: Int32Array;
  /** Shared by a scan's tasks: the cores of its `threads` in use (see SpareCores). */
  cores?: { inUse: Int32Array; threads: number };
}

/**
 * Sent once to every worker as the pool's last task: each ends the helper processes it started (pdftotext's
 * shell) and waits for them, then holds its thread until all have arrived, so that no worker takes two and
 * leaves another without one. The pool terminates its threads without a word to them, and a child not waited
 * for by then is never reaped while the process lives. Only sent when some worker said it has one.
 */
export interface CloseTask {
  close: { arrived: Int32Array; workers: number; waitMs: number };
}

let cached: { id: string; analyzer: Analyzer } | undefined;

/** A task's answer: the results of its first `done` entries (the rest go back to the queue, see maxBytes). */
export interface TaskOutcome {
  results: FileResult[];
  done: number;
}

/**
 * Piscina entry point: reads, extracts and scans a batch of files; every entry it gets to comes back as a
 * result. The results' findings travel in columns whose buffers are moved to the main thread, not copied.
 */
export default async function scanBatch(task: WorkerTask | CloseTask): Promise<unknown> {
  if ('close' in task) return closeHelpers(task.close);
  const cores = task.cores ? new SpareCores(task.cores.inUse, task.cores.threads) : undefined;
  cores?.hold();
  useSpareCores(cores);
  let outcome: TaskOutcome;
  try {
    outcome = await scanEntries(task);
  } finally {
    cores?.free();
  }
  if (task.helpers && extractorProcessesStarted()) Atomics.store(task.helpers, 0, 1);
  const buffers = outcome.results.flatMap((result) => (result.packed ? transferablesOf(result.packed) : []));
  if (buffers.length === 0) return outcome;
  // Piscina's pool side, which `move` comes with, costs a worker ~15 ms to load: only a batch with columns needs it.
  const piscina = await import('piscina');
  return piscina.move({ [piscina.transferableSymbol]: buffers, [piscina.valueSymbol]: outcome });
}

async function closeHelpers({ arrived, workers, waitMs }: CloseTask['close']): Promise<unknown[]> {
  await closeExtractorProcesses();
  Atomics.add(arrived, 0, 1);
  const until = performance.now() + waitMs;
  while (Atomics.load(arrived, 0) < workers && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 1));
  return [];
}

async function scanEntries(task: WorkerTask): Promise<TaskOutcome> {
  // Compiling the detectors counts as the first file's time, as a hang there would be that task's.
  if (task.progress) Atomics.store(task.progress, 0, 1);
  if (cached?.id !== task.settingsId) cached = { id: task.settingsId, analyzer: createAnalyzer(task.settings, { packed: true }) };
  const results: FileResult[] = [];
  const { entries } = task;
  let ahead: TimedRead | undefined;
  let bytesRead = 0;
  for (const [i, entry] of entries.entries()) {
    // Never with a file read ahead: that one's extraction has started, and it is scanned in this task.
    if (task.maxBytes !== undefined && bytesRead >= task.maxBytes && !ahead) return { results, done: i };
    if (task.progress) Atomics.store(task.progress, 0, i + 1);
    const prefetched = worthReadingAhead(entry);
    // A file read in its turn (never one read ahead: those are prefetched) may go into the thread's reused
    // buffer: it is scanned and done before the next read.
    const reused = !prefetched;
    // A PDF read in its turn still asks for its pdftotext run first, so the next one queues behind it.
    const read = ahead ?? (prefetched ? await readAndPrefetch(entry, task) : timedRead(entry, task, true));
    ahead = undefined;
    const next = entries[i + 1];
    try {
      if (next && worthReadingAhead(next)) {
        // While it is read, a hang is the next file's.
        if (task.progress) Atomics.store(task.progress, 0, i + 2);
        ahead = await readAndPrefetch(next, task);
        if (task.progress) Atomics.store(task.progress, 0, i + 1);
      }
      results.push(...(await scanEntry(cached.analyzer, entry, read)));
      if (read.outcome.ok) bytesRead += read.outcome.bytes.length;
    } finally {
      // Only a file worth reading ahead was prefetched: others await nothing here.
      if (read.outcome.ok && prefetched) await releasePrefetched(read.outcome.bytes);
      if (reused) releaseReadBuffer();
    }
  }
  return { results, done: entries.length };
}

/**
 * The next file is read before this one is scanned only when it is likely a PDF and small enough to hold
 * beside it: its pdftotext run then starts as soon as this file's is done, while this worker still detects
 * and reports this one (see extract/pdf.ts prefetchPdf). Other files are read in their turn.
 */
const READ_AHEAD_MAX_BYTES = 16 * 1024 * 1024;

function worthReadingAhead(entry: FileEntry): boolean {
  return entry.size <= READ_AHEAD_MAX_BYTES && /\.pdf$/i.test(entry.path);
}

/** Reads a file worth reading ahead (see worthReadingAhead) and starts its text extraction. */
async function readAndPrefetch(entry: FileEntry, task: WorkerTask): Promise<TimedRead> {
  const read = timedRead(entry, task);
  if (read.outcome.ok) await prefetchText(read.outcome.bytes, entry.path, task.settings.limits);
  return read;
}

interface TimedRead {
  outcome: ReadOutcome;
  readMs: number;
}

function timedRead(entry: FileEntry, task: WorkerTask, reuse = false): TimedRead {
  const started = performance.now();
  const outcome = readListedFile(entry.path, task.maxFileSize, entry.rawPath, { reuse, noFollow: task.followSymlinks !== true });
  return { outcome, readMs: performance.now() - started };
}

/** The file's result, then one per file inside it (archive members, mail attachments) when it holds any. */
async function scanEntry(analyzer: Analyzer, entry: FileEntry, { outcome: read, readMs }: TimedRead): Promise<FileResult[]> {
  const started = performance.now() - readMs;
  let result: FileResult;
  let inside: FileResult[] = [];
  const stats = read.stats ?? statsOf(entry);
  if (!read.ok) {
    result = { type: 'file', path: entry.path, status: read.status, reason: read.reason, message: read.message, bytes: stats?.size ?? 0, findings: [], records: 0 };
  } else {
    try {
      [result, ...inside] = (await analyzer.analyzeAll(read.bytes, entry.path)) as [FileResult, ...FileResult[]];
    } catch (error) {
      // Detectors and extractors do not throw by contract; if one does, the file is an error, never the message.
      result = {
        type: 'file',
        path: entry.path,
        status: 'error',
        reason: 'internal-error',
        message: `internal error while scanning (${(error as Error)?.name ?? 'Error'})`,
        bytes: read.bytes.length,
        findings: [],
        records: 0,
      };
    }
  }
  if (entry.rawPath) result.rawPath = entry.rawPath;
  if (stats) result.mtime = new Date(stats.mtimeMs).toISOString();
  result.durationMs = Math.round(performance.now() - started);
  result.timings = { extractMs: 0, detectMs: 0, ...result.timings, readMs };
  const ownership = stats ? { uid: stats.uid, gid: stats.gid, mode: stats.mode } : undefined;
  result.ownership = ownership;
  // A member whose archive records no time of its own was last changed no later than the archive; it is as
  // readable as the file that holds it.
  for (const member of inside) {
    member.mtime ??= result.mtime;
    member.ownership = ownership;
  }
  return [result, ...inside];
}

/**
 * What is known of a file that could not be opened: the crawl's lstat, or when the crawl left that to the
 * reader, an lstat now (a file in a folder that may be listed but not entered has none to give).
 */
function statsOf(entry: FileEntry): ReadStats | undefined {
  return entry.statDeferred ? lstatListed(entry) : entry;
}
